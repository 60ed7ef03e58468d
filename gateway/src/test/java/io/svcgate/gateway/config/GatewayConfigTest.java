package io.svcgate.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration sources, precedence, validation, and the documentation of every key. */
class GatewayConfigTest {

  @TempDir
  Path dir;

  @Test
  void defaultsNeedNothing() {
    GatewayConfig c = GatewayConfig.defaults();
    assertThat(c.port(ConfigKey.HTTP_PORT)).isEqualTo(1215);
    assertThat(c.duration(ConfigKey.HB_TIMEOUT)).isEqualTo(Duration.ofSeconds(15));
    assertThat(c.duration(ConfigKey.WAIT_MAX)).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.longValue(ConfigKey.HISTORY_MAX_EVENTS)).isEqualTo(100_000);
    assertThat(c.duration(ConfigKey.HISTORY_MAX_AGE)).isEqualTo(Duration.ofHours(24));
    assertThat(c.duration(ConfigKey.HOOKS_TIMEOUT)).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.integer(ConfigKey.HOOKS_MAX_RUNNING)).isEqualTo(8);
    assertThat(c.isSet(ConfigKey.JMX_PORT)).isFalse();
  }

  @Test
  void flagsWinOverEnvironmentWhichWinsOverTheFile() throws Exception {
    Path file = dir.resolve("svcgate.yaml");
    Files.writeString(file, "http:\n  port: 1000\nhb:\n  timeout: 5s\ncluster:\n  nodes: [n1, n2]\n"
        + "auth:\n  tokens:\n    - {token: t1, role: read}\n");
    GatewayConfig c = GatewayConfig.load(file, Map.of("SVCGATE_HTTP_PORT", "2000", "SVCGATE_HB_TIMEOUT", "7s"),
        Map.of(ConfigKey.HTTP_PORT, "3000"));
    assertThat(c.port(ConfigKey.HTTP_PORT)).isEqualTo(3000);
    assertThat(c.duration(ConfigKey.HB_TIMEOUT)).isEqualTo(Duration.ofSeconds(7));
    assertThat(c.list(ConfigKey.CLUSTER_NODES)).containsExactly("n1", "n2");
    assertThat(c.list(ConfigKey.AUTH_TOKENS)).containsExactly("t1:read");
    assertThat(c.describe().get("auth.tokens")).isEqualTo("***");
  }

  @Test
  void jsonFilesWorkToo() throws Exception {
    Path file = dir.resolve("svcgate.json");
    Files.writeString(file, "{\"http\": {\"max-body\": 1024}, \"hooks.timeout\": \"2s\"}");
    GatewayConfig c = GatewayConfig.load(file, Map.of(), Map.of());
    assertThat(c.longValue(ConfigKey.HTTP_MAX_BODY)).isEqualTo(1024);
    assertThat(c.duration(ConfigKey.HOOKS_TIMEOUT)).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void badValuesAndUnknownKeysSayWhich() throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "http:\n  prot: 1\n");
    assertThatThrownBy(() -> GatewayConfig.load(file, Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("unknown key 'http.prot'");
    GatewayConfig c = GatewayConfig.builder().set(ConfigKey.HTTP_PORT, "70000").set(ConfigKey.HB_TIMEOUT, "1.5s")
        .set(ConfigKey.HISTORY_MAX_EVENTS, "many").set(ConfigKey.AUTH_OPEN_HEALTH, "perhaps").build();
    assertThatThrownBy(() -> c.port(ConfigKey.HTTP_PORT)).hasMessageContaining("http.port");
    assertThatThrownBy(() -> c.duration(ConfigKey.HB_TIMEOUT)).hasMessageContaining("hb.timeout");
    assertThatThrownBy(() -> c.longValue(ConfigKey.HISTORY_MAX_EVENTS)).hasMessageContaining("whole number");
    assertThatThrownBy(() -> c.bool(ConfigKey.AUTH_OPEN_HEALTH)).hasMessageContaining("true or false");
    assertThatThrownBy(() -> GatewayConfig.load(dir.resolve("missing.yaml"), Map.of(), Map.of()))
        .hasMessageContaining("cannot read config file");
  }

  @Test
  void everyKeyIsDocumentedWithItsEnvironmentVariable() throws Exception {
    Path docs = Path.of("").toAbsolutePath();
    while (docs != null && !Files.exists(docs.resolve("docs/configuration.md"))) {
      docs = docs.getParent();
    }
    assertThat(docs).as("docs/configuration.md above " + Path.of("").toAbsolutePath()).isNotNull();
    String page = Files.readString(docs.resolve("docs/configuration.md"));
    for (ConfigKey k : ConfigKey.values()) {
      assertThat(page).as(k.key()).contains("`" + k.key() + "`").contains("`" + k.envName() + "`");
    }
  }
}
