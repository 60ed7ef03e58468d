package io.svcgate.gateway;

import static io.svcgate.gateway.TestGateway.full;
import static io.svcgate.gateway.TestGateway.nodeData;
import static io.svcgate.gateway.TestGateway.patch;
import static io.svcgate.gateway.TestGateway.set;
import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.gateway.config.ConfigKey;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Node liveness events, the gateway's own monitor_started, and token access. */
@Timeout(60)
class LivenessAndAuthTest {

  @TempDir
  Path dir;
  TestGateway gw;

  @AfterEach
  void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
  }

  private JsonArray events(String query) throws Exception {
    return gw.get("/api/events?" + query).bodyAsJsonObject().getJsonArray("events");
  }

  @Test
  void staleAfterTimeoutThenBeatingWhenHeardAgain() throws Exception {
    gw = TestGateway.start(dir, Map.of(ConfigKey.HB_TIMEOUT, "300ms"));
    assertThat(events("kind=event&eventid=monitor_started")).hasSize(1);
    gw.ingest(full("n1", 1, nodeData(0)));
    Awaits.until("hb_stale", () -> {
      try {
        return events("kind=event&eventid=hb_stale").size() == 1;
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
    JsonObject stale = events("kind=event&eventid=hb_stale").getJsonObject(0);
    assertThat(stale.getString("nodename")).isEqualTo("gw-test");
    assertThat(stale.getJsonObject("data").getString("nodename")).isEqualTo("n1");
    assertThat(gw.get("/api/nodes").bodyAsJsonArray().getJsonObject(0).getString("status")).isEqualTo("stale");

    gw.ingest(patch("n1", 2, set(1, "frozen")));
    JsonArray beating = events("kind=event&eventid=hb_beating");
    assertThat(beating).hasSize(1);
    assertThat(beating.getJsonObject(0).getJsonObject("data").getString("nodename")).isEqualTo("n1");
    assertThat(beating.getJsonObject(0).getLong("id")).isGreaterThan(stale.getLong("id"));
  }

  private HttpResponse<Buffer> call(HttpMethod m, String uri, String token, Buffer body) throws Exception {
    var req = gw.client.request(m, uri);
    if (token != null) {
      req.putHeader("Authorization", "Bearer " + token);
    }
    return (body == null ? req.send() : req.putHeader("content-type", "application/json").sendBuffer(body))
        .await(30, TimeUnit.SECONDS);
  }

  @Test
  void tokensAndRoles() throws Exception {
    gw = TestGateway.start(dir, Map.of(ConfigKey.AUTH_TOKENS, "rtok:read,itok:ingest,atok:admin",
        ConfigKey.HTTP_HOST, "127.0.0.1"));
    Buffer hb = full("n1", 1, nodeData(0)).toBuffer();
    HttpResponse<Buffer> none = call(HttpMethod.GET, "/api/daemon/status", null, null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.bodyAsJsonObject().getString("error")).contains("token");
    assertThat(call(HttpMethod.GET, "/api/daemon/status", "wrong", null).statusCode()).isEqualTo(401);
    assertThat(call(HttpMethod.GET, "/api/daemon/status", "rtok", null).statusCode()).isEqualTo(200);
    assertThat(call(HttpMethod.POST, "/api/heartbeats", "rtok", hb).statusCode()).isEqualTo(403);
    assertThat(call(HttpMethod.GET, "/api/daemon/status", "itok", null).statusCode()).isEqualTo(403);
    assertThat(call(HttpMethod.POST, "/api/heartbeats", "itok", hb).statusCode()).isEqualTo(202);
    assertThat(call(HttpMethod.DELETE, "/api/nodes/n1", "itok", null).statusCode()).isEqualTo(403);
    assertThat(call(HttpMethod.DELETE, "/api/nodes/n1", "rtok", null).statusCode()).isEqualTo(403);
    assertThat(call(HttpMethod.DELETE, "/api/nodes/n1", "atok", null).statusCode()).isEqualTo(200);
    assertThat(call(HttpMethod.GET, "/health", null, null).statusCode()).isEqualTo(200);
    assertThat(call(HttpMethod.GET, "/metrics", null, null).statusCode()).isEqualTo(200);
  }

  @Test
  void configuredClusterNodesRefuseOthers() throws Exception {
    gw = TestGateway.start(dir, Map.of(ConfigKey.CLUSTER_NODES, "n1,n2"));
    gw.ingest(full("n1", 1, nodeData(0)));
    HttpResponse<Buffer> r = gw.post("/api/heartbeats", full("intruder", 1, nodeData(0)));
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.bodyAsJsonObject().getString("error")).contains("intruder");
    JsonObject doc = gw.get("/api/daemon/status").bodyAsJsonObject();
    assertThat(doc.getJsonObject("cluster").getJsonArray("nodes")).containsExactly("n1", "n2");
    assertThat(doc.getJsonObject("monitor").getJsonObject("nodes").fieldNames()).containsExactly("n1");
    assertThat(gw.gateway.metrics().heartbeatsRejected()).isEqualTo(1);
  }
}
