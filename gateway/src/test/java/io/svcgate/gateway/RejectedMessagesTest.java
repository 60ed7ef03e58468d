package io.svcgate.gateway;

import static io.svcgate.gateway.TestGateway.full;
import static io.svcgate.gateway.TestGateway.nodeData;
import static io.svcgate.gateway.TestGateway.patch;
import static io.svcgate.gateway.TestGateway.set;
import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.gateway.config.ConfigKey;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
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

/**
 * A message the gateway rejects changes nothing a user can see: not the document
 * ({@code GET /api/daemon/status}), not the history ({@code GET /api/events}), not the
 * nodes table ({@code GET /api/nodes}). A node joins {@code cluster.nodes} when a
 * message of it applies.
 */
@Timeout(60)
class RejectedMessagesTest {

  @TempDir
  Path dir;
  TestGateway gw;

  @AfterEach
  void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
  }

  /** What a user sees of the state: the document, the last event id and the nodes table. */
  private record Seen(JsonObject document, long lastId, JsonArray nodes) {
  }

  private Seen seen() throws Exception {
    return new Seen(gw.get("/api/daemon/status").bodyAsJsonObject(),
        gw.get("/api/events?limit=1").bodyAsJsonObject().getLong("last"),
        gw.get("/api/nodes").bodyAsJsonArray());
  }

  private static JsonObject rfc6902(String node, long gen, JsonObject... ops) {
    JsonArray list = new JsonArray();
    for (JsonObject op : ops) {
      list.add(op);
    }
    return new JsonObject().put("nodename", node).put("kind", "patch").put("format", "rfc6902")
        .put("gen", new JsonObject().put(node, gen)).put("deltas", new JsonObject().put(Long.toString(gen), list));
  }

  @Test
  void aPatchFromANodeNeverHeardIsRejectedAndAddsNoNodeNorEvent() throws Exception {
    gw = TestGateway.start(dir, Map.of());
    gw.ingest(full("n1", 1, nodeData(0)));
    Seen before = seen();

    HttpResponse<Buffer> r = gw.post("/api/heartbeats", patch("n2", 4, set(1, "frozen")));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(409);
    assertThat(r.bodyAsJsonObject().getString("nodename")).isEqualTo("n2");
    assertThat(r.bodyAsJsonObject().getLong("merged")).isEqualTo(0L);
    // the same through the RFC 6902 form, and a second time (the node is still unknown)
    assertThat(gw.post("/api/heartbeats", rfc6902("n2", 5,
        new JsonObject().put("op", "add").put("path", "/frozen").put("value", 1))).statusCode()).isEqualTo(409);

    Seen after = seen();
    assertThat(after.document()).isEqualTo(before.document());
    assertThat(after.document().getJsonObject("cluster").getJsonArray("nodes")).containsExactly("n1");
    assertThat(after.lastId()).as("no event").isEqualTo(before.lastId());
    assertThat(after.nodes()).isEqualTo(before.nodes());

    // its full applies: now it joins, cluster.nodes first, then its data
    long id = gw.ingest(full("n2", 5, nodeData(0)));
    assertThat(id).isGreaterThanOrEqualTo(before.lastId() + 2);
    JsonArray events = gw.get("/api/events?after=" + before.lastId()).bodyAsJsonObject().getJsonArray("events");
    assertThat(events.getJsonObject(0).getString("nodename")).isEqualTo("gw-test");
    assertThat(events.getJsonObject(0).getJsonArray("data").getJsonArray(0).getJsonArray(0))
        .containsExactly("cluster", "nodes", 1);
    assertThat(events.getJsonObject(1).getString("nodename")).isEqualTo("n2");
    assertThat(seen().document().getJsonObject("cluster").getJsonArray("nodes")).containsExactly("n1", "n2");
    assertThat(gw.ingest(patch("n2", 6, set(1, "frozen")))).isGreaterThan(id);
  }

  @Test
  void aFailedFullFromANodeNeverHeardAddsNothing() throws Exception {
    gw = TestGateway.start(dir, Map.of());
    Seen before = seen();
    // 61 levels of objects under monitor.nodes.n3 nest the document deeper than it may go
    JsonObject deep = new JsonObject();
    JsonObject at = deep;
    for (int i = 0; i < 61; i++) {
      JsonObject next = new JsonObject();
      at.put("x", next);
      at = next;
    }
    HttpResponse<Buffer> r = gw.post("/api/heartbeats", full("n3", 1, deep));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(400);
    Seen after = seen();
    assertThat(after.document()).isEqualTo(before.document());
    assertThat(after.lastId()).isEqualTo(before.lastId());
    assertThat(after.nodes()).isEmpty();
  }

  @Test
  void aRejectedPatchOfAStaleNodeEmitsNoHbBeating() throws Exception {
    gw = TestGateway.start(dir, Map.of(ConfigKey.HB_TIMEOUT, "300ms"));
    gw.ingest(full("n1", 1, nodeData(0)));
    // the node table says stale as soon as the state marks it; wait for its hb_stale to be in the history too
    Awaits.until("n1 stale, its hb_stale recorded", () -> {
      try {
        return "stale".equals(gw.get("/api/nodes").bodyAsJsonArray().getJsonObject(0).getString("status"))
            && gw.get("/api/events?after=0").bodyAsString().contains("hb_stale");
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
    Seen before = seen();
    HttpResponse<Buffer> gap = gw.post("/api/heartbeats", patch("n1", 3, set(1, "frozen")));
    assertThat(gap.statusCode()).as(gap.bodyAsString()).isEqualTo(409);
    Seen after = seen();
    assertThat(after.document()).isEqualTo(before.document());
    assertThat(after.lastId()).as("no hb_beating for a rejected message").isEqualTo(before.lastId());
    assertThat(after.nodes().getJsonObject(0).getString("status")).isEqualTo("stale");

    // the full it is asked for applies, and that brings it back
    long id = gw.ingest(full("n1", 3, nodeData(0)));
    JsonArray events = gw.get("/api/events?after=" + before.lastId()).bodyAsJsonObject().getJsonArray("events");
    assertThat(events.getJsonObject(0).getJsonObject("data").getString("id")).isEqualTo("hb_beating");
    assertThat(id).isGreaterThan(before.lastId());
  }

  @Test
  void aJsonPointerThatDoesNotStartWithASlashIsA400AndChangesNothing() throws Exception {
    gw = TestGateway.start(dir, Map.of());
    gw.ingest(full("n1", 1, nodeData(0)));
    Seen before = seen();
    for (JsonObject op : new JsonObject[] {
        new JsonObject().put("op", "add").put("path", "foo").put("value", 1),
        new JsonObject().put("op", "replace").put("path", "frozen").put("value", 1),
        new JsonObject().put("op", "remove").put("path", "agent"),
        new JsonObject().put("op", "test").put("path", "frozen").put("value", 0),
        new JsonObject().put("op", "copy").put("from", "agent").put("path", "/copy"),
        new JsonObject().put("op", "move").put("from", "/agent").put("path", "moved"),
        new JsonObject().put("op", "add").put("path", "/a~2b").put("value", 1),
    }) {
      HttpResponse<Buffer> r = gw.post("/api/heartbeats", rfc6902("n1", 2, op));
      assertThat(r.statusCode()).as("%s: %s", op, r.bodyAsString()).isEqualTo(400);
      assertThat(r.bodyAsJsonObject().getString("reason")).isEqualTo("bad_op");
      assertThat(r.bodyAsJsonObject().getString("error")).contains("JSON Pointer");
    }
    JsonObject bad = rfc6902("n1", 2, new JsonObject().put("op", "add").put("path", "foo").put("value", 1));
    // in a list after a good message: the whole request is refused before anything applies
    HttpResponse<Buffer> list = gw.post("/api/heartbeats", new JsonArray()
        .add(rfc6902("n1", 2, new JsonObject().put("op", "add").put("path", "/foo").put("value", 1))).add(bad));
    assertThat(list.statusCode()).as(list.bodyAsString()).isEqualTo(400);
    // on the event bus, as the TCP bridge and local senders send it
    Throwable viaBus = gw.gateway.vertx().eventBus().request(Addresses.HB_RX, bad)
        .map(m -> (Throwable) null).otherwise(e -> e).await(10, TimeUnit.SECONDS);
    assertThat(viaBus).isInstanceOf(ReplyException.class);
    assertThat(((ReplyException) viaBus).failureCode()).isEqualTo(400);
    assertThat(viaBus.getMessage()).contains("JSON Pointer");
    Seen after = seen();
    assertThat(after.document()).isEqualTo(before.document());
    assertThat(after.lastId()).isEqualTo(before.lastId());
    assertThat(after.nodes()).isEqualTo(before.nodes());
    // generation 2 is still the next one
    gw.ingest(rfc6902("n1", 2, new JsonObject().put("op", "add").put("path", "/foo").put("value", 1)));
    assertThat(seen().document().getJsonObject("monitor").getJsonObject("nodes").getJsonObject("n1").getInteger("foo"))
        .isEqualTo(1);
  }
}
