package io.svcgate.gateway;

import static io.svcgate.gateway.TestGateway.full;
import static io.svcgate.gateway.TestGateway.nodeData;
import static io.svcgate.gateway.TestGateway.patch;
import static io.svcgate.gateway.TestGateway.set;
import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.gateway.StreamClient.Frame;
import io.svcgate.gateway.config.ConfigKey;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /api/events/stream}: SSE and ndjson, resume, full, bookmarks, slow consumers, 410. */
@Timeout(90)
class StreamTest {

  @TempDir
  Path dir;
  TestGateway gw;

  @AfterEach
  void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  void sseLiveThenResumeAfterReconnectWithoutLossOrDuplicate() throws Exception {
    gw = TestGateway.start(dir, Map.of());
    long first = gw.ingest(full("n1", 1, nodeData(0)));
    List<Long> seen = new ArrayList<>();
    try (StreamClient s = StreamClient.sse(gw.clientVertx, gw.port(), "/api/events/stream?after=" + first)) {
      assertThat(s.status).isEqualTo(200);
      for (int g = 2; g <= 6; g++) {
        gw.ingest(patch("n1", g, set(g, "stats")));
      }
      for (int i = 0; i < 5; i++) {
        Frame f = s.nextEvent();
        assertThat(f.event()).isEqualTo("patch");
        assertThat(Long.parseLong(f.id())).isEqualTo(f.data().getLong("id"));
        seen.add(f.data().getLong("id"));
      }
    }
    // events while disconnected
    for (int g = 7; g <= 11; g++) {
      gw.ingest(patch("n1", g, set(g, "stats")));
    }
    long lastSeen = seen.get(seen.size() - 1);
    try (StreamClient s = StreamClient.sse(gw.clientVertx, gw.port(), "/api/events/stream", Long.toString(lastSeen))) {
      for (int g = 12; g <= 13; g++) {
        gw.ingest(patch("n1", g, set(g, "stats")));
      }
      for (int i = 0; i < 7; i++) {
        seen.add(s.nextEvent().data().getLong("id"));
      }
    }
    for (int i = 1; i < seen.size(); i++) {
      assertThat(seen.get(i)).isEqualTo(seen.get(i - 1) + 1);
    }
    assertThat(seen).hasSize(12);
  }

  @Test
  void ndjsonWithFullAndFilters() throws Exception {
    gw = TestGateway.start(dir, Map.of());
    long id = gw.ingest(full("n1", 1, nodeData(0)));
    gw.ingest(full("n2", 1, nodeData(0)));
    try (StreamClient s = StreamClient.ndjson(gw.clientVertx, gw.port(), "/api/events/stream?full=true&nodename=n2&kind=patch")) {
      Frame f = s.next();
      assertThat(f.data().getString("kind")).isEqualTo("full");
      long k = f.data().getLong("id");
      assertThat(k).isGreaterThan(id);
      assertThat(f.data().getJsonObject("data").getJsonObject("monitor").getJsonObject("nodes").fieldNames()).contains("n1", "n2");
      gw.ingest(patch("n1", 2, set(1, "frozen")));
      gw.post("/api/events", TestGateway.event("n2", "node_freeze", null));
      long n2patch = gw.ingest(patch("n2", 2, set(1, "frozen")));
      Frame next = s.nextEvent();
      assertThat(next.data().getLong("id")).isLessThanOrEqualTo(n2patch).isGreaterThan(k);
      assertThat(next.data().getString("nodename")).isEqualTo("n2");
    }
  }

  @Test
  void tooOldCursorIs410AndBeyondLastIs400() throws Exception {
    gw = TestGateway.start(dir, Map.of(ConfigKey.HISTORY_MAX_EVENTS, "5", ConfigKey.HISTORY_SNAPSHOT_EVERY, "5",
        ConfigKey.HISTORY_RETENTION_INTERVAL, "50ms"));
    gw.ingest(full("n1", 1, nodeData(0)));
    for (int g = 2; g <= 20; g++) {
      gw.ingest(patch("n1", g, set(g, "stats")));
    }
    Awaits.until("retention drops the oldest events", () -> gw.gateway.history().oldestId() > 2);
    var r = gw.get("/api/events?after=1");
    assertThat(r.statusCode()).isEqualTo(410);
    JsonObject body = r.bodyAsJsonObject();
    assertThat(body.getLong("oldest")).isGreaterThan(2L);
    assertThat(body.getLong("last")).isGreaterThanOrEqualTo(body.getLong("oldest"));
    try (StreamClient s = StreamClient.sse(gw.clientVertx, gw.port(), "/api/events/stream?after=1")) {
      assertThat(s.status).isEqualTo(410);
    }
    try (StreamClient s = StreamClient.sse(gw.clientVertx, gw.port(), "/api/events/stream?after=100000")) {
      assertThat(s.status).isEqualTo(400);
    }
    var epoch = gw.client.get("/api/events").putHeader("X-Svcgate-Epoch", "not-this-one").send().await();
    assertThat(epoch.statusCode()).isEqualTo(410);
  }

  @Test
  void idleStreamGetsBookmarks() throws Exception {
    gw = TestGateway.start(dir, Map.of(ConfigKey.STREAM_BOOKMARK, "200ms"));
    long id = gw.ingest(full("n1", 1, nodeData(0)));
    try (StreamClient s = StreamClient.sse(gw.clientVertx, gw.port(), "/api/events/stream")) {
      Frame f = s.next();
      assertThat(f.event()).isEqualTo("bookmark");
      assertThat(f.data().getString("kind")).isEqualTo("bookmark");
      assertThat(f.data().getLong("id")).isEqualTo(id);
    }
  }

  @Test
  void slowConsumerIsEndedWhileFastOneKeepsUp() throws Exception {
    gw = TestGateway.start(dir, Map.of(ConfigKey.STREAM_BUFFER_EVENTS, "50", ConfigKey.HISTORY_MAX_EVENTS, "100000",
        ConfigKey.STREAM_STALL_TIMEOUT, "1s"));
    gw.ingest(full("n1", 1, nodeData(0)));
    String blob = "x".repeat(60_000);
    try (StreamClient slow = StreamClient.ndjson(gw.clientVertx, gw.port(), "/api/events/stream");
         StreamClient fast = StreamClient.ndjson(gw.clientVertx, gw.port(), "/api/events/stream")) {
      slow.pause();
      int n = 400;
      for (int g = 2; g < 2 + n; g++) {
        gw.ingest(patch("n1", g, set(blob + g, "blob")));
      }
      long lastFast = 0;
      for (int i = 0; i < n; i++) {
        Frame f = fast.nextEvent();
        assertThat(f.data().getLong("id")).isGreaterThan(lastFast);
        lastFast = f.data().getLong("id");
      }
      Awaits.until("the stalled stream is ended", () -> gw.gateway.metrics().slowConsumerDisconnects() >= 1);
      slow.resume();
      Frame f;
      long lastSlow = 0;
      JsonObject gone = null;
      while ((f = slow.next()) != null) {
        if ("gone".equals(f.data().getString("kind"))) {
          gone = f.data();
        } else {
          lastSlow = f.data().getLong("id");
        }
      }
      assertThat(gone).isNotNull();
      assertThat(gone.getString("reason")).isEqualTo("slow consumer");
      assertThat(gone.getLong("last")).isEqualTo(lastSlow);
      assertThat(lastSlow).isLessThan(lastFast);
      assertThat(gw.gateway.metrics().slowConsumerDisconnects()).isEqualTo(1);
    }
  }
}
