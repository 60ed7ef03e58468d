package io.svcgate.gateway;

import static io.svcgate.gateway.TestGateway.full;
import static io.svcgate.gateway.TestGateway.nodeData;
import static io.svcgate.gateway.TestGateway.patch;
import static io.svcgate.gateway.TestGateway.set;
import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.gateway.config.ConfigKey;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP API of docs/api.md, through a real server on a loopback port. */
@Timeout(60)
class HttpApiTest {

  @TempDir
  Path dir;
  TestGateway gw;

  @BeforeEach
  void start() throws Exception {
    gw = TestGateway.start(dir, Map.of(ConfigKey.HTTP_MAX_BODY, "65536", ConfigKey.HISTORY_MAX_EVENTS, "1000"));
  }

  @AfterEach
  void stop() throws Exception {
    gw.close();
  }

  private JsonObject status() throws Exception {
    return gw.get("/api/daemon/status").bodyAsJsonObject();
  }

  @Test
  void fullThenPatchIsVisibleInStatusAndFilter() throws Exception {
    long id1 = gw.ingest(full("n1", 1, nodeData(0)));
    HttpResponse<Buffer> r = gw.get("/api/daemon/status");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.getHeader("X-Svcgate-Id")).isEqualTo(Long.toString(id1));
    JsonObject doc = r.bodyAsJsonObject();
    assertThat(doc.getJsonObject("monitor").getJsonObject("nodes").getJsonObject("n1").getInteger("frozen")).isEqualTo(0);
    assertThat(doc.getJsonObject("monitor").getJsonObject("services")).isNotNull();
    assertThat(doc.getJsonObject("cluster").getJsonArray("nodes")).containsExactly("n1");

