package io.svcgate.gateway.security;

import static io.svcgate.gateway.TestGateway.full;
import static io.svcgate.gateway.TestGateway.patch;
import static io.svcgate.gateway.TestGateway.set;
import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.gateway.Awaits;
import io.svcgate.gateway.TestGateway;
import io.svcgate.gateway.config.ConfigKey;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One request must not stall the gateway: filters have a work budget and a
 * linear-time regex engine, messages have bounds, and a batch is applied message by
 * message with others served in between (docs/security.md). Through HTTP, as a
 * reader or a sender would.
 */
@Timeout(120)
class RequestBoundsTest {

  @TempDir
  Path dir;
  TestGateway gw;

  @AfterEach
  void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
  }

  /** The HTTP status of a status query with {@code filter}. */
  private int statusQuery(String filter) throws Exception {
    return gw.get("/api/daemon/status?filter=" + q(filter)).statusCode();
  }

  private static String brief(HttpResponse<Buffer> r) {
    String b = r.bodyAsString();
    return b == null || b.length() < 300 ? b : b.substring(0, 300) + "…";
  }

  private static String q(String filter) {
    return URLEncoder.encode(filter, StandardCharsets.UTF_8);
  }

  /** Node data with {@code keys} string members of 20 characters. */
  private static JsonObject wide(int keys) {
    JsonObject d = new JsonObject();
    for (int i = 0; i < keys; i++) {
      d.put("k" + i, "aaaaaaaaaaaaaaaaaaaa");
    }
    return d;
  }

  // ---- 1. filters

  @Test
  void theCatastrophicRegexOfTheIssueIsRefusedAndIngestGoesOn() throws Exception {
    gw = TestGateway.start(dir, Map.of(ConfigKey.FILTER_MAX_COST, "1000"));
    gw.ingest(full("n1", 1, wide(2_000)));
    HttpResponse<Buffer> r = gw.get("/api/wait?filter=" + q("$~(.*a)ZZZQ") + "&duration=2s");
    assertThat(r.statusCode()).as(brief(r)).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getString("error")).contains("filter.max-cost");
    // a status filter walking more values than the budget allows
    assertThat(statusQuery("..*")).isEqualTo(400);
    assertThat(statusQuery("monitor.nodes.n1.k1999")).isEqualTo(200);
    // the same pattern on one value is cheap, and the writer is free
    HttpResponse<Buffer> one = gw.get("/api/wait?filter=" + q("monitor.nodes.n1.k7~(.*a)a$") + "&duration=2s");
    assertThat(one.bodyAsJsonObject().getBoolean("satisfied")).as(brief(one)).isTrue();
    assertThat(gw.ingest(patch("n1", 2, set(1, "frozen")))).isPositive();
  }

  @Test
  void aPendingWaitWhoseConditionOutgrowsTheBudgetIsAnsweredWithA400() throws Exception {
    gw = TestGateway.start(dir, Map.of(ConfigKey.FILTER_MAX_COST, "50000"));
    gw.ingest(full("n1", 1, wide(10)));
    Future<HttpResponse<Buffer>> w = gw.client.get("/api/wait?filter=" + q("monitor.nodes.n1~ZZZQ")
        + "&duration=60s").send();
    Awaits.until("the wait is registered", () -> gw.gateway.metrics().waiters() >= 1);
    gw.ingest(patch("n1", 2, set(wide(3_000), "big")));
    HttpResponse<Buffer> r = w.await(60, TimeUnit.SECONDS);
    assertThat(r.statusCode()).as(brief(r)).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getString("error")).contains("can no longer be evaluated");
    Awaits.until("the wait is released", () -> gw.gateway.metrics().waiters() == 0);
  }

  @Test
  void re2SyntaxErrorsNameTheConstruct() throws Exception {
    gw = TestGateway.start(dir, Map.of());
    HttpResponse<Buffer> r = gw.get("/api/wait?filter=" + q("monitor.nodes.n1.x~(a)\\1") + "&duration=1s");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getString("error")).contains("invalid escape sequence").contains("RE2");
    HttpResponse<Buffer> big = gw.get("/api/wait?filter=" + q("monitor.nodes.n1.x~(a{1000}){1000}") + "&duration=1s");
    assertThat(big.statusCode()).isEqualTo(400);
    assertThat(big.bodyAsJsonObject().getString("error")).contains("too large");
  }

  @Test
  void waitsRecheckedOverSeveralTurnsAreAllAnswered() throws Exception {
    // a budget so small that re-evaluating the 40 waits takes several turns of the state's loop
    gw = TestGateway.start(dir, Map.of(ConfigKey.FILTER_MAX_COST, "200"));
    gw.ingest(full("n1", 1, new JsonObject().put("x", "idle")));
    List<Future<HttpResponse<Buffer>>> waits = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      waits.add(gw.client.get("/api/wait?filter=" + q("monitor.nodes.n1.x~^(warn|down)$") + "&duration=60s").send());
    }
    Awaits.until("40 waits registered", () -> gw.gateway.metrics().waiters() >= 40);
    long id = gw.ingest(patch("n1", 2, set("down", "x")));
    for (Future<HttpResponse<Buffer>> w : waits) {
      JsonObject r = w.await(60, TimeUnit.SECONDS).bodyAsJsonObject();
      assertThat(r.getBoolean("satisfied")).as(r.encode()).isTrue();
      assertThat(r.getLong("id")).isGreaterThanOrEqualTo(id);
    }
  }

  // ---- 2. message bounds

  @Test
  void aFullWithTooManyKeysIsRefusedWith413AndChangesNothing() throws Exception {
    gw = TestGateway.start(dir, Map.of(ConfigKey.INGEST_MAX_KEYS, "1000"));
    long before = gw.get("/api/daemon/status").bodyAsJsonObject().getJsonObject("monitor").getJsonObject("nodes")
        .size();
    HttpResponse<Buffer> r = gw.post("/api/heartbeats", full("n1", 1, wide(1_000)));
    assertThat(r.statusCode()).as(brief(r)).isEqualTo(413);
    assertThat(r.bodyAsJsonObject().getString("reason")).isEqualTo("too_large");
    assertThat(r.bodyAsJsonObject().getString("error")).contains("ingest.max-keys");
    assertThat(gw.get("/api/daemon/status").bodyAsJsonObject().getJsonObject("monitor").getJsonObject("nodes").size())
        .isEqualTo(before);
    assertThat(gw.post("/api/heartbeats", full("n1", 1, wide(900))).statusCode()).isEqualTo(202);
  }

  @Test
  void theDefaultRefusesTheFullOfTheIssue() throws Exception {
    gw = TestGateway.start(dir, Map.of(ConfigKey.HTTP_MAX_BODY, Integer.toString(16 << 20)));
    HttpResponse<Buffer> r = gw.post("/api/heartbeats", full("n1", 1, wide(200_000)));
    assertThat(r.statusCode()).as(brief(r)).isEqualTo(413);
    assertThat(r.bodyAsJsonObject().getString("error")).contains("100000");
  }

  @Test
  void aGenerationWithTooManyStanzasIsRefused() throws Exception {
    gw = TestGateway.start(dir, Map.of(ConfigKey.INGEST_MAX_STANZAS, "100"));
    gw.ingest(full("n1", 1, new JsonObject()));
    JsonArray[] stanzas = new JsonArray[101];
    for (int i = 0; i < stanzas.length; i++) {
      stanzas[i] = set(i, "k" + i);
    }
    HttpResponse<Buffer> r = gw.post("/api/heartbeats", patch("n1", 2, stanzas));
    assertThat(r.statusCode()).as(brief(r)).isEqualTo(413);
    assertThat(r.bodyAsJsonObject().getString("error")).contains("ingest.max-stanzas");
    // nothing changed: the node does not need a full, generation 2 is still next
    assertThat(gw.post("/api/heartbeats", patch("n1", 2, java.util.Arrays.copyOf(stanzas, 100))).statusCode())
        .isEqualTo(202);
  }

  @Test
  void aBatchOfTooManyMessagesIsRefusedBeforeAnyIsApplied() throws Exception {
    gw = TestGateway.start(dir, Map.of(ConfigKey.INGEST_MAX_BATCH, "10"));
    gw.ingest(full("n1", 1, new JsonObject()));
    long id = gw.get("/api/daemon/status").getHeader("X-Svcgate-Id") == null ? -1
        : Long.parseLong(gw.get("/api/daemon/status").getHeader("X-Svcgate-Id"));
    JsonArray batch = new JsonArray();
    for (int g = 2; g <= 12; g++) {
      batch.add(patch("n1", g, set(g, "x")));
    }
    HttpResponse<Buffer> r = gw.post("/api/heartbeats", batch);
    assertThat(r.statusCode()).as(brief(r)).isEqualTo(413);
    assertThat(r.bodyAsJsonObject().getString("error")).contains("ingest.max-batch");
    assertThat(Long.parseLong(gw.get("/api/daemon/status").getHeader("X-Svcgate-Id"))).isEqualTo(id);
    batch.remove(10);
    assertThat(gw.post("/api/heartbeats", batch).statusCode()).isEqualTo(202);
  }

  @Test
  void nodeDataThatWouldOutgrowItsBoundIsRefusedAndTheNodeNeedsAFull() throws Exception {
    gw = TestGateway.start(dir, Map.of(ConfigKey.INGEST_MAX_NODE_KEYS, "500"));
    gw.ingest(full("n1", 1, wide(300)));
    gw.ingest(patch("n1", 2, set(wide(150), "more")));
    HttpResponse<Buffer> r = gw.post("/api/heartbeats", patch("n1", 3, set(wide(100), "again")));
    assertThat(r.statusCode()).as(brief(r)).isEqualTo(413);
    assertThat(r.bodyAsJsonObject().getString("error")).contains("ingest.max-node-keys");
    JsonObject n1 = gw.get("/api/daemon/status").bodyAsJsonObject().getJsonObject("monitor").getJsonObject("nodes")
        .getJsonObject("n1");
    assertThat(n1.containsKey("again")).isFalse();
    assertThat(gw.post("/api/heartbeats", patch("n1", 3, set(1, "x"))).statusCode()).as("awaits a full").isEqualTo(409);
    // shrinking makes room again
    gw.ingest(full("n1", 4, wide(10)));
    assertThat(gw.post("/api/heartbeats", patch("n1", 5, set(wide(400), "again"))).statusCode()).isEqualTo(202);
  }

  @Test
  void aLargeBatchIsAppliedMessageByMessageWhileOtherSendersAreServed() throws Exception {
    gw = TestGateway.start(dir, Map.of());
    gw.ingest(full("n1", 1, new JsonObject().put("x", 0)));
    gw.ingest(full("n2", 1, new JsonObject().put("y", 0)));
    JsonArray batch = new JsonArray();
    int n = 1_000;
    for (int g = 2; g <= n + 1; g++) {
      batch.add(patch("n1", g, set(g, "x")));
    }
    Future<HttpResponse<Buffer>> big = gw.client.post("/api/heartbeats").putHeader("content-type", "application/json")
        .sendBuffer(batch.toBuffer());
    // once the batch is under way, another sender and a reader are answered before it ends
    HttpResponse<Buffer> started = gw.get("/api/wait?filter=" + q("monitor.nodes.n1.x>=3") + "&duration=60s");
    assertThat(started.bodyAsJsonObject().getBoolean("satisfied")).isTrue();
    long other = gw.ingest(patch("n2", 2, set(1, "y")));
    long read = Long.parseLong(gw.get("/api/daemon/status").getHeader("X-Svcgate-Id"));
    HttpResponse<Buffer> done = big.await(120, TimeUnit.SECONDS);
    assertThat(done.statusCode()).as(brief(done)).isEqualTo(202);
    long last = done.bodyAsJsonObject().getLong("id");
    assertThat(other).as("n2's heartbeat was applied between two messages of the batch").isLessThan(last);
    assertThat(read).isLessThan(last);
    JsonObject n1 = gw.get("/api/daemon/status").bodyAsJsonObject().getJsonObject("monitor").getJsonObject("nodes")
        .getJsonObject("n1");
    assertThat(n1.getInteger("x")).as("in order: the last message of the batch wins").isEqualTo(n + 1);
  }
}
