package io.svcgate.gateway;

import static io.svcgate.gateway.TestGateway.full;
import static io.svcgate.gateway.TestGateway.nodeData;
import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.gateway.config.ConfigKey;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Inputs once answered with a 500: each is a clear 4xx with a JSON error and changes nothing. */
@Timeout(60)
class HostileInputTest {

  @TempDir
  Path dir;
  TestGateway gw;
  String before;

  @BeforeEach
  void start() throws Exception {
    gw = TestGateway.start(dir, Map.of(ConfigKey.HTTP_MAX_BODY, "65536"));
    gw.ingest(full("n1", 1, nodeData(0)));
    before = gw.get("/api/daemon/status").bodyAsString();
  }

  @AfterEach
  void stop() throws Exception {
    gw.close();
  }

  private HttpResponse<Buffer> post(String uri, String contentType, String body) throws Exception {
    var req = gw.client.request(HttpMethod.POST, uri);
    if (contentType != null) {
      req.putHeader("content-type", contentType);
    }
    return req.sendBuffer(Buffer.buffer(body)).await(30, TimeUnit.SECONDS);
  }

  private static void assertJsonError(HttpResponse<Buffer> r, int status) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    assertThat(r.getHeader("content-type")).startsWith("application/json");
    assertThat(r.bodyAsJsonObject().getInteger("status")).isEqualTo(status);
    assertThat(r.bodyAsJsonObject().getString("error")).isNotBlank();
  }

  private void assertUnchanged() throws Exception {
    assertThat(gw.get("/api/daemon/status").bodyAsString()).isEqualTo(before);
  }

  @Test
  void numbersWithHugeExponentsAre400() throws Exception {
    for (String n : new String[] {"1e+31111111111111111", "92233721E+236854775808", "-1E-99999999999999"}) {
      String event = "{\"nodename\":\"n1\",\"kind\":\"event\",\"data\":{\"id\":\"node_freeze\",\"v\":" + n + "}}";
      assertJsonError(post("/api/events", "application/json", event), 400);
      assertJsonError(post("/api/heartbeats", "application/json", "[" + event + "]"), 400);
      assertThat(post("/api/heartbeats", "application/json", "[" + event + "]").bodyAsJsonObject().getString("error"))
          .contains("out of range");
      String cond = URLEncoder.encode("monitor.nodes.n1.frozen in [" + n + "]", StandardCharsets.UTF_8);
      assertJsonError(gw.get("/api/daemon/status?filter=" + cond), 400);
      assertJsonError(gw.get("/api/wait?duration=0&filter=" + cond), 400);
      assertJsonError(gw.get("/api/events?filter=" + cond), 400);
    }
    assertUnchanged();
  }

  @Test
  void formAndOtherMediaTypesAre415WithoutReadingTheBody() throws Exception {
    String huge = "a=" + "x".repeat(60_000);
    assertJsonError(post("/api/heartbeats", "application/x-www-form-urlencoded", huge), 415);
    assertJsonError(post("/api/heartbeats", "application/x-www-form-urlencoded", "a=%zz%"), 415);
    assertJsonError(post("/api/events", "application/x-www-form-urlencoded", "%"), 415);
    assertJsonError(post("/api/events", "multipart/form-data; boundary=x", "--x\r\n"), 415);
    assertJsonError(post("/api/heartbeats", "text/plain", full("n1", 2, nodeData(1)).encode()), 415);
    assertJsonError(post("/api/heartbeats", null, full("n1", 2, nodeData(1)).encode()), 415);
    assertJsonError(post("/api/nodes/n1/ask-full", "application/x-www-form-urlencoded", "a=%zz"), 415);
    assertThat(post("/api/heartbeats", "application/json; charset=utf-8", full("n1", 2, nodeData(1)).encode())
        .statusCode()).isEqualTo(202);
  }

  @Test
  void requestsTheRouterNeverSeesAreJsonErrorsToo() throws Exception {
    assertJsonError(gw.get("/api/%zz"), 400);
    assertJsonError(gw.get("/api/events?filter=%zz%"), 400);
    assertJsonError(gw.get("/api/" + "a".repeat(10_000)), 414);
    assertJsonError(gw.client.request(HttpMethod.GET, "/api/nodes").putHeader("X-Big", "b".repeat(10_000))
        .send().await(30, TimeUnit.SECONDS), 431);
    assertJsonError(gw.client.request(HttpMethod.POST, "/api/heartbeats").putHeader("content-type", "application/json")
        .putHeader("Expect", "something-else").sendBuffer(full("n1", 2, nodeData(1)).toBuffer()).await(30, TimeUnit.SECONDS), 417);
    assertUnchanged();
  }
}