    long id2 = gw.ingest(patch("n1", 2, set(1764147721.2, "frozen")));
    assertThat(id2).isGreaterThan(id1);
    JsonObject m = gw.get("/api/daemon/status?filter=monitor.nodes.n1.frozen").bodyAsJsonObject();
    assertThat(m.getLong("id")).isEqualTo(id2);
    JsonArray matches = m.getJsonArray("matches");
    assertThat(matches).hasSize(1);
    assertThat(matches.getJsonObject(0).getJsonArray("path")).containsExactly("monitor", "nodes", "n1", "frozen");
    // numbers are served as sent, never in exponent notation
    assertThat(gw.get("/api/daemon/status?filter=monitor.nodes.n1.frozen").bodyAsString()).contains("\"value\":1764147721.2}");
    assertThat(gw.get("/api/daemon/status").bodyAsString()).contains("\"frozen\":1764147721.2");
  }

  @Test
  void badInputsGetTheirStatusAndChangeNothing() throws Exception {
    gw.ingest(full("n1", 1, nodeData(0)));
    String before = gw.get("/api/daemon/status").bodyAsString();

    HttpResponse<Buffer> notJson = gw.post("/api/heartbeats", Buffer.buffer("{nope"));
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(notJson.bodyAsJsonObject().getString("error")).contains("JSON");
    assertThat(notJson.bodyAsJsonObject().getInteger("status")).isEqualTo(400);

    HttpResponse<Buffer> noNode = gw.post("/api/heartbeats", new JsonObject().put("kind", "full"));
    assertThat(noNode.statusCode()).isEqualTo(400);
    assertThat(noNode.bodyAsJsonObject().getString("error")).contains("nodename");

    HttpResponse<Buffer> kind = gw.post("/api/heartbeats", new JsonObject().put("nodename", "n1").put("kind", "bogus"));
    assertThat(kind.statusCode()).isEqualTo(400);
    assertThat(kind.bodyAsJsonObject().getString("error")).contains("bogus");

    HttpResponse<Buffer> gap = gw.post("/api/heartbeats", patch("n1", 5, set(1, "frozen")));
    assertThat(gap.statusCode()).isEqualTo(409);
    assertThat(gap.bodyAsJsonObject().getString("nodename")).isEqualTo("n1");
    assertThat(gap.bodyAsJsonObject().getLong("merged")).isEqualTo(0L);

    HttpResponse<Buffer> big = gw.post("/api/heartbeats", Buffer.buffer("[" + " ".repeat(70_000) + "]"));
    assertThat(big.statusCode()).isEqualTo(413);
    assertThat(big.bodyAsJsonObject().getInteger("status")).isEqualTo(413);

    HttpResponse<Buffer> badFilter = gw.get("/api/daemon/status?filter=monitor.nodes[?(@.x)]");
    assertThat(badFilter.statusCode()).isEqualTo(400);
    assertThat(badFilter.bodyAsJsonObject().getString("error")).isNotBlank();

    // the gap made n1 need a full; the document itself did not change
    JsonObject after = new JsonObject(before);
    JsonObject now = status();
    assertThat(now.getJsonObject("monitor")).isEqualTo(after.getJsonObject("monitor"));
    assertThat(gw.get("/api/nodo").statusCode()).isEqualTo(404);
    assertThat(gw.get("/api/nodo").bodyAsJsonObject().getInteger("status")).isEqualTo(404);
  }

  @Test
  void failingStanzaIsRejectedAtomically() throws Exception {
    gw.ingest(full("n1", 1, nodeData(0)));
    JsonObject before = status().getJsonObject("monitor");
    // a good stanza then one that cannot apply (index beyond the list): nothing of generation 2 applies
    HttpResponse<Buffer> r = gw.post("/api/heartbeats", patch("n1", 2,
        set(5, "frozen"), set("x", "services", "status", "ns1/svc/web", "resources", "fs#1", "log", 3)));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(status().getJsonObject("monitor")).isEqualTo(before);
  }

  @Test
  void nodesTableAndForget() throws Exception {
    gw.ingest(full("n1", 3, nodeData(0)));
    gw.ingest(full("n2", 7, nodeData(0)));
    JsonArray nodes = gw.get("/api/nodes").bodyAsJsonArray();
    assertThat(nodes).hasSize(2);
    JsonObject n1 = nodes.getJsonObject(0);
    assertThat(n1.getString("nodename")).isEqualTo("n1");
    assertThat(n1.getLong("gen")).isEqualTo(3L);
    assertThat(n1.getString("status")).isEqualTo("beating");
    assertThat(n1.getBoolean("needs_full")).isFalse();

    HttpResponse<Buffer> ask = gw.post("/api/nodes/n2/ask-full", "");
    assertThat(ask.statusCode()).isEqualTo(202);
    assertThat(gw.get("/api/nodes").bodyAsJsonArray().getJsonObject(1).getBoolean("needs_full")).isTrue();

    HttpResponse<Buffer> del = gw.delete("/api/nodes/n2");
    assertThat(del.statusCode()).isEqualTo(200);
    long id = del.bodyAsJsonObject().getLong("id");
    assertThat(status().getJsonObject("monitor").getJsonObject("nodes").fieldNames()).containsExactly("n1");
    JsonArray events = gw.get("/api/events?kind=event&eventid=forget_peer").bodyAsJsonObject().getJsonArray("events");
    assertThat(events).hasSize(1);
    assertThat(events.getJsonObject(0).getJsonObject("data").getString("peer")).isEqualTo("n2");
    assertThat(events.getJsonObject(0).getLong("id")).isLessThanOrEqualTo(id);
    assertThat(gw.delete("/api/nodes/n2").statusCode()).isEqualTo(404);
    assertThat(gw.post("/api/nodes/n9/ask-full", "").statusCode()).isEqualTo(404);
  }

  /** The 202 of an ingest names what was accepted and the last id given, and nothing else. */
  @Test
  void anAcceptedHeartbeatIsAnsweredWithItsCountAndLastId() throws Exception {
    HttpResponse<Buffer> hb = gw.post("/api/heartbeats", full("n1", 1, nodeData(0)).encode());
    assertThat(hb.statusCode()).isEqualTo(202);
    assertThat(hb.getHeader("Content-Type")).startsWith("application/json");
    long id = hb.bodyAsJsonObject().getLong("id");
    assertThat(id).isPositive();
    assertThat(hb.bodyAsString()).isEqualTo("{\"accepted\":1,\"id\":" + id + "}");
  }

  @Test
  void historyPagesFiltersAndCursorRules() throws Exception {
    gw.ingest(full("n1", 1, nodeData(0)));
    for (int g = 2; g <= 20; g++) {
      gw.ingest(patch("n1", g, set(g, "stats")));
    }
    HttpResponse<Buffer> ev = gw.post("/api/events", TestGateway.event("n1", "node_freeze", new JsonObject().put("reason", "target")));
    assertThat(ev.statusCode()).isEqualTo(202);
    long eventId = ev.bodyAsJsonObject().getLong("id");
    assertThat(ev.getHeader("Content-Type")).startsWith("application/json");
    assertThat(ev.bodyAsString()).isEqualTo("{\"id\":" + eventId + "}");

    JsonObject page = gw.get("/api/events?after=0&limit=5").bodyAsJsonObject();
    assertThat(page.getString("epoch")).isNotBlank();
    assertThat(page.getJsonArray("events")).hasSize(5);
    assertThat(page.getLong("oldest")).isEqualTo(1L);
    long next = page.getLong("next");
    JsonObject page2 = gw.get("/api/events?after=" + next + "&limit=5").bodyAsJsonObject();
    assertThat(page2.getJsonArray("events").getJsonObject(0).getLong("id")).isEqualTo(next + 1);

    JsonArray events = gw.get("/api/events?kind=event&eventid=node_freeze").bodyAsJsonObject().getJsonArray("events");
    assertThat(events).hasSize(1);
    assertThat(events.getJsonObject(0).getLong("id")).isEqualTo(eventId);
    JsonArray patches = gw.get("/api/events?kind=patch&nodename=n1&path=monitor.nodes.n1.stats").bodyAsJsonObject().getJsonArray("events");
    assertThat(patches).hasSize(19);

    long last = page.getLong("last");
    HttpResponse<Buffer> beyond = gw.get("/api/events?after=" + (last + 10));
    assertThat(beyond.statusCode()).isEqualTo(400);
    assertThat(gw.get("/api/events?limit=0").statusCode()).isEqualTo(400);
    assertThat(gw.get("/api/events?limit=10001").statusCode()).isEqualTo(400);
    assertThat(gw.get("/api/events?kind=bogus").statusCode()).isEqualTo(400);
  }

  @Test
  void catalogueAndHealth() throws Exception {
    HttpResponse<Buffer> h = gw.get("/health");
    assertThat(h.statusCode()).isEqualTo(200);
    assertThat(h.bodyAsJsonObject().getString("status")).isEqualTo("UP");
    JsonArray cat = gw.get("/api/events/catalogue").bodyAsJsonObject().getJsonArray("events");
    assertThat(cat.stream().map(o -> ((JsonObject) o).getString("id"))).contains("node_freeze", "hb_stale");
  }
}
