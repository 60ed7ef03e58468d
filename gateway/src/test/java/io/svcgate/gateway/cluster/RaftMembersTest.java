package io.svcgate.gateway.cluster;

import static io.svcgate.gateway.TestGateway.full;
import static io.svcgate.gateway.TestGateway.nodeData;
import static io.svcgate.gateway.TestGateway.patch;
import static io.svcgate.gateway.TestGateway.set;
import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.gateway.Awaits;
import io.svcgate.gateway.TestGateway;
import io.svcgate.gateway.cluster.Members.Member;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Raft members as child processes on loopback (docs/clustering.md): what a user of
 * three {@code svcgate serve --cluster} sees through HTTP. Convergence, a leader
 * SIGKILLed under continuous ingest through a follower, a stream moving to another
 * member with its cursor, a restart that catches up, a member alone, a membership
 * change from 3 to 4 and back.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class RaftMembersTest {

  @TempDir
  Path tmp;

  @RegisterExtension
  final Members members = new Members();

  /** Snapshots by count so that restarts are a snapshot plus a replay, as in production. */
  private static final Map<String, String> ENV = Map.of("SVCGATE_HISTORY_SNAPSHOT_EVERY", "200");

  /** A 202: the id it gave and what was sent (a node's generation, or an event's sequence number). */
  record Ack(long id, String node, long gen, long sentNanos, long atNanos) {
  }

  @Test
  void aLeaderKilledUnderIngestLosesNothingAcknowledgedAndTheMembersConverge() throws Exception {
    members.in(tmp);
    List<Member> ms = members.startAll(Members.addresses(3), ENV);
    Member leader = byId(ms, ms.get(0).leader());
    List<Member> others = ms.stream().filter(m -> m != leader).toList();
    Member follower = others.get(0);
    Member third = others.get(1);
    Awaits.until("every member announced its URL", () -> ms.stream().allMatch(m -> {
      JsonObject c = m.cluster();
      return c != null && c.getJsonArray("members").stream().allMatch(o -> ((JsonObject) o).getString("http") != null);
    }));

    // a stream on the member that will be killed, from the start of the history
    List<Long> streamed = new CopyOnWriteArrayList<>();
    Thread reader = stream(leader, 0, Long.MAX_VALUE, streamed);

    Queue<Ack> acks = new ConcurrentLinkedQueue<>();
    Queue<String> unexpected = new ConcurrentLinkedQueue<>();
    Map<String, AtomicLong> lastAcked = new ConcurrentHashMap<>();
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> writers = new ArrayList<>();
    for (int w = 0; w < 3; w++) {
      String node = "p" + w;
      lastAcked.put(node, new AtomicLong());
      writers.add(pool.submit(() -> patcher(follower, node, acks, lastAcked.get(node), unexpected, stop)));
    }
    writers.add(pool.submit(() -> eventer(follower, "e0", acks, unexpected, stop)));
    try {
      Awaits.until("300 acknowledged writes through a follower", () -> acks.size() >= 300 || !unexpected.isEmpty());
      assertThat(unexpected).isEmpty();
      Awaits.until("the stream on the leader has read something", () -> !streamed.isEmpty());

      long killedAt = System.nanoTime();
      leader.kill();
      int atKill = acks.size();
      Awaits.until("ingest resumes after the leader's death: a write sent after it acknowledged",
          () -> acks.stream().anyMatch(a -> a.sentNanos() > killedAt) || !unexpected.isEmpty());
      long firstAfter = acks.stream().filter(a -> a.sentNanos() > killedAt).mapToLong(Ack::atNanos).min().orElseThrow();
      System.err.printf("RaftMembersTest: first write sent after the leader's SIGKILL acknowledged %d ms after it%n",
          (firstAfter - killedAt) / 1_000_000);
      Awaits.until("200 more acknowledged writes", () -> acks.size() >= atKill + 200 || !unexpected.isEmpty());
    } finally {
      stop.set(true);
      for (Future<?> f : writers) {
        f.get(60, TimeUnit.SECONDS);
      }
      pool.shutdownNow();
    }
    assertThat(unexpected).as("answers other than 202 or 503").isEmpty();
    reader.join(30_000);

    // each node's next patch applies on the new leader, no full needed
    Member newLeader = byId(ms, follower.leader());
    assertThat(newLeader).isNotSameAs(leader);
    for (Map.Entry<String, AtomicLong> e : lastAcked.entrySet()) {
      long gen = e.getValue().get() + 1;
      HttpResponse<String> r = newLeader.post("/api/heartbeats",
          stats(patch(e.getKey(), gen, set(0, "stats")), e.getKey(), gen).encode());
      assertThat(r.statusCode()).as("%s gen %d on the new leader: %s", e.getKey(), gen, r.body()).isEqualTo(202);
    }

    // the stream resumes on another member with its cursor: no gap, no duplicate
    long target = third.lastId();
    long cursor = streamed.get(streamed.size() - 1);
    List<Long> resumed = new CopyOnWriteArrayList<>();
    stream(third, cursor, target - cursor, resumed).join(60_000);
    List<Long> all = new ArrayList<>(streamed);
    all.addAll(resumed);
    assertThat(all).as("ids read across the two members").hasSize((int) target);
    for (int i = 0; i < all.size(); i++) {
      assertThat(all.get(i)).isEqualTo(i + 1L);
    }

    // the killed member comes back and catches up; every member holds the same history
    leader.restart();
    Awaits.until("the restarted member catches up", () -> lastId(leader) == target && lastId(follower) == target);
    Map<Long, JsonObject> reference = follower.events();
    assertThat(reference).hasSize((int) target);
    for (Member m : ms) {
      assertThat(m.epoch()).isEqualTo(follower.epoch());
      assertThat(m.events()).as("history of %s", m.self).isEqualTo(reference);
    }
    // every acknowledged write is in it, at or before the id its answer gave (a retried one may answer a later id)
    List<String> written = reference.values().stream().map(JsonObject::encode).toList();
    for (Ack a : acks) {
      if (a.node().startsWith("p") && a.gen() == 1) {
        continue; // a full: its own shape
      }
      String mark = a.node().startsWith("p") ? "\"gen\":" + a.gen() + ",\"node\":\"" + a.node() + "\""
          : "\"seq\":" + a.gen();
      long at = reference.entrySet().stream().filter(e -> e.getValue().encode().contains(mark))
          .mapToLong(Map.Entry::getKey).min().orElse(-1);
      assertThat(at).as("acknowledged %s (answered id %d) in the history", mark, a.id()).isPositive()
          .isLessThanOrEqualTo(a.id());
    }
    assertThat(written).isNotEmpty();
    Awaits.until("the restarted member is healthy", () -> leader.health() == 200);
  }

  @Test
  void aMemberAloneRefusesIngestWithNoQuorumAndChangesNothing() throws Exception {
    members.in(tmp);
    List<String> addrs = Members.addresses(3);
    Member alone = members.start(addrs.get(0), addrs, ENV).awaitReady();
    HttpResponse<String> r = alone.post("/api/heartbeats", full("n1", 1, nodeData(0)).encode());
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("Retry-After")).isPresent();
    assertThat(new JsonObject(r.body()).getString("error")).startsWith("no quorum");
    r = alone.post("/api/events", TestGateway.event("n1", "node_freeze", new JsonObject()).encode());
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(alone.lastId()).isZero();
    assertThat(alone.health()).isEqualTo(503);
    assertThat(alone.cluster().getString("leader")).isNull();
  }

  @Test
  void membersChangeFromThreeToFourAndBackTheNewOneFromASnapshot() throws Exception {
    members.in(tmp);
    List<String> addrs = new ArrayList<>(Members.addresses(4));
    String fourth = addrs.remove(3);
    // snapshots every 20 entries: the log the new member needs is trimmed, it gets the leader's snapshot
    Map<String, String> env = Map.of("SVCGATE_HISTORY_SNAPSHOT_EVERY", "200", "SVCGATE_CLUSTER_SNAPSHOT_EVERY", "20");
    List<Member> ms = members.startAll(addrs, env);
    for (long gen = 1; gen <= 60; gen++) {
      assertThat(ms.get(1).post("/api/heartbeats", node("c1", gen).encode()).statusCode()).isEqualTo(202);
    }
    List<String> four = new ArrayList<>(addrs);
    four.add(fourth);
    Member added = members.start(fourth, four, env).awaitReady();
    HttpResponse<String> r = ms.get(0).send("PUT", "/api/cluster/members", new JsonObject().put("members", four).encode());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    Awaits.until("every member lists four members", () -> Stream.concat(ms.stream(), Stream.of(added))
        .allMatch(m -> m.memberIds().size() == 4));
    long last = ms.get(0).lastId();
    Awaits.until("the new member caught up", () -> lastId(added) == last);
    assertThat(added.output()).contains("raft: loaded the leader's snapshot");
    // the new member takes ingest like any other, and the others apply it
    assertThat(added.post("/api/heartbeats", node("c1", 61).encode()).statusCode()).isEqualTo(202);
    Awaits.until("the others applied it", () -> ms.stream().allMatch(m -> lastId(m) == lastId(added)));
    assertThat(added.events()).isEqualTo(ms.get(0).events());

    r = added.send("PUT", "/api/cluster/members", new JsonObject().put("members", addrs).encode());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    Awaits.until("the three list three members again", () -> ms.stream().allMatch(m -> m.memberIds().equals(addrs)));
    added.kill();
    assertThat(ms.get(2).post("/api/heartbeats", node("c1", 62).encode()).statusCode()).isEqualTo(202);
  }

  // --- helpers ------------------------------------------------------------------

  private static Member byId(List<Member> ms, String id) {
    return ms.stream().filter(m -> m.self.equals(id)).findFirst().orElseThrow(() -> new AssertionError("no member " + id));
  }

  private static long lastId(Member m) {
    try {
      return m.lastId();
    } catch (Exception e) {
      return -1;
    }
  }

  private static JsonObject node(String node, long gen) {
    return gen == 1 ? full(node, 1, nodeData(0).put("stats", new JsonObject().put("gen", 1L)))
        : stats(patch(node, gen, set(0, "stats")), node, gen);
  }

  private static JsonObject stats(JsonObject patch, String node, long gen) {
    JsonArray stanzas = patch.getJsonObject("deltas").getJsonArray(Long.toString(gen));
    stanzas.getJsonArray(0).set(1, new JsonObject().put("gen", gen).put("node", node));
    return patch;
  }

  /** Posts a node's generations one after the other; a 503 (no quorum, busy) is retried with the same generation. */
  private static void patcher(Member m, String node, Queue<Ack> acks, AtomicLong lastAcked, Queue<String> unexpected,
                              AtomicBoolean stop) {
    writer(m, "/api/heartbeats", gen -> node(node, gen).encode(), node, "gen", acks, lastAcked, unexpected, stop);
  }

  /** Posts node events numbered 1, 2, …; a 503 is retried with the same number. */
  private static void eventer(Member m, String node, Queue<Ack> acks, Queue<String> unexpected, AtomicBoolean stop) {
    writer(m, "/api/events", seq -> TestGateway.event(node, "node_freeze", new JsonObject().put("seq", seq)).encode(),
        node, "seq", acks, new AtomicLong(), unexpected, stop);
  }

  /**
   * Posts {@code body(1)}, {@code body(2)}, … to {@code path} until stopped, each once the one
   * before it was acknowledged; a 503 is retried with the same number, anything else ends the writer.
   */
  private static void writer(Member m, String path, java.util.function.LongFunction<String> body, String node,
                             String what, Queue<Ack> acks, AtomicLong lastAcked, Queue<String> unexpected,
                             AtomicBoolean stop) {
    long n = 1;
    while (!stop.get()) {
      HttpResponse<String> r;
      long sent = System.nanoTime();
      try {
        r = m.post(path, body.apply(n));
      } catch (IOException | InterruptedException e) {
        unexpected.add(node + ": " + e);
        return;
      }
      if (r.statusCode() == 503) {
        continue;
      }
      if (r.statusCode() != 202) {
        unexpected.add(node + " " + what + " " + n + ": " + r.statusCode() + " " + r.body());
        return;
      }
      acks.add(new Ack(new JsonObject(r.body()).getLong("id"), node, n, sent, System.nanoTime()));
      lastAcked.set(n);
      n++;
    }
  }

  /** Reads {@code limit} events of the stream after {@code after} (ndjson) into {@code ids}, bookmarks skipped. */
  private static Thread stream(Member m, long after, long limit, List<Long> ids) {
    String path = "/api/events/stream?format=ndjson&after=" + after + (limit == Long.MAX_VALUE ? "" : "&limit=" + limit);
    Thread t = new Thread(() -> {
      try {
        HttpResponse<Stream<String>> r = Members.HTTP.send(HttpRequest.newBuilder(URI.create(m.url(path)))
            .timeout(Duration.ofMinutes(5)).GET().build(), HttpResponse.BodyHandlers.ofLines());
        r.body().forEach(line -> {
          JsonObject e = new JsonObject(line);
          if (!"bookmark".equals(e.getString("kind")) && !"gone".equals(e.getString("kind"))) {
            ids.add(e.getLong("id"));
          }
        });
      } catch (Exception e) {
        // the member was killed: the stream ends here
      }
    }, "stream-" + m.self);
    t.setDaemon(true);
    t.start();
    return t;
  }
}
