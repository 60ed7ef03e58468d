package io.svcgate.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.gateway.TestGateway;
import io.svcgate.jmx.GatewayMXBean;
import io.svcgate.jmx.ObjectNames;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.JMX;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One version everywhere: {@code --version}, the JMX {@code Version}, {@code GET /health}
 * and {@code svcgate_build_info} all say the version Maven built (handed to the test by
 * surefire as {@code svcgate.test.project-version}, from the pom), and the same revision.
 */
@Timeout(90)
class VersionTest {

  private static final Pattern BUILD_INFO =
      Pattern.compile("(?m)^svcgate_build_info\\{revision=\"([^\"]+)\",version=\"([^\"]+)\"} 1(?:\\.0)?$");

  @TempDir
  Path dir;

  @Test
  void everyInterfaceSaysTheBuildsVersion() throws Exception {
    String expected = System.getProperty("svcgate.test.project-version");
    assertThat(expected).as("surefire passes the pom's version").isNotBlank().doesNotContain("${");

    Cli.Result v = Cli.run("--version");
    assertThat(v.code()).isZero();
    Matcher m = Pattern.compile("^om (\\S+) \\((\\S+)\\)$").matcher(v.out().strip());
    assertThat(m.matches()).as("--version printed %s", v.out()).isTrue();
    assertThat(m.group(1)).isEqualTo(expected);
    String revision = m.group(2);
    assertThat(revision).isNotBlank();
    assertThat(Cli.run("node", "events", "--version").out().strip()).isEqualTo(v.out().strip());

    try (TestGateway gw = TestGateway.start(dir, Map.of())) {
      assertThat(gw.get("/health").bodyAsJsonObject().getString("version")).isEqualTo(expected);
      GatewayMXBean bean = JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(), ObjectNames.GATEWAY,
          GatewayMXBean.class);
      assertThat(bean.getVersion()).isEqualTo(expected);
      String metrics = gw.get("/metrics").bodyAsString();
      Matcher info = BUILD_INFO.matcher(metrics);
      assertThat(info.find()).as("svcgate_build_info in /metrics:%n%s", metrics.lines()
          .filter(l -> l.contains("build")).collect(java.util.stream.Collectors.joining("\n"))).isTrue();
      assertThat(info.group(2)).isEqualTo(expected);
      assertThat(info.group(1)).isEqualTo(revision);
    }
  }
}
