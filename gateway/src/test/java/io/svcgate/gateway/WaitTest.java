package io.svcgate.gateway;

import static io.svcgate.gateway.TestGateway.full;
import static io.svcgate.gateway.TestGateway.nodeData;
import static io.svcgate.gateway.TestGateway.patch;
import static io.svcgate.gateway.TestGateway.set;
import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.gateway.config.ConfigKey;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /api/wait} and the wait/query event-bus addresses. */
@Timeout(60)
class WaitTest {

  @TempDir
  Path dir;
  TestGateway gw;

  @BeforeEach
  void start() throws Exception {
    gw = TestGateway.start(dir, Map.of(ConfigKey.WAIT_MAX, "5s"));
    gw.ingest(full("n1", 1, nodeData(0)));
  }

  @AfterEach
  void stop() throws Exception {
    gw.close();
  }

  private Future<HttpResponse<Buffer>> waitAsync(String query) {
    return gw.client.get("/api/wait?" + query).send();
  }

  @Test
  void alreadyTrueAnswersAtOnce() throws Exception {
    JsonObject r = gw.get("/api/wait?filter=monitor.nodes.n1.frozen%3D0&duration=10s").bodyAsJsonObject();
    assertThat(r.getBoolean("satisfied")).isTrue();
    assertThat(r.getDouble("elapsed")).isLessThan(5.0);
    assertThat(r.getLong("id")).isGreaterThan(0L);
  }

  @Test
  void satisfiedByALaterPatch() throws Exception {
    Future<HttpResponse<Buffer>> w = waitAsync("filter=monitor.nodes.n1.frozen%3E0&duration=30s");
    // the wait is registered once the gateway counts it
    Awaits.until("the wait is registered", () -> gw.gateway.metrics().waiters() >= 1);
    long id = gw.ingest(patch("n1", 2, set(1764147721.2, "frozen")));
    JsonObject r = w.await(30, TimeUnit.SECONDS).bodyAsJsonObject();
    assertThat(r.getBoolean("satisfied")).isTrue();
    assertThat(r.getLong("id")).isEqualTo(id);
    assertThat(gw.gateway.metrics().waiters()).isZero();
  }

