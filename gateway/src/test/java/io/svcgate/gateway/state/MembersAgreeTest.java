package io.svcgate.gateway.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.gateway.Addresses;
import io.svcgate.gateway.bus.LocalCodec;
import io.svcgate.gateway.cluster.Committed;
import io.svcgate.gateway.history.History;
import io.svcgate.gateway.history.HistoryOptions;
import io.svcgate.gateway.history.RaftPosition;
import io.svcgate.gateway.ingest.HeartbeatIntake;
import io.svcgate.gateway.metrics.GatewayMetrics;
import io.svcgate.state.ClusterState;
import io.svcgate.state.Event;
import io.svcgate.state.Json;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three members fed the same committed log, one restarted half-way (Raft then
 * replays only the entries after its recorded position), one started late from
 * another's exported history: they end with the same history, byte for byte, the
 * same document, generations, epoch and Raft position.
 */
@Timeout(180)
class MembersAgreeTest {

  static final long T0 = 1_765_000_000_000L;

  @TempDir
  Path dir;

  /** One member: its own Vert.x, history and clustered state verticle. */
  static final class Member implements AutoCloseable {
    final Path data;
    final Vertx vertx = Vertx.vertx();
    History history;
    String deployment;

    Member(Path data) throws Exception {
      this.data = data;
      CommittedApplyTest.registerCodecs(vertx);
      history = History.open(new HistoryOptions().setDataDir(data).setDurable(false).setRetentionInterval(Duration.ZERO));
      deploy();
    }

    void deploy() throws Exception {
      ClusterState.Builder b = CommittedApplyTest.builder().epoch(history.epoch()).started(0);
      ClusterState cs = history.loadSnapshot().map(s -> b.restore(s.blob())).orElseGet(b::build);
      while (cs.lastId() < history.lastId()) {
        history.readAfter(cs.lastId(), 1000).forEach(cs::replay);
      }
      cs.recoverGenerations(history.loadGenerations());
      // a state snapshot every 25 events: restarts replay events onto a snapshot
      StateVerticle.StateOptions o = new StateVerticle.StateOptions("svcgate", Duration.ofSeconds(15),
          Duration.ofSeconds(10), 100, 1000, 25, Duration.ZERO, false, 100_000, true);
      deployment = vertx.deployVerticle(new StateVerticle(o, cs,
          (epoch, started) -> CommittedApplyTest.builder().epoch(epoch).started(started).build(), history,
          new GatewayMetrics())).await(30, TimeUnit.SECONDS);
    }

    void undeploy() throws Exception {
      vertx.undeploy(deployment).await(30, TimeUnit.SECONDS);
    }

    /** Applies the entries after this member's recorded position, as Raft replays them. */
    void apply(List<Committed> log, int to) throws Exception {
      long after = history.raftPosition().map(RaftPosition::index).orElse(0L);
      for (Committed c : log.subList(0, to)) {
        if (c.index() > after) {
          ApplyReply r = vertx.eventBus().<ApplyReply>request(Addresses.APPLY_COMMITTED, c,
              new DeliveryOptions().setCodecName(LocalCodec.nameOf(Committed.class))).await(30, TimeUnit.SECONDS)
              .body();
          assertThat(r.status()).as("entry %d: %s", c.index(), r).isNotEqualTo(503);
        }
      }
    }

    void restart() throws Exception {
      undeploy();
      history.close();
      history = History.open(new HistoryOptions().setDataDir(data).setDurable(false).setRetentionInterval(Duration.ZERO));
      deploy();
    }

    void reload(Path file) throws Exception {
      undeploy();
      history.restoreCheckpoint(file).get(60, TimeUnit.SECONDS);
      deploy();
    }

    List<String> events() {
      List<String> out = new ArrayList<>();
      for (Event e : history.readAfter(0, 100_000)) {
        out.add(new String(e.json(), StandardCharsets.UTF_8));
      }
      return out;
    }

