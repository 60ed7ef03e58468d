package io.svcgate.gateway.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.gateway.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The alerting rules (docs/prometheus/svcgate-alerts.yml) pass {@code promtool check
 * rules} and their unit tests (svcgate-alerts.test.yml: made-up series, the alerts
 * expected at given times) pass {@code promtool test rules}.
 */
@Timeout(120)
class AlertRulesTest {

  private static final Path DIR = Paths.get(System.getProperty("basedir", ".")).toAbsolutePath()
      .resolve("../docs/prometheus").normalize();

  @Test
  void theRulesAreValid() throws Exception {
    assertThat(promtool("check", "rules", "svcgate-alerts.yml")).contains("SUCCESS");
  }

  @Test
  void theRulesPassTheirUnitTests() throws Exception {
    assertThat(promtool("test", "rules", "svcgate-alerts.test.yml")).contains("SUCCESS");
  }

  private static String promtool(String... args) throws Exception {
    String promtool = Tools.require("promtool", "prometheus");
    String[] cmd = new String[args.length + 1];
    cmd[0] = promtool;
    System.arraycopy(args, 0, cmd, 1, args.length);
    Process p = new ProcessBuilder(cmd).directory(DIR.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("promtool %s said:%n%s", String.join(" ", args), out).isZero();
    return out;
  }
}
