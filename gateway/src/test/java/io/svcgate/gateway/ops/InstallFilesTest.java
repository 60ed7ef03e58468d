package io.svcgate.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.gateway.Logging;
import io.svcgate.gateway.config.ConfigKey;
import io.svcgate.gateway.config.GatewayConfig;
import io.svcgate.gateway.hooks.HooksFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commented examples the install package ships (dist/etc): uncommented, the
 * example configuration is read by the real loader (every key it names exists, every
 * value is valid) and the hooks example by the real hooks parser; the systemd unit's
 * defaults file loads too.
 */
class InstallFilesTest {

  @TempDir
  Path dir;

  /** The example with its commented settings turned on: "# key: …" lines lose their "# ", prose stays. */
  private static String uncomment(String text) {
    return text.lines().map(l -> {
      if (!l.startsWith("# ")) {
        return l;
      }
      String rest = l.substring(2);
      return rest.strip().matches("^([a-z][a-z-]*:|- |\\[hook#).*|^[a-z]+ = .*") ? rest : l;
    }).collect(Collectors.joining("\n", "", "\n"));
  }

  @Test
  void theExampleConfigurationUncommentedIsValid() throws Exception {
    Path tokens = Files.writeString(dir.resolve("tokens"), "t0k3n-r34d:read\n");
    String yaml = uncomment(Files.readString(Repo.ROOT.resolve("dist/etc/svcgate.yaml.example")))
        .replace("/etc/svcgate/tokens", tokens.toString());
    assertThat(yaml).contains("\ncluster:\n  name: prod\n").contains("\n  tokens-file: ");
    Path file = Files.writeString(dir.resolve("svcgate.yaml"), yaml);
    GatewayConfig c = GatewayConfig.load(file, Map.of(), Map.of());
    assertThat(c.list(ConfigKey.CLUSTER_NODES)).containsExactly("n1", "n2", "n3");
    assertThat(c.list(ConfigKey.AUTH_TOKENS)).containsExactly("t0k3n-r34d:read");
    assertThat(c.port(ConfigKey.HTTP_PORT)).isEqualTo(1215);
    assertThat(c.port(ConfigKey.JMX_PORT)).isEqualTo(9010);
    assertThat(c.duration(ConfigKey.HB_TIMEOUT).getSeconds()).isEqualTo(15);
    assertThat(c.duration(ConfigKey.HISTORY_MAX_AGE).toHours()).isEqualTo(24);
    assertThat(c.bool(ConfigKey.HISTORY_DURABLE)).isTrue();
    assertThat(c.string(ConfigKey.DATA)).isEqualTo("/var/lib/svcgate");
    assertThat(Logging.format(c)).isEqualTo(Logging.Format.PLAIN);
  }

  @Test
  void theHooksExampleUncommentedParses() throws Exception {
    HooksFile h = HooksFile.parse(uncomment(Files.readString(Repo.ROOT.resolve("dist/etc/node.conf.example"))));
    assertThat(h.hooks()).hasSize(2);
    assertThat(h.warnings()).isEmpty();
    assertThat(h.commandsFor("node_freeze")).containsExactly(java.util.List.of("/usr/local/bin/notify-ops", "--event",
        "node_freeze"));
    assertThat(h.commandsFor("hb_stale")).hasSize(1);
  }

  @Test
  void theSystemdDefaultsLoadBelowTheConfigFile() throws Exception {
    Path mine = Files.writeString(dir.resolve("svcgate.yaml"), "data: /srv/svcgate\n");
    GatewayConfig c = GatewayConfig.load(Repo.ROOT.resolve("dist/etc/systemd/svcgate-defaults.yaml"), mine, Map.of(),
        Map.of());
    assertThat(c.string(ConfigKey.DATA)).isEqualTo("/srv/svcgate");
    assertThat(c.string(ConfigKey.HOOKS_FILE)).isEqualTo("/etc/svcgate/node.conf");
  }
}
