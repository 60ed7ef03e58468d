package io.svcgate.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.svcgate.gateway.Gateway;
import io.svcgate.gateway.config.ConfigException;
import io.svcgate.gateway.config.ConfigKey;
import io.svcgate.gateway.config.GatewayConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets from files (docs/configuration.md, "Secrets from files"): {@code auth.tokens-file}
 * in a config file and {@code SVCGATE_AUTH_TOKENS_FILE} in the environment give the
 * tokens a real gateway checks; {@code om --token-file} and {@code SVCGATE_TOKEN_FILE}
 * give the client's.
 */
@Timeout(90)
class SecretFilesTest {

  @TempDir
  Path dir;

  private Path write(String name, String content) throws Exception {
    return Files.writeString(dir.resolve(name), content);
  }

  private Path config(String yaml) throws Exception {
    return write("svcgate.yaml", yaml + "\nnodename: gw-test\nhttp: {port: 0, host: 127.0.0.1}\ndata: "
        + dir.resolve("data") + "\nhooks: {file: " + dir.resolve("no-hooks.conf") + "}\n");
  }

  @Test
  void aGatewayChecksTheTokensOfItsTokensFileAndTheClientReadsItsOwnFromAFile() throws Exception {
    Path tokens = write("tokens", "r34d-fr0m-f1le:read\nadm1n-fr0m-f1le:admin\n");
    GatewayConfig c = GatewayConfig.load(config("auth: {tokens-file: " + tokens + "}"), Map.of(), Map.of());
    assertThat(c.list(ConfigKey.AUTH_TOKENS)).containsExactly("r34d-fr0m-f1le:read", "adm1n-fr0m-f1le:admin");
    assertThat(c.describe().get("auth.tokens")).isEqualTo("***");
    Gateway gw = Gateway.start(c).await(60, TimeUnit.SECONDS);
    try {
      String url = "http://127.0.0.1:" + gw.httpPort();
      assertThat(get(url + "/api/nodes", null)).isEqualTo(401);
      assertThat(get(url + "/api/nodes", "r34d-fr0m-f1le")).isEqualTo(200);

      Path clientToken = write("client-token", "r34d-fr0m-f1le\n");
      Cli.Result ok = Cli.run("node", "ls", "--server", url, "--token-file", clientToken.toString());
      assertThat(ok.code()).as(ok.err()).isZero();
      Cli.Result missing = Cli.run("node", "ls", "--server", url, "--token-file", dir.resolve("nope").toString());
      assertThat(missing.code()).isEqualTo(2);
      assertThat(missing.err()).startsWith("om: --token-file: cannot read ").contains("nope");
      Cli.Result none = Cli.run("node", "ls", "--server", url);
      assertThat(none.code()).isEqualTo(3);
    } finally {
      gw.stop().await(30, TimeUnit.SECONDS);
    }
  }

  private static int get(String url, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void theEnvironmentsFileWinsOverTheConfigFileAsItsValueWould() throws Exception {
    Path fromEnv = write("env-tokens", "e:admin");
    GatewayConfig c = GatewayConfig.load(config("auth: {tokens: 'f:read'}"),
        Map.of("SVCGATE_AUTH_TOKENS_FILE", fromEnv.toString()), Map.of());
    assertThat(c.string(ConfigKey.AUTH_TOKENS)).isEqualTo("e:admin");
    // and a plain value in the environment wins over a file named in the config file
    c = GatewayConfig.load(config("auth: {tokens-file: " + fromEnv + "}"), Map.of("SVCGATE_AUTH_TOKENS", "v:read"),
        Map.of());
    assertThat(c.string(ConfigKey.AUTH_TOKENS)).isEqualTo("v:read");
  }

  @Test
  void oneSourceGivingASecretAndItsFileIsAnError() throws Exception {
    Path f = write("t", "x:read");
    assertThatThrownBy(() -> GatewayConfig.load(config("auth: {tokens: 'y:read', tokens-file: " + f + "}"), Map.of(),
        Map.of())).isInstanceOf(ConfigException.class).hasMessageContaining("both auth.tokens and auth.tokens-file");
    assertThatThrownBy(() -> GatewayConfig.load(null,
        Map.of("SVCGATE_AUTH_TOKENS", "y:read", "SVCGATE_AUTH_TOKENS_FILE", f.toString()), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("SVCGATE_AUTH_TOKENS and SVCGATE_AUTH_TOKENS_FILE");
  }

  @Test
  void anUnreadableOrHugeFileIsAnErrorNamingTheKeyAndTheFile() throws Exception {
    Path nope = dir.resolve("no-such-file");
    assertThatThrownBy(() -> GatewayConfig.load(config("auth: {tokens-file: " + nope + "}"), Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("auth.tokens-file: cannot read " + nope);
    Path huge = write("huge", "x".repeat(70_000));
    assertThatThrownBy(() -> GatewayConfig.load(null, Map.of("SVCGATE_AUTH_TOKENS_FILE", huge.toString()), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("SVCGATE_AUTH_TOKENS_FILE").hasMessageContaining("larger");
  }

  @Test
  void onlySecretsHaveAFileKey() throws Exception {
    Path f = write("p", "2000");
    assertThatThrownBy(() -> GatewayConfig.load(config("hb: {timeout-file: " + f + "}"), Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("unknown key 'hb.timeout-file'");
    // jmx.password-file stays the key it always was: a path the JVM's JMX agent reads
    GatewayConfig c = GatewayConfig.load(config("jmx: {password-file: " + f + "}"), Map.of(), Map.of());
    assertThat(c.string(ConfigKey.JMX_PASSWORD_FILE)).isEqualTo(f.toString());
  }

  @Test
  void theOpenSvcSecretsComeFromFilesAndAreMasked() throws Exception {
    Path cluster = write("cluster", "0123456789abcdef0123456789abcdef\n");
    Path relay = write("relay", "relay-secret-of-24-bytes\n");
    GatewayConfig c = GatewayConfig.load(config("cluster: {secret-file: " + cluster + "}"),
        Map.of("SVCGATE_RELAY_SECRET_FILE", relay.toString()), Map.of());
    assertThat(c.string(ConfigKey.CLUSTER_SECRET)).isEqualTo("0123456789abcdef0123456789abcdef");
    assertThat(c.string(ConfigKey.RELAY_SECRET)).isEqualTo("relay-secret-of-24-bytes");
    assertThat(c.describe()).containsEntry("cluster.secret", "***").containsEntry("relay.secret", "***");
  }
}
