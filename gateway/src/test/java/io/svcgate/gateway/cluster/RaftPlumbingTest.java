package io.svcgate.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.gateway.Addresses;
import io.svcgate.gateway.Awaits;
import io.svcgate.gateway.TestGateway;
import io.svcgate.gateway.bus.LocalCodec;
import io.svcgate.gateway.config.ConfigKey;
import io.svcgate.gateway.config.GatewayConfig;
import io.svcgate.gateway.metrics.GatewayMetrics;
import io.svcgate.gateway.state.ApplyReply;
import io.svcgate.state.HeartbeatMessage;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.eventbus.DeliveryOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Raft plumbing alone, in one JVM: three {@link RaftMember}s on loopback, each with
 * its own Vert.x and {@link ClusterIngest}, and in place of the state verticle a
 * recorder of what arrives on {@link Addresses#APPLY_COMMITTED} (the real state
 * verticle is exercised by the member tests with child processes). Proves the order,
 * the leader's clock, the reply of the applying member, and the no-quorum refusal.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RaftPlumbingTest {

  @TempDir
  Path tmp;

  private final List<Node> nodes = new ArrayList<>();

  /** One member: its Vert.x, its Raft member, and the entries its stand-in state applied. */
  record Node(Vertx vertx, RaftMember member, List<Committed> applied) {
  }

  @AfterEach
  void stop() {
    for (Node n : nodes) {
      n.member().close();
    }
    for (Node n : nodes) {
      n.vertx().close().await();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private Node start(int i, List<String> members) throws Exception {
    String self = members.get(i);
    GatewayConfig config = GatewayConfig.builder()
        .set(ConfigKey.CLUSTER, "true")
        .set(ConfigKey.CLUSTER_HOST, "127.0.0.1")
        .set(ConfigKey.CLUSTER_PORT, self.substring(self.indexOf(':') + 1))
        .set(ConfigKey.CLUSTER_MEMBERS, String.join(",", members))
        .set(ConfigKey.CLUSTER_REQUEST_TIMEOUT, "3s")
        .set(ConfigKey.DATA, tmp.resolve("m" + i).toString())
        .build();
    ClusterOptions o = ClusterOptions.from(config);
    Vertx vertx = Vertx.vertx();
    vertx.eventBus().registerCodec(new LocalCodec<>(ApplyReply.class));
    vertx.eventBus().registerCodec(new LocalCodec<>(HeartbeatMessage.class));
    for (Class<?> c : HeartbeatMessage.class.getPermittedSubclasses()) {
      register(vertx, c);
    }
    List<Committed> applied = new CopyOnWriteArrayList<>();
    AtomicLong lastId = new AtomicLong();
    // the stand-in for the state verticle: records each entry, answers as the state would
    vertx.eventBus().<Committed>localConsumer(Addresses.APPLY_COMMITTED, m -> {
      applied.add(m.body());
      if (m.body().command() instanceof Committed.Batch b) {
        List<ApplyReply> rs = new ArrayList<>();
        for (HeartbeatMessage hb : b.messages()) {
          // the second message of each batch is refused, alone
          rs.add(rs.size() == 1 ? new ApplyReply(409, lastId.get(), hb.nodename(), 0, "refused " + hb.toJson())
              : new ApplyReply(202, lastId.incrementAndGet(), hb.nodename(), 1, null));
        }
        m.reply(new ApplyReply.Batch(rs), new DeliveryOptions().setCodecName(LocalCodec.nameOf(ApplyReply.Batch.class)));
        return;
      }
      String node = m.body().command() instanceof Committed.Heartbeat h ? h.message().nodename() : null;
      long id = m.body().command() instanceof Committed.Tick ? lastId.get() : lastId.incrementAndGet();
      m.reply(new ApplyReply(202, id, node, 1, null),
          new DeliveryOptions().setCodecName(LocalCodec.nameOf(ApplyReply.class)));
    });
    // and for its liveness answer to the leader: one stale node, so the leader proposes ticks naming it
    vertx.eventBus().<Long>localConsumer(Addresses.STALE_CANDIDATES, m -> m.reply(
        new io.vertx.core.json.JsonObject().put("started", true).put("stale", new io.vertx.core.json.JsonArray().add("n9"))));
    RaftMember member = new RaftMember(o, vertx, Optional::empty, lastId::get);
    Node n = new Node(vertx, member, applied);
    nodes.add(n);
    member.start();
    vertx.deployVerticle(new ClusterIngest(member, new GatewayMetrics(GatewayMetrics.prometheusRegistry()), 100, o))
        .await();
    member.announce("http://127.0.0.1:" + (20000 + i));
    return n;
  }

  private static void register(Vertx vertx, Class<?> c) {
    @SuppressWarnings({"rawtypes", "unchecked"})
    LocalCodec codec = new LocalCodec(c);
    vertx.eventBus().registerCodec(codec);
  }

  private static HeartbeatMessage event(String node, int n) {
    return HeartbeatMessage.parse(TestGateway.event(node, "e" + n, new JsonObject().put("n", n)).toBuffer().getBytes());
  }

  private static ApplyReply apply(Node n, HeartbeatMessage m) {
    return n.vertx().eventBus().<ApplyReply>request(Addresses.APPLY, m,
        new DeliveryOptions().setCodecName(LocalCodec.nameOf(HeartbeatMessage.class))).await().body();
  }

  @Test
  void threeMembersApplyTheSameEntriesInTheSameOrderWithTheLeadersClock() throws Exception {
    List<String> members = List.of("127.0.0.1:" + freePort(), "127.0.0.1:" + freePort(), "127.0.0.1:" + freePort());
    for (int i = 0; i < 3; i++) {
      start(i, members);
    }
    Awaits.until("a leader", () -> nodes.stream().anyMatch(n -> n.member().isLeaderReady()));
    Node follower = nodes.stream().filter(n -> !n.member().isLeaderReady()).findFirst().orElseThrow();
    long before = System.currentTimeMillis();
    List<ApplyReply> replies = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      replies.add(apply(follower, event("n1", i)));
    }
    assertThat(replies).allMatch(r -> r.status() == 202);
    // the answer comes once this member applied the entry: it is in its own record already
    assertThat(follower.applied().stream().filter(c -> c.command() instanceof Committed.Heartbeat)).hasSize(20);
    Awaits.until("every member applied the 20 events",
        () -> nodes.stream().allMatch(n -> heartbeats(n).size() >= 20));
    List<Committed> first = heartbeats(nodes.get(0));
    for (Node n : nodes) {
      List<Committed> mine = heartbeats(n);
      assertThat(mine).hasSameSizeAs(first);
      for (int i = 0; i < mine.size(); i++) {
        assertThat(mine.get(i).index()).isEqualTo(first.get(i).index());
        assertThat(mine.get(i).term()).isEqualTo(first.get(i).term());
        assertThat(mine.get(i).leaderMillis()).isEqualTo(first.get(i).leaderMillis()).isGreaterThanOrEqualTo(before);
        assertThat(((Committed.Heartbeat) mine.get(i).command()).message())
            .isEqualTo(((Committed.Heartbeat) first.get(i).command()).message());
      }
    }
    for (int i = 1; i < first.size(); i++) {
      assertThat(first.get(i).index()).isGreaterThan(first.get(i - 1).index());
      assertThat(first.get(i).leaderMillis()).isGreaterThanOrEqualTo(first.get(i - 1).leaderMillis());
    }
    // the leader ticks; every member lists every member's announced URL
    Awaits.until("a tick applied everywhere",
        () -> nodes.stream().allMatch(n -> n.applied().stream()
            .anyMatch(c -> c.command() instanceof Committed.Tick t && t.stale().equals(List.of("n9")))));
    Awaits.until("every URL announced everywhere", () -> nodes.stream().allMatch(
        n -> n.member().members().stream().allMatch(m -> m.http() != null)));
    assertThat(follower.member().members()).extracting(ClusterStatus.Member::id).containsExactlyElementsOf(members);
    assertThat(follower.member().members()).filteredOn(m -> m.role() == ClusterStatus.Role.LEADER).hasSize(1);
    assertThat(follower.member().unhealthy()).isEmpty();
  }

  @Test
  void heartbeatsArrivingTogetherGoInBatchEntriesEachAnsweredItsOwnReply() throws Exception {
    List<String> members = List.of("127.0.0.1:" + freePort(), "127.0.0.1:" + freePort(), "127.0.0.1:" + freePort());
    for (int i = 0; i < 3; i++) {
      start(i, members);
    }
    Awaits.until("a leader", () -> nodes.stream().anyMatch(n -> n.member().isLeaderReady()));
    Node follower = nodes.stream().filter(n -> !n.member().isLeaderReady()).findFirst().orElseThrow();
    int count = 60;
    List<HeartbeatMessage> sent = new ArrayList<>();
    List<io.vertx.core.Future<ApplyReply>> answers = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      HeartbeatMessage m = event("n" + i, i);
      sent.add(m);
      answers.add(follower.vertx().eventBus().<ApplyReply>request(Addresses.APPLY, m,
          new DeliveryOptions().setCodecName(LocalCodec.nameOf(HeartbeatMessage.class))).map(r -> r.body()));
    }
    io.vertx.core.Future.all(answers).await();
    List<Committed> entries = follower.applied().stream()
        .filter(c -> c.command() instanceof Committed.Heartbeat || c.command() instanceof Committed.Batch).toList();
    // at most 3 entries in flight: 60 messages sent at once took fewer entries, in the order sent
    assertThat(entries.size()).isLessThan(count);
    assertThat(entries).anyMatch(c -> c.command() instanceof Committed.Batch);
    List<HeartbeatMessage> logged = entries.stream().flatMap(c -> c.command() instanceof Committed.Batch b
        ? b.messages().stream() : java.util.stream.Stream.of(((Committed.Heartbeat) c.command()).message())).toList();
    assertThat(logged).isEqualTo(sent);
    // each message its own answer: the one refused in a batch only itself
    for (int i = 0; i < count; i++) {
      ApplyReply r = answers.get(i).result();
      assertThat(r.nodename()).isEqualTo("n" + i);
      if (r.status() == 409) {
        assertThat(r.error()).contains("\"n" + i + "\"");
      } else {
        assertThat(r.status()).isEqualTo(202);
      }
    }
    long batches = entries.stream().filter(c -> c.command() instanceof Committed.Batch).count();
    assertThat(answers.stream().filter(a -> a.result().status() == 409)).hasSize((int) batches);
    assertThat(answers.stream().filter(a -> a.result().status() == 202).map(a -> a.result().id()).distinct())
        .hasSize(count - (int) batches);
  }

  private static List<Committed> heartbeats(Node n) {
    return n.applied().stream().filter(c -> c.command() instanceof Committed.Heartbeat).toList();
  }

  @Test
  void aMemberAloneRefusesWithNoQuorumAndAppliesNothing() throws Exception {
    List<String> members = List.of("127.0.0.1:" + freePort(), "127.0.0.1:" + freePort(), "127.0.0.1:" + freePort());
    Node alone = start(0, members);
    ApplyReply r = apply(alone, event("n1", 1));
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.error()).startsWith("no quorum");
    assertThat(alone.applied()).isEmpty();
    assertThat(alone.member().unhealthy()).hasValueSatisfying(s -> assertThat(s).contains("no leader"));
  }
}
