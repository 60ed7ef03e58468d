package io.svcgate.gateway.durable;

import static io.svcgate.gateway.TestGateway.full;
import static io.svcgate.gateway.TestGateway.nodeData;
import static io.svcgate.gateway.TestGateway.patch;
import static io.svcgate.gateway.TestGateway.set;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash test: {@code svcgate serve} as a child process takes sustained
 * HTTP ingest from several threads (patches of their own node, and node events); it is
 * killed with SIGKILL in the middle; started again on the same data directory, every
 * acknowledged (202) event is in {@code GET /api/events} under its id with its content,
 * the ids go on without a gap, and every node resumes at its merged generation: its
 * next patch (the last acknowledged generation + 1) gets 202, no full needed, even for
 * the generations merged after the last snapshot and those that emitted no event.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GatewayCrashTest {

  private static final int PATCHERS = 4;
  private static final int EVENTERS = 4;
  private static final int ACKS_BEFORE_KILL = 2_000;

  @TempDir
  Path tmp;

  /** A 202: the id it gave, and what was sent (a node's generation, or a writer's event number). */
  record Ack(long id, String nodename, long gen, long seq) {
  }

  @Test
  void noAcknowledgedEventIsLostWhenTheGatewayIsKilledDuringIngest() throws Exception {
    Path data = tmp.resolve("data");
    // snapshots by count, so that the restart is a snapshot plus a replay, as it will be in production
    Map<String, String> env = Map.of("SVCGATE_HISTORY_SNAPSHOT_EVERY", "500");
    Queue<Ack> acks = new ConcurrentLinkedQueue<>();
    Map<String, AtomicLong> lastSent = new HashMap<>();
    Queue<String> unexpected = new ConcurrentLinkedQueue<>();
    String epoch;
    ExecutorService pool = Executors.newFixedThreadPool(PATCHERS + EVENTERS);
    try (ChildGateway gw = ChildGateway.start(data, env)) {
      epoch = gw.epoch;
      AtomicBoolean killed = new AtomicBoolean();
      List<Future<?>> writers = new java.util.ArrayList<>();
      for (int w = 0; w < PATCHERS; w++) {
        String node = "p" + w;
        AtomicLong sent = new AtomicLong();
        lastSent.put(node, sent);
        writers.add(pool.submit(() -> patcher(gw, node, sent, acks, unexpected, killed)));
      }
      for (int w = 0; w < EVENTERS; w++) {
        String node = "e" + w;
        writers.add(pool.submit(() -> eventer(gw, node, acks, unexpected, killed)));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (acks.size() < ACKS_BEFORE_KILL) {
        assertThat(System.nanoTime()).as("%d acks within 60 s (%s)", ACKS_BEFORE_KILL, unexpected).isLessThan(deadline);
        LockSupport.parkNanos(5_000_000);
      }
      // SIGKILL in the middle of the ingest: the writers are still posting
      killed.set(true);
      assertThat(gw.kill()).isEqualTo(137);
      for (Future<?> f : writers) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(unexpected).as("answers other than 202 before the kill").isEmpty();
    long maxAcked = acks.stream().mapToLong(Ack::id).max().orElseThrow();

    try (ChildGateway gw = ChildGateway.start(data, env)) {
      assertThat(gw.epoch).isEqualTo(epoch);
      Matcher m = ProcessLifecycleTest.recovered(gw);
      long recoveredLast = Long.parseLong(m.group(3));
      assertThat(recoveredLast).as("every acknowledged id is recovered").isGreaterThanOrEqualTo(maxAcked);

      Map<Long, JsonObject> events = readAll(gw);
      long last = new JsonObject(gw.get("/api/events?after=" + recoveredLast + "&limit=1").body()).getLong("last");
      for (long id = 1; id <= last; id++) {
        assertThat(events).as("ids without a gap").containsKey(id);
      }
      assertThat(events).hasSize((int) last);

      // where each node's patch of each generation is in the history
      Map<String, Map<Long, Long>> patchIds = new HashMap<>();
      for (JsonObject e : events.values()) {
        if (!"patch".equals(e.getString("kind")) || !e.getString("nodename").startsWith("p")) {
          continue;
        }
        for (Object o : e.getJsonArray("data")) {
          JsonArray stanza = (JsonArray) o;
          JsonArray path = stanza.getJsonArray(0);
          if (path.size() == 4 && "stats".equals(path.getString(3)) && stanza.getValue(1) instanceof JsonObject v) {
            patchIds.computeIfAbsent(e.getString("nodename"), k -> new HashMap<>()).put(v.getLong("gen"), e.getLong("id"));
          }
        }
      }
      Map<String, Long> lastAckedGen = new HashMap<>();
      Map<String, Long> lastAckedDataGen = new HashMap<>();
      for (Ack a : acks) {
        if (a.seq() > 0) {
          JsonObject e = events.get(a.id());
          assertThat(e.getString("kind")).isEqualTo("event");
          assertThat(e.getString("nodename")).isEqualTo(a.nodename());
          assertThat(e.getJsonObject("data")).isEqualTo(probe(a.nodename(), a.seq()));
          continue;
        }
        lastAckedGen.merge(a.nodename(), a.gen(), Math::max);
        if (a.gen() > 1 && !isEmptyGeneration(a.gen())) {
          Long id = patchIds.getOrDefault(a.nodename(), Map.of()).get(a.gen());
          assertThat(id).as("the patch %s gen %d acked as %d", a.nodename(), a.gen(), a.id()).isNotNull();
          assertThat(id).isLessThanOrEqualTo(a.id());
          lastAckedDataGen.merge(a.nodename(), a.gen(), Math::max);
        } else if (a.gen() == 1) {
          assertThat(events.get(a.id()).getString("kind")).isNotNull();
        }
      }
      // the restarted gateway's own events follow the recovered ones
      assertThat(events.values().stream().filter(e -> e.getLong("id") > recoveredLast)
          .filter(e -> "event".equals(e.getString("kind")))
          .map(e -> e.getJsonObject("data").getString("id"))).contains("monitor_started");

      // the document holds at least every acknowledged generation; each node goes on with its next patch
      JsonObject nodes = new JsonObject(gw.get("/api/daemon/status").body()).getJsonObject("monitor").getJsonObject("nodes");
      for (int w = 0; w < PATCHERS; w++) {
        String node = "p" + w;
        long acked = lastAckedGen.getOrDefault(node, 0L);
        assertThat(acked).as("%s had patches acknowledged", node).isGreaterThan(1L);
        assertThat(nodes.getJsonObject(node).getJsonObject("stats").getLong("gen"))
            .isGreaterThanOrEqualTo(lastAckedDataGen.getOrDefault(node, 1L));
        JsonObject row = ProcessLifecycleTest.node(gw, node);
        assertThat(row.getBoolean("needs_full")).as("%s needs no full after the crash: %s", node, row).isFalse();
        // the last generation sent may be merged without its 202 having reached the node
        assertThat(row.getLong("gen")).as("%s: %s", node, row).isBetween(acked, lastSent.get(node).get());
        // what the node sends next: the generation after its last acknowledged one
        HttpResponse<String> r = gw.post("/api/heartbeats", stats(patch(node, acked + 1, set(0, "stats")), node,
            acked + 1).encode());
        assertThat(r.statusCode()).as("%s gen %d: %s", node, acked + 1, r.body()).isEqualTo(202);
        ProcessLifecycleTest.ingest(gw, stats(patch(node, acked + 2, set(0, "stats")), node, acked + 2));
        assertThat(ProcessLifecycleTest.node(gw, node).getLong("gen")).isEqualTo(acked + 2);
      }
      HttpResponse<String> more = gw.post("/api/events", eventMessage("e0", 1_000_000).encode());
      assertThat(more.statusCode()).isEqualTo(202);
      assertThat(new JsonObject(more.body()).getLong("id")).isGreaterThan(last);
      assertThat(gw.terminate()).isZero();
      System.out.printf("crash test: %d acks (last acked id %d), %d ids recovered (%s)%n",
          acks.size(), maxAcked, recoveredLast, m.group(0));
    }
  }

  private static Map<Long, JsonObject> readAll(ChildGateway gw) throws Exception {
    Map<Long, JsonObject> out = new HashMap<>();
    long after = 0;
    while (true) {
      HttpResponse<String> r = gw.get("/api/events?after=" + after + "&limit=10000");
      assertThat(r.statusCode()).isEqualTo(200);
      JsonObject page = new JsonObject(r.body());
      JsonArray events = page.getJsonArray("events");
      if (events.isEmpty()) {
        return out;
      }
      for (Object o : events) {
        JsonObject e = (JsonObject) o;
        assertThat(out.put(e.getLong("id"), e)).as("event %d once", e.getLong("id")).isNull();
      }
      after = page.getLong("next");
    }
  }

  /** Every seventh generation a node sends has no stanza: it moves the generation and emits no event. */
  private static boolean isEmptyGeneration(long gen) {
    return gen % 7 == 0;
  }

  /** The patch of one generation with no stanza. */
  private static JsonObject emptyPatch(String node, long gen) {
    return new JsonObject().put("nodename", node).put("kind", "patch").put("gen", new JsonObject().put(node, gen))
        .put("deltas", new JsonObject().put(Long.toString(gen), new JsonArray()));
  }

  /** The patch with its stanza set to {@code {"gen": g, "pad": …}}, so each generation is told apart. */
  private static JsonObject stats(JsonObject patch, String node, long gen) {
    JsonArray stanzas = patch.getJsonObject("deltas").getJsonArray(Long.toString(gen));
    stanzas.getJsonArray(0).set(1, new JsonObject().put("gen", gen).put("node", node).put("pad", "x".repeat(100)));
    return patch;
  }

  private static JsonObject probe(String node, long seq) {
    return new JsonObject().put("id", "crash_probe").put("writer", node).put("seq", seq);
  }

  private static JsonObject eventMessage(String node, long seq) {
    return new JsonObject().put("nodename", node).put("kind", "event").put("data", probe(node, seq));
  }

  /** Posts a full, then patch after patch of one node, each once the previous is acknowledged. */
  private static void patcher(ChildGateway gw, String node, AtomicLong sent, Queue<Ack> acks, Queue<String> unexpected,
                              AtomicBoolean killed) {
    long gen = 1;
    JsonObject message = full(node, 1, nodeData(0).put("stats", new JsonObject().put("gen", 1L)));
    while (true) {
      sent.set(gen);
      HttpResponse<String> r;
      try {
        r = gw.post("/api/heartbeats", message.encode());
      } catch (IOException | InterruptedException e) {
        if (!killed.get()) {
          unexpected.add(node + ": " + e);
        }
        return;
      } catch (Exception e) {
        unexpected.add(node + ": " + e);
        return;
      }
      if (r.statusCode() == 503) {
        continue;
      }
      if (r.statusCode() != 202) {
        unexpected.add(node + " gen " + gen + ": " + r.statusCode() + " " + r.body());
        return;
      }
      acks.add(new Ack(new JsonObject(r.body()).getLong("id"), node, gen, 0));
      gen++;
      message = isEmptyGeneration(gen) ? emptyPatch(node, gen) : stats(patch(node, gen, set(0, "stats")), node, gen);
    }
  }

  /** Posts node events, each once the previous is acknowledged. */
  private static void eventer(ChildGateway gw, String node, Queue<Ack> acks, Queue<String> unexpected,
                              AtomicBoolean killed) {
    for (long seq = 1; ; seq++) {
      HttpResponse<String> r;
      try {
        r = gw.post("/api/events", eventMessage(node, seq).encode());
      } catch (IOException | InterruptedException e) {
        if (!killed.get()) {
          unexpected.add(node + ": " + e);
        }
        return;
      } catch (Exception e) {
        unexpected.add(node + ": " + e);
        return;
      }
      if (r.statusCode() == 503) {
        seq--;
        continue;
      }
      if (r.statusCode() != 202) {
        unexpected.add(node + " seq " + seq + ": " + r.statusCode() + " " + r.body());
        return;
      }
      acks.add(new Ack(new JsonObject(r.body()).getLong("id"), node, 0, seq));
    }
  }
}
