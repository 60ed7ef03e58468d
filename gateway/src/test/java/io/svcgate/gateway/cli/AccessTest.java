package io.svcgate.gateway.cli;

import static io.svcgate.gateway.TestGateway.full;
import static io.svcgate.gateway.cli.Fixtures.node;
import static io.svcgate.gateway.cli.Fixtures.url;
import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.gateway.TestGateway;
import io.svcgate.gateway.config.ConfigKey;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Tokens: the right one works, a wrong or missing one is exit 3 with the gateway's message. */
@Timeout(60)
class AccessTest {

  @TempDir
  Path dir;
  TestGateway gw;

  @BeforeEach
  void start() throws Exception {
    gw = TestGateway.start(dir, Map.of(ConfigKey.AUTH_TOKENS, "r34d:read,4dm1n:admin", ConfigKey.HTTP_HOST, "127.0.0.1"));
    int status = gw.client.request(HttpMethod.POST, "/api/heartbeats").putHeader("Authorization", "Bearer 4dm1n")
        .sendJson(full("nuc-cva", 1, node(0))).await(30, TimeUnit.SECONDS).statusCode();
    assertThat(status).isEqualTo(202);
  }

  @AfterEach
  void stop() throws Exception {
    gw.close();
  }

  @Test
  void rightTokenWorks() {
    Cli.Result r = Cli.run("daemon", "status", "--filter", "monitor.nodes.nuc-cva.frozen", "--token", "r34d",
        "--server", url(gw));
    assertThat(r.out()).isEqualTo("0\n");
    assertThat(r.code()).isZero();
  }

  @Test
  void wrongTokenExitsThreeWithTheGatewaysMessage() {
    for (String[] cmd : new String[][] {
        {"daemon", "status", "--filter", "monitor.nodes.nuc-cva.frozen"},
        {"node", "wait", "--filter", "monitor.nodes.nuc-cva.frozen=0", "--duration", "1s"},
        {"node", "ls"},
        {"node", "events", "--duration", "5s"}}) {
      String[] args = new String[cmd.length + 4];
      System.arraycopy(cmd, 0, args, 0, cmd.length);
      args[cmd.length] = "--token";
      args[cmd.length + 1] = "wrong";
      args[cmd.length + 2] = "--server";
      args[cmd.length + 3] = url(gw);
      Cli.Result r = Cli.run(args);
      assertThat(r.code()).as(String.join(" ", cmd)).isEqualTo(3);
      assertThat(r.err()).as(String.join(" ", cmd))
          .isEqualTo("om: the gateway refused the request: invalid token (HTTP 401)\n");
      assertThat(r.out()).isEmpty();
    }
  }

  @Test
  void missingTokenSaysHowToGiveOne() {
    Cli.Result r = Cli.run("node", "ls", "--server", url(gw));
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err()).isEqualTo("om: the gateway refused the request: missing bearer token "
        + "(Authorization: Bearer <token>) (HTTP 401); give a token with --token or $SVCGATE_TOKEN\n");
  }

  @Test
  void badServerUrlIsABadArgument() {
    Cli.Result r = Cli.run("node", "ls", "--server", "127.0.0.1:1215");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("om: --server: expected a URL such as http://127.0.0.1:1215, got '127.0.0.1:1215'\n");
  }
}
