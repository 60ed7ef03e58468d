package io.svcgate.gateway.durable;

import static io.svcgate.gateway.TestGateway.full;
import static io.svcgate.gateway.TestGateway.nodeData;
import static io.svcgate.gateway.TestGateway.patch;
import static io.svcgate.gateway.TestGateway.set;
import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.gateway.Awaits;
import io.svcgate.gateway.TestGateway;
import io.svcgate.gateway.config.ConfigKey;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway stopped and started again on the same data directory, through HTTP as a
 * user sees it: the ids continue, the history pages, the state document, the epoch and
 * each node's merged generation are kept; wiping the directory gives a new epoch.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RestartTest {

  @TempDir
  Path dir;
  TestGateway gw;

  @AfterEach
  void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
  }

  private TestGateway start(Map<ConfigKey, String> overrides) throws Exception {
    gw = TestGateway.start(dir, overrides);
    return gw;
  }

  private void restart(Map<ConfigKey, String> overrides) throws Exception {
    gw.close();
    gw = null;
    start(overrides);
  }

  /** Every event kept, page by page, as the HTTP API gives them. */
  static JsonArray allEvents(TestGateway g) throws Exception {
    JsonArray all = new JsonArray();
    long after = bounds(g).getLong("oldest") - 1;
    while (true) {
      JsonObject page = g.get("/api/events?after=" + after + "&limit=7").bodyAsJsonObject();
      JsonArray events = page.getJsonArray("events");
      if (events.isEmpty()) {
        return all;
      }
      events.forEach(all::add);
      after = page.getLong("next");
    }
  }

  private static Map<String, JsonObject> nodes(TestGateway g) throws Exception {
    Map<String, JsonObject> out = new HashMap<>();
    for (Object o : g.get("/api/nodes").bodyAsJsonArray()) {
      JsonObject row = (JsonObject) o;
      out.put(row.getString("nodename"), row);
    }
    return out;
  }

  @Test
  void aGracefulRestartKeepsIdsHistoryStateEpochAndGenerations() throws Exception {
    start(Map.of());
    gw.ingest(full("n1", 1, nodeData(0)));
    gw.ingest(full("n2", 5, nodeData(0)));
    for (int g = 2; g <= 10; g++) {
      gw.ingest(patch("n1", g, set(g, "stats")));
    }
    gw.ingest(patch("n2", 6, set(1764147721.25, "frozen")));
    HttpResponse<Buffer> ev = gw.post("/api/events", TestGateway.event("n1", "node_freeze",
        new JsonObject().put("reason", "target")));
    assertThat(ev.statusCode()).isEqualTo(202);
    long last = ev.bodyAsJsonObject().getLong("id");

    JsonObject page = gw.get("/api/events?limit=1").bodyAsJsonObject();
    String epoch = page.getString("epoch");
    assertThat(page.getLong("last")).isEqualTo(last);
    JsonArray before = allEvents(gw);
    assertThat(before).hasSize((int) last);
    JsonObject docBefore = gw.get("/api/daemon/status").bodyAsJsonObject();

    restart(Map.of());

    // the same history, continued: the new gateway's own events follow without a gap
    JsonArray after = allEvents(gw);
    assertThat(after.size()).isGreaterThan(before.size());
    for (int i = 0; i < before.size(); i++) {
      assertThat(after.getJsonObject(i)).as("event %d", i + 1).isEqualTo(before.getJsonObject(i));
    }
    for (int i = 0; i < after.size(); i++) {
      assertThat(after.getJsonObject(i).getLong("id")).isEqualTo(i + 1L);
    }
    JsonObject started = after.getJsonObject(before.size());
    assertThat(started.getLong("id")).isEqualTo(last + 1);
    assertThat(after.stream().skip(before.size()).map(o -> (JsonObject) o)
        .filter(e -> "event".equals(e.getString("kind")) && "monitor_started".equals(e.getJsonObject("data").getString("id"))))
        .hasSize(1);
    JsonObject page2 = gw.get("/api/events?after=" + (last - 2) + "&limit=2").bodyAsJsonObject();
    assertThat(page2.getString("epoch")).isEqualTo(epoch);
    assertThat(page2.getJsonArray("events")).isEqualTo(new JsonArray(before.getList().subList((int) last - 2, (int) last)));
    assertThat(gw.get("/health").bodyAsJsonObject().getString("epoch")).isEqualTo(epoch);

    // the state document: the nodes' data and what derives from it are the same
    JsonObject docAfter = gw.get("/api/daemon/status").bodyAsJsonObject();
    assertThat(docAfter.getJsonObject("monitor")).isEqualTo(docBefore.getJsonObject("monitor"));
    assertThat(docAfter.getJsonObject("cluster")).isEqualTo(docBefore.getJsonObject("cluster"));
    assertThat(docAfter.getJsonObject("gateway").getString("epoch")).isEqualTo(epoch);

    // the merged generations came back with the final snapshot: the next patches apply, no full needed
    Map<String, JsonObject> nodes = nodes(gw);
    assertThat(nodes.get("n1").getLong("gen")).isEqualTo(10L);
    assertThat(nodes.get("n1").getBoolean("needs_full")).isFalse();
    assertThat(nodes.get("n2").getLong("gen")).isEqualTo(6L);
    assertThat(nodes.get("n2").getBoolean("needs_full")).isFalse();
    long id11 = gw.ingest(patch("n1", 11, set(11, "stats")));
    long id7 = gw.ingest(patch("n2", 7, set(0, "frozen")));
    assertThat(id11).isGreaterThan(after.size());
    assertThat(id7).isGreaterThan(id11);
    assertThat(nodes(gw).get("n1").getLong("gen")).isEqualTo(11L);

    // and once more: the ids keep going
    restart(Map.of());
    assertThat(gw.get("/api/events?limit=1").bodyAsJsonObject().getLong("last")).isGreaterThan(id7);
    assertThat(gw.ingest(patch("n1", 12, set(12, "stats")))).isGreaterThan(id7);
  }

  @Test
  void wipingTheDataDirectoryStartsANewEpochAndOldCursorsAreGone() throws Exception {
    start(Map.of());
    gw.ingest(full("n1", 1, nodeData(0)));
    String epoch = gw.get("/api/events?limit=1").bodyAsJsonObject().getString("epoch");
    gw.close();
    gw = null;
    try (Stream<Path> s = Files.walk(dir.resolve("history"))) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    start(Map.of());
    String epoch2 = gw.get("/api/events?limit=1").bodyAsJsonObject().getString("epoch");
    assertThat(epoch2).isNotBlank().isNotEqualTo(epoch);
    HttpResponse<Buffer> r = gw.client.get("/api/events?after=0").putHeader("X-Svcgate-Epoch", epoch).send()
        .await(30, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(410);
    assertThat(r.bodyAsJsonObject().getString("epoch")).isEqualTo(epoch2);
    // the node has to send a full again: the new history knows nothing of it
    assertThat(gw.post("/api/heartbeats", patch("n1", 2, set(2, "stats"))).statusCode()).isEqualTo(409);
  }

  @Test
  void retentionByCountMovesOldestAndOlderCursorsGet410EvenAfterARestart() throws Exception {
    Map<ConfigKey, String> cfg = Map.of(ConfigKey.HISTORY_MAX_EVENTS, "10",
        ConfigKey.HISTORY_RETENTION_INTERVAL, "100ms", ConfigKey.HISTORY_SNAPSHOT_INTERVAL, "100ms");
    start(cfg);
    gw.ingest(full("n1", 1, nodeData(0)));
    long last = 0;
    for (int g = 2; g <= 40; g++) {
      last = gw.ingest(patch("n1", g, set(g, "stats")));
    }
    long lastId = last;
    Awaits.until("retention keeps the last 10 events", () -> oldest() == lastId - 9);

    HttpResponse<Buffer> gone = gw.get("/api/events?after=0");
    assertThat(gone.statusCode()).isEqualTo(410);
    JsonObject body = gone.bodyAsJsonObject();
    assertThat(body.getString("error")).contains("gone");
    assertThat(body.getLong("oldest")).isEqualTo(lastId - 9);
    assertThat(body.getLong("last")).isEqualTo(lastId);
    assertThat(gw.get("/api/events?after=" + (lastId - 11)).statusCode()).isEqualTo(410);
    JsonObject page = gw.get("/api/events?after=" + (lastId - 10)).bodyAsJsonObject();
    assertThat(page.getJsonArray("events")).hasSize(10);
    assertThat(page.getJsonArray("events").getJsonObject(0).getLong("id")).isEqualTo(lastId - 9);

    // a stream asked to start in the dropped part ends at once with "gone"
    HttpResponse<Buffer> stream = gw.get("/api/events/stream?format=ndjson&after=0");
    assertThat(stream.statusCode()).isEqualTo(410);

    restart(cfg);
    assertThat(oldest()).isGreaterThanOrEqualTo(lastId - 9);
    assertThat(gw.get("/api/events?after=0").statusCode()).isEqualTo(410);
    assertThat(gw.ingest(patch("n1", 41, set(41, "stats")))).isGreaterThan(lastId);
  }

  @Test
  void retentionByAgeDropsEverythingOlderButTheLastEvent() throws Exception {
    start(Map.of(ConfigKey.HISTORY_MAX_AGE, "1s", ConfigKey.HISTORY_RETENTION_INTERVAL, "100ms",
        ConfigKey.HISTORY_SNAPSHOT_INTERVAL, "100ms"));
    gw.ingest(full("n1", 1, nodeData(0)));
    long last = 0;
    for (int g = 2; g <= 5; g++) {
      last = gw.ingest(patch("n1", g, set(g, "stats")));
    }
    long lastId = last;
    Awaits.until("events older than 1s are dropped", () -> oldest() == lastId);
    HttpResponse<Buffer> gone = gw.get("/api/events?after=0");
    assertThat(gone.statusCode()).isEqualTo(410);
    assertThat(gone.bodyAsJsonObject().getLong("oldest")).isEqualTo(lastId);
    assertThat(gone.bodyAsJsonObject().getLong("last")).isEqualTo(lastId);
    JsonArray kept = gw.get("/api/events?after=" + (lastId - 1)).bodyAsJsonObject().getJsonArray("events");
    assertThat(kept).hasSize(1);
    assertThat(kept.getJsonObject(0).getLong("id")).isEqualTo(lastId);
    // the ids go on; the last event is always there to resume from
    long next = gw.ingest(patch("n1", 6, set(6, "stats")));
    assertThat(next).isGreaterThan(lastId);
    JsonArray tail = gw.get("/api/events?after=" + (next - 1)).bodyAsJsonObject().getJsonArray("events");
    assertThat(tail).hasSize(1);
    assertThat(tail.getJsonObject(0).getLong("id")).isEqualTo(next);
  }

  @Test
  void aSnapshotIsSavedByTimeWhenTooFewEventsCameForOneByCount() throws Exception {
    start(Map.of(ConfigKey.HISTORY_SNAPSHOT_EVERY, "1000000", ConfigKey.HISTORY_SNAPSHOT_INTERVAL, "200ms"));
    long id = gw.ingest(full("n1", 1, nodeData(0)));
    Awaits.until("a snapshot at " + id, () -> gw.gateway.history().snapshotId() >= id);
    long id2 = gw.ingest(patch("n1", 2, set(2, "stats")));
    Awaits.until("a snapshot at " + id2, () -> gw.gateway.history().snapshotId() >= id2);
  }

  /** {@code oldest} and {@code last} as GET /api/events says them, in a page (200) or a gone answer (410). */
  static JsonObject bounds(TestGateway g) throws Exception {
    HttpResponse<Buffer> r = g.get("/api/events?after=0&limit=1");
    assertThat(r.statusCode()).isIn(200, 410);
    return r.bodyAsJsonObject();
  }

  private long oldest() {
    try {
      return bounds(gw).getLong("oldest");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