    Object document() throws Exception {
      byte[] json = vertx.eventBus().<StatusReply>request(Addresses.STATUS, "").await(30, TimeUnit.SECONDS).body().json();
      return Json.parse(json);
    }

    @Override
    public void close() throws Exception {
      undeploy();
      history.close();
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  /** A log of fulls, patches (some out of sequence), ticks, an ask-full and a forget. */
  static List<Committed> log(HeartbeatIntake intake) {
    List<Committed> log = new ArrayList<>();
    long term = 1;
    long t = T0;
    long[] gen = {0, 0, 0};
    for (int i = 1; i <= 90; i++) {
      if (i == 40) {
        term = 2; // a new leader
      }
      t += 700;
      int node = i % 3;
      String name = "n" + node;
      Committed.Command cmd;
      if (i % 17 == 0) {
        cmd = new Committed.Tick();
      } else if (i == 50) {
        cmd = new Committed.AskFull("n1");
      } else if (i == 70) {
        cmd = new Committed.Forget("n2");
      } else if (gen[node] == 0 || i % 23 == 0) {
        gen[node]++;
        cmd = hb(intake, new JsonObject().put("nodename", name).put("kind", "full")
            .put("gen", new JsonObject().put(name, gen[node]))
            .put("data", new JsonObject().put("frozen", 0).put("step", i)));
      } else {
        gen[node] += i % 29 == 0 ? 2 : 1; // now and then a gap
        JsonArray stanza = new JsonArray().add(new JsonArray().add("step")).add(i);
        cmd = hb(intake, new JsonObject().put("nodename", name).put("kind", "patch")
            .put("gen", new JsonObject().put(name, gen[node]))
            .put("deltas", new JsonObject().put(Long.toString(gen[node]), new JsonArray().add(stanza))));
      }
      if (i == 34 || i == 68) {
        t += 20_000; // a silence longer than hb.timeout before this tick: the nodes go stale
      }
      log.add(new Committed(term, 100 + i, t, cmd));
    }
    return log;
  }

  static Committed.Heartbeat hb(HeartbeatIntake intake, JsonObject message) {
    return new Committed.Heartbeat(intake.parse(message.toBuffer().getBytes()));
  }

  @Test
  void restartedAndSnapshotLoadedMembersEndWithTheSameHistory() throws Exception {
    Vertx v = Vertx.vertx();
    List<Committed> log = log(new HeartbeatIntake(v, new GatewayMetrics()));
    v.close().await(30, TimeUnit.SECONDS);
    try (Member a = new Member(dir.resolve("a")); Member b = new Member(dir.resolve("b"));
         Member c = new Member(dir.resolve("c"))) {
      a.apply(log, 30);
      b.apply(log, 30);
      b.restart();
      a.apply(log, 60);
      b.apply(log, 60);
      Path file = dir.resolve("snapshot");
      RaftPosition exported = a.history.exportCheckpoint(file).get(60, TimeUnit.SECONDS);
      c.reload(file);
      assertThat(c.history.raftPosition()).contains(exported);
      for (Member m : List.of(a, b, c)) {
        m.apply(log, 90);
      }
      assertThat(a.events()).hasSizeGreaterThan(40);
      assertThat(a.events()).anySatisfy(e -> assertThat(e).contains("hb_stale"));
      assertThat(a.events()).anySatisfy(e -> assertThat(e).contains("forget_peer"));
      for (Member m : List.of(b, c)) {
        assertThat(m.history.epoch()).isEqualTo(a.history.epoch());
        assertThat(m.events()).isEqualTo(a.events());
        assertThat(m.document()).isEqualTo(a.document());
        assertThat(m.history.loadGenerations()).isEqualTo(a.history.loadGenerations());
        assertThat(m.history.raftPosition()).isEqualTo(a.history.raftPosition());
      }
    }
  }
}