  @Test
  void timeoutAnswersNotSatisfied() throws Exception {
    HttpResponse<Buffer> r = gw.get("/api/wait?filter=monitor.nodes.n1.frozen%3E0&duration=300ms");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getBoolean("satisfied")).isFalse();
    assertThat(r.bodyAsJsonObject().getDouble("elapsed")).isGreaterThanOrEqualTo(0.3);
    JsonObject zero = gw.get("/api/wait?filter=monitor.nodes.n1.frozen%3E0&duration=0").bodyAsJsonObject();
    assertThat(zero.getBoolean("satisfied")).isFalse();
  }

  @Test
  void serverCapsAtWaitMax() throws Exception {
    JsonObject r = gw.get("/api/wait?filter=monitor.nodes.n1.frozen%3E0&duration=1h").bodyAsJsonObject();
    assertThat(r.getBoolean("satisfied")).isFalse();
    assertThat(r.getDouble("elapsed")).isBetween(4.9, 30.0);
  }

  @Test
  void badConditionOrDurationIs400() throws Exception {
    assertThat(gw.get("/api/wait?filter=a.b%3Dc%3Dd&duration=1s").statusCode()).isEqualTo(400);
    HttpResponse<Buffer> d = gw.get("/api/wait?filter=monitor.nodes.n1.frozen%3D0&duration=1.5");
    assertThat(d.statusCode()).isEqualTo(400);
    assertThat(d.bodyAsJsonObject().getString("error")).contains("duration");
    assertThat(gw.get("/api/wait?duration=1s").statusCode()).isEqualTo(400);
  }

  @Test
  void manyConcurrentWaitsOnDifferentPaths() throws Exception {
    // the waits left pending must outlive the test's ingest, however slow the machine: not the 5 s cap of the others
    gw.close();
    gw = TestGateway.start(dir, Map.of(ConfigKey.WAIT_MAX, "10m"));
    int n = 200;
    for (int i = 0; i < n; i++) {
      gw.ingest(full("w" + i, 1, nodeData(0)));
    }
    List<Future<HttpResponse<Buffer>>> waits = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      waits.add(waitAsync("filter=monitor.nodes.w" + i + ".frozen%3D" + (i + 1) + "&duration=30s"));
    }
    Awaits.until("all waits registered", () -> gw.gateway.metrics().waiters() >= n);
    // change half of them: only those are released
    for (int i = 0; i < n; i += 2) {
      gw.ingest(patch("w" + i, 2, set(i + 1, "frozen")));
    }
    for (int i = 0; i < n; i += 2) {
      assertThat(waits.get(i).await(30, TimeUnit.SECONDS).bodyAsJsonObject().getBoolean("satisfied")).isTrue();
    }
    assertThat(gw.gateway.metrics().waiters()).isEqualTo(n / 2);
    for (int i = 1; i < n; i += 2) {
      assertThat(waits.get(i).isComplete()).isFalse();
    }
  }

  @Test
  void waitOnEventsWithAfterSeesPastEvents() throws Exception {
    long before = gw.get("/api/events?limit=1").bodyAsJsonObject().getLong("last");
    long evId = gw.post("/api/events", TestGateway.event("n1", "node_freeze", null)).bodyAsJsonObject().getLong("id");
    JsonObject r = gw.get("/api/wait?on=events&filter=kind%3Devent&filter=data.id%3Dnode_freeze&duration=5s&after=" + before)
        .bodyAsJsonObject();
    assertThat(r.getBoolean("satisfied")).isTrue();
    assertThat(r.getLong("id")).isEqualTo(evId);
    // without after: only new events count
    Future<HttpResponse<Buffer>> w = waitAsync("on=events&filter=data.id%3Dnode_thaw&duration=20s");
    Awaits.until("the wait is registered", () -> gw.gateway.metrics().waiters() >= 1);
    long thaw = gw.post("/api/events", TestGateway.event("n1", "node_thaw", null)).bodyAsJsonObject().getLong("id");
    JsonObject r2 = w.await(30, TimeUnit.SECONDS).bodyAsJsonObject();
    assertThat(r2.getBoolean("satisfied")).isTrue();
    assertThat(r2.getLong("id")).isEqualTo(thaw);
  }

  @Test
  void eventBusAddresses() throws Exception {
    var bus = gw.gateway.vertx().eventBus();
    JsonObject hb = patch("n1", 2, set(42, "frozen"));
    JsonObject ack = bus.<JsonObject>request(Addresses.HB_RX, hb).await(10, TimeUnit.SECONDS).body();
    assertThat(ack.getInteger("accepted")).isEqualTo(1);
    long id = ack.getLong("id");
    JsonObject q = bus.<JsonObject>request(Addresses.STATE_QUERY, new JsonObject().put("filter", "monitor.nodes.n1.frozen"))
        .await(10, TimeUnit.SECONDS).body();
    assertThat(q.getLong("id")).isEqualTo(id);
    assertThat(q.getJsonArray("matches").getJsonObject(0).getInteger("value")).isEqualTo(42);
    JsonObject w = bus.<JsonObject>request(Addresses.STATE_WAIT,
        new JsonObject().put("filter", "monitor.nodes.n1.frozen=42").put("duration", "1s")).await(10, TimeUnit.SECONDS).body();
    assertThat(w.getBoolean("satisfied")).isTrue();
    Throwable bad = catchFailure(() -> bus.request(Addresses.HB_RX, new JsonObject().put("kind", "full")).await(10, TimeUnit.SECONDS));
    assertThat(bad).isInstanceOf(io.vertx.core.eventbus.ReplyException.class);
    assertThat(((io.vertx.core.eventbus.ReplyException) bad).failureCode()).isEqualTo(400);
  }

  private static Throwable catchFailure(ThrowingRunnable r) {
    try {
      r.run();
      return null;
    } catch (Throwable t) {
      return t;
    }
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }
}
