package io.svcgate.gateway.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.svcgate.gateway.Addresses;
import io.svcgate.gateway.bus.EventCodec;
import io.svcgate.gateway.bus.LocalCodec;
import io.svcgate.gateway.cluster.Committed;
import io.svcgate.gateway.history.History;
import io.svcgate.gateway.history.HistoryOptions;
import io.svcgate.gateway.history.RaftPosition;
import io.svcgate.gateway.ingest.HeartbeatIntake;
import io.svcgate.gateway.metrics.GatewayMetrics;
import io.svcgate.state.ClusterState;
import io.svcgate.state.Event;
import io.svcgate.state.HeartbeatMessage;
import io.svcgate.state.Json;
import io.svcgate.state.aggregates.ServiceAggregator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster member's state verticle on a real event bus and a real RocksDB history,
 * fed committed Raft entries on {@link Addresses#APPLY_COMMITTED} as the Raft state
 * machine hands them over.
 */
@Timeout(120)
class CommittedApplyTest {

  static final long T0 = 1_765_000_000_123L;
  static final Duration HB_TIMEOUT = Duration.ofSeconds(15);

  @TempDir
  Path dir;
  Vertx vertx;
  History history;
  String deployment;
  HeartbeatIntake intake;
  int maxPendingDurable = 1000;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    registerCodecs(vertx);
    intake = new HeartbeatIntake(vertx, new GatewayMetrics());
    open();
  }

  @AfterEach
  void stop() throws Exception {
    close();
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  static void registerCodecs(Vertx vertx) {
    var bus = vertx.eventBus();
    bus.registerDefaultCodec(Event.class, new EventCodec());
    List<Class<?>> local = new ArrayList<>(List.of(ApplyReply.class, StatusReply.class, WaitRequest.class,
        WaitResult.class, Committed.class, ApplyReply.Batch.class));
    local.addAll(List.of(HeartbeatMessage.class.getPermittedSubclasses()));
    for (Class<?> c : local) {
      @SuppressWarnings({"rawtypes", "unchecked"})
      LocalCodec codec = new LocalCodec(c);
      bus.registerCodec(codec);
    }
  }

  static ClusterState.Builder builder() {
    return ClusterState.builder().gatewayNodename("svcgate").derivedState(new ServiceAggregator())
        .clusterName("test");
  }

  /** Opens the history and deploys a clustered state verticle recovered from it, as the gateway does. */
  void open() throws Exception {
    history = History.open(new HistoryOptions().setDataDir(dir));
    ClusterState.Builder b = builder().epoch(history.epoch()).started(0);
    ClusterState cs = history.loadSnapshot().map(s -> b.restore(s.blob())).orElseGet(b::build);
    while (cs.lastId() < history.lastId()) {
      history.readAfter(cs.lastId(), 1000).forEach(cs::replay);
    }
    cs.recoverGenerations(history.loadGenerations());
    StateVerticle.StateOptions o = new StateVerticle.StateOptions("svcgate", HB_TIMEOUT, Duration.ofSeconds(10), 100,
        maxPendingDurable, 10_000, Duration.ZERO, false, 100_000, true);
    StateVerticle v = new StateVerticle(o, cs, (epoch, started) -> builder().epoch(epoch).started(started).build(),
        history, new GatewayMetrics());
    deployment = vertx.deployVerticle(v).await(30, TimeUnit.SECONDS);
  }

  void close() throws Exception {
    if (deployment != null) {
      vertx.undeploy(deployment).await(30, TimeUnit.SECONDS);
      deployment = null;
    }
    if (history != null) {
      history.close();
      history = null;
    }
  }

  Future<ApplyReply> sendAsync(Committed c) {
    return vertx.eventBus().<ApplyReply>request(Addresses.APPLY_COMMITTED, c,
        new DeliveryOptions().setCodecName(LocalCodec.nameOf(Committed.class))).map(m -> m.body());
  }

  ApplyReply send(Committed c) throws Exception {
    return sendAsync(c).await(30, TimeUnit.SECONDS);
  }

  Committed.Heartbeat hb(JsonObject message) {
    return new Committed.Heartbeat(intake.parse(message.toBuffer().getBytes()));
  }

  static JsonObject full(String node, long gen, String status) {
    return new JsonObject().put("nodename", node).put("kind", "full").put("gen", new JsonObject().put(node, gen))
        .put("data", new JsonObject().put("frozen", 0).put("monitor", new JsonObject().put("status", status)));
  }

  static JsonObject patch(String node, long gen, String status) {
    JsonArray stanza = new JsonArray().add(new JsonArray().add("monitor").add("status")).add(status);
    return new JsonObject().put("nodename", node).put("kind", "patch").put("gen", new JsonObject().put(node, gen))
        .put("deltas", new JsonObject().put(Long.toString(gen), new JsonArray().add(stanza)));
  }

  byte[] document() throws Exception {
    return vertx.eventBus().<StatusReply>request(Addresses.STATUS, "").await(30, TimeUnit.SECONDS).body().json();
  }

  @Test
  void aBatchAppliesEachMessageAsItsOwnEntryWouldWithOneWrite() throws Exception {
    ApplyReply first = send(new Committed(1, 3, T0, hb(full("n1", 1, "idle"))));
    assertThat(first.status()).isEqualTo(202);

    long t1 = T0 + 2_000;
    Committed.Batch batch = new Committed.Batch(List.of(hb(patch("n1", 2, "thawing")).message(),
        hb(patch("n1", 9, "frozen")).message(), // a gap: refused, alone
        hb(full("n2", 1, "idle")).message()));
    Object answer = vertx.eventBus().request(Addresses.APPLY_COMMITTED, new Committed(1, 5, t1, batch),
        new DeliveryOptions().setCodecName(LocalCodec.nameOf(Committed.class))).await(30, TimeUnit.SECONDS).body();
    assertThat(answer).isInstanceOf(ApplyReply.Batch.class);
    List<ApplyReply> replies = ((ApplyReply.Batch) answer).replies();
    assertThat(replies).extracting(ApplyReply::status).containsExactly(202, 409, 202);
    assertThat(replies).extracting(ApplyReply::nodename).containsExactly("n1", "n1", "n2");
    assertThat(replies.get(0).merged()).isEqualTo(2);
    assertThat(replies.get(1).error()).isNotBlank();
    assertThat(replies.get(2).merged()).isEqualTo(1);
    // each its own id: the last event once it applied, all durable
    assertThat(replies.get(0).id()).isGreaterThan(first.id());
    assertThat(replies.get(1).id()).isGreaterThanOrEqualTo(replies.get(0).id());
    assertThat(replies.get(2).id()).isGreaterThan(replies.get(1).id()).isEqualTo(history.lastId());
    List<Event> events = history.readAfter(first.id(), 100);
    assertThat(events).allSatisfy(e -> assertThat(e.tsMicros()).isEqualTo(t1 * 1000));
    assertThat(events.stream().filter(e -> e.id() <= replies.get(0).id()).map(e -> e.nodename()))
        .isNotEmpty().allMatch(n -> !n.equals("n2"));
    // one write for the entry, at its position
    assertThat(history.raftPosition()).contains(new RaftPosition(1, 5));
    var doc = Json.parse(document());
    assertThat(doc.path("monitor").path("nodes").path("n1").path("monitor").path("status").asText()).isEqualTo("thawing");
    assertThat(doc.path("monitor").path("nodes").path("n2").path("monitor").path("status").asText()).isEqualTo("idle");

    // the state came through the history whole: a reopen finds the same
    byte[] before = document();
    close();
    open();
    assertThat(history.raftPosition()).contains(new RaftPosition(1, 5));
    assertThat(Json.parse(document())).isEqualTo(Json.parse(before));
  }

  @Test
  void entriesApplyAtTheLeadersTimeAndSurviveAReopen() throws Exception {
    ApplyReply first = send(new Committed(1, 3, T0, hb(full("n1", 1, "idle"))));
    assertThat(first.status()).isEqualTo(202);
    String epoch = UUID.nameUUIDFromBytes(("svcgate-epoch:1:3:" + T0).getBytes(StandardCharsets.UTF_8)).toString();
    assertThat(history.epoch()).as("the epoch the first entry decides").isEqualTo(epoch);
    List<Event> events = history.readAfter(0, 100);
    assertThat(events).isNotEmpty();
    assertThat(events.get(events.size() - 1).id()).isEqualTo(first.id());
    assertThat(events).allSatisfy(e -> assertThat(e.tsMicros()).isEqualTo(T0 * 1000));
    assertThat(events.get(0).json()).asString(StandardCharsets.UTF_8).contains("monitor_started");
    assertThat(history.raftPosition()).contains(new RaftPosition(1, 3));
    assertThat(Json.parse(document()).path("gateway").path("epoch").asText()).isEqualTo(epoch);
    assertThat(Json.parse(document()).path("gateway").path("started").asDouble()).isEqualTo(T0 / 1000d);

    long t1 = T0 + 2_000;
    ApplyReply second = send(new Committed(2, 7, t1, hb(patch("n1", 2, "thawing"))));
    assertThat(second.status()).isEqualTo(202);
    assertThat(second.id()).isGreaterThan(first.id());
    assertThat(second.merged()).isEqualTo(2);
    assertThat(history.readAfter(first.id(), 100)).allSatisfy(e -> assertThat(e.tsMicros()).isEqualTo(t1 * 1000));
    assertThat(history.raftPosition()).contains(new RaftPosition(2, 7));

    // a tick that decides nothing changes nothing, so writes nothing
    ApplyReply quiet = send(new Committed(2, 8, t1 + HB_TIMEOUT.toMillis() - 1, new Committed.Tick()));
    assertThat(quiet.status()).isEqualTo(200);
    assertThat(quiet.id()).isEqualTo(second.id());
    assertThat(history.lastId()).isEqualTo(second.id());
    assertThat(history.raftPosition()).contains(new RaftPosition(2, 7));

    // the leader decided n1 is stale: it goes stale at the leader's time (not this machine's);
    // a node the tick names that is unknown here changes nothing
    long t2 = t1 + HB_TIMEOUT.toMillis() + 1;
    ApplyReply tick = send(new Committed(2, 9, t2, new Committed.Tick(List.of("n1", "nobody"))));
    assertThat(tick.status()).isEqualTo(200);
    assertThat(tick.id()).isGreaterThan(second.id());
    List<Event> stale = history.readAfter(second.id(), 100);
    assertThat(stale.get(0).json()).asString(StandardCharsets.UTF_8).contains("hb_stale");
    assertThat(stale).allSatisfy(e -> assertThat(e.tsMicros()).isEqualTo(t2 * 1000));
    assertThat(history.raftPosition()).contains(new RaftPosition(2, 9));

    // an operator's forget of an unknown node: committed, so answered, with 404, changing nothing
    ApplyReply unknown = send(new Committed(2, 10, t2, new Committed.Forget("nobody")));
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.error()).contains("unknown node nobody");
    assertThat(history.lastId()).isEqualTo(tick.id());

    byte[] before = document();
    long lastId = history.lastId();
    close();
    open();
    assertThat(history.epoch()).isEqualTo(epoch);
    assertThat(history.lastId()).isEqualTo(lastId);
    assertThat(history.raftPosition()).contains(new RaftPosition(2, 9));
    assertThat(history.loadGenerations()).isEqualTo(Map.of("n1", 2L));
    assertThat(Json.parse(document())).isEqualTo(Json.parse(before));
    // a restarted member announces nothing of its own: the ids continue with the log only
    assertThat(history.lastId()).isEqualTo(lastId);

    // the next generation applies on the reopened member without a full
    ApplyReply third = send(new Committed(3, 11, t2 + 1000, hb(patch("n1", 3, "idle"))));
    assertThat(third.status()).isEqualTo(202);
    assertThat(third.merged()).isEqualTo(3);
    assertThat(history.raftPosition()).contains(new RaftPosition(3, 11));
  }

  @Test
  void aTickMarksStaleWhatTheLeaderDecidedWhateverThisMemberLastHeard() throws Exception {
    send(new Committed(1, 1, T0, hb(full("n1", 1, "idle"))));
    send(new Committed(1, 2, T0, hb(full("n2", 1, "idle"))));
    long lastId = history.lastId();
    // this member heard n1 a moment ago (its restart could have moved that record): the
    // leader's decision is what counts, so every member marks exactly the same nodes
    ApplyReply tick = send(new Committed(1, 3, T0 + 10, new Committed.Tick(List.of("n1"))));
    assertThat(tick.status()).isEqualTo(200);
    List<Event> events = history.readAfter(lastId, 100);
    assertThat(events).isNotEmpty();
    assertThat(new String(events.get(0).json(), StandardCharsets.UTF_8)).contains("hb_stale").contains("n1");
    assertThat(events).noneMatch(e -> new String(e.json(), StandardCharsets.UTF_8).contains("\"n2\""));
    // named again, n1 is already stale: nothing more
    long after = history.lastId();
    assertThat(send(new Committed(1, 4, T0 + 20, new Committed.Tick(List.of("n1")))).id()).isEqualTo(after);
    assertThat(history.lastId()).isEqualTo(after);
  }

  @Test
  void aRefusedEntryWritesNothingAndChangesNothing() throws Exception {
    send(new Committed(1, 1, T0, hb(full("n1", 1, "idle"))));
    // a gap: n1 now needs a full (its generation goes to 0, written)
    ApplyReply gap = send(new Committed(1, 2, T0 + 1000, hb(patch("n1", 5, "thawing"))));
    assertThat(gap.status()).isEqualTo(409);
    assertThat(history.loadGenerations()).isEqualTo(Map.of("n1", 0L));
    RaftPosition at = history.raftPosition().orElseThrow();
    long lastId = history.lastId();
    byte[] before = document();

    ApplyReply refused = send(new Committed(1, 3, T0 + 2000, hb(patch("n1", 6, "frozen"))));
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.id()).isEqualTo(lastId);
    assertThat(history.lastId()).isEqualTo(lastId);
    assertThat(history.raftPosition()).contains(at);
    assertThat(history.loadGenerations()).isEqualTo(Map.of("n1", 0L));
    assertThat(Json.parse(document())).isEqualTo(Json.parse(before));
  }

  @Test
  void entriesSentTogetherAreAllAppliedAndAnsweredInLogOrder() throws Exception {
    // two appends in flight at most: the rest wait in the verticle, none is refused
    close();
    maxPendingDurable = 2;
    open();
    send(new Committed(1, 1, T0, hb(full("n1", 1, "idle"))));
    List<Future<ApplyReply>> replies = new ArrayList<>();
    List<Integer> order = new ArrayList<>();
    long gen = 2;
    for (int i = 0; i < 300; i++) {
      int k = i;
      Committed.Command cmd = i % 10 == 5 ? new Committed.Tick() : hb(patch("n1", gen++, i % 2 == 0 ? "a" : "b"));
      replies.add(sendAsync(new Committed(1, 2 + i, T0 + i, cmd)).onSuccess(r -> order.add(k)));
    }
    Future.all(replies).await(60, TimeUnit.SECONDS);
    assertThat(order).as("answered in log order").isSorted().hasSize(300);
    long previous = 0;
    for (int i = 0; i < 300; i++) {
      ApplyReply r = replies.get(i).result();
      assertThat(r.status()).as("entry %d: %s", i, r).isEqualTo(i % 10 == 5 ? 200 : 202);
      assertThat(r.id()).isGreaterThanOrEqualTo(previous);
      previous = r.id();
    }
    assertThat(history.raftPosition()).contains(new RaftPosition(1, 301));
    assertThat(history.loadGenerations()).isEqualTo(Map.of("n1", gen - 1));
  }

  @Test
  void aMemberDoesNotTakeLocalIngest() {
    assertThatThrownBy(() -> vertx.eventBus().request(Addresses.APPLY,
            intake.parse(full("n1", 1, "idle").toBuffer().getBytes()),
            new DeliveryOptions().setCodecName(LocalCodec.nameOf(HeartbeatMessage.Full.class)))
        .await(30, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(ReplyException.class, e -> assertThat(e.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS));
    assertThat(history.lastId()).isZero();
  }
}
