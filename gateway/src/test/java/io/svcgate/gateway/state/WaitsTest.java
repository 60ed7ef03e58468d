package io.svcgate.gateway.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.svcgate.gateway.metrics.GatewayMetrics;
import io.svcgate.state.Json;
import io.svcgate.state.Path;
import io.svcgate.state.filter.Condition;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** {@link Waits} on its own: a hand-driven clock and queue, no Vert.x. */
class WaitsTest {

  /** Timers on a manual clock, deferred work in a queue the test drains. */
  static final class ManualScheduler implements Waits.Scheduler {
    long now;
    long nextId = 1;
    final TreeMap<Long, Object[]> timers = new TreeMap<>();
    final ArrayDeque<Runnable> later = new ArrayDeque<>();

    @Override
    public long setTimer(long delayMs, Runnable action) {
      long id = nextId++;
      timers.put(id, new Object[] {now + delayMs, action});
      return id;
    }

    @Override
    public void cancelTimer(long timer) {
      timers.remove(timer);
    }

    @Override
    public void runLater(Runnable action) {
      later.add(action);
    }

    void advance(long ms) {
      now += ms;
      for (Long id : List.copyOf(timers.keySet())) {
        Object[] t = timers.get(id);
        if (t != null && (long) t[0] <= now) {
          timers.remove(id);
          ((Runnable) t[1]).run();
        }
      }
    }

    /** Runs the deferred work; returns how many turns it took. */
    int drain() {
      int turns = 0;
      while (!later.isEmpty()) {
        later.poll().run();
        turns++;
      }
      return turns;
    }
  }

  /** A reply that records what it was given. */
  static final class Recorded implements Waits.Reply {
    WaitResult result;
    int status;
    String error;
    int calls;

    @Override
    public void answer(WaitResult r) {
      result = r;
      calls++;
    }

    @Override
    public void fail(int status, String message) {
      this.status = status;
      this.error = message;
      calls++;
    }
  }

  final ObjectNode doc = Json.NODES.objectNode();
  long lastId = 10;
  final ManualScheduler scheduler = new ManualScheduler();
  final GatewayMetrics metrics = new GatewayMetrics();

  Waits waits(int maxWaits, long maxCost) {
    return new Waits(maxWaits, maxCost, scheduler, new Waits.Source() {
      @Override
      public JsonNode document() {
        return doc;
      }

      @Override
      public long lastId() {
        return lastId;
      }
    }, metrics);
  }

  void set(String node, String key, String value) {
    ObjectNode nodes = child(child(doc, "monitor"), "nodes");
    child(nodes, node).put(key, value);
  }

  static ObjectNode child(ObjectNode parent, String key) {
    JsonNode c = parent.get(key);
    return c instanceof ObjectNode o ? o : parent.putObject(key);
  }

  static Set<Path> touched(String node, String key) {
    return Set.of(Path.of("monitor", "nodes", node, key));
  }

  @Test
  void aConditionThatHoldsIsAnsweredAtOnce() {
    set("n1", "frozen", "0");
    Waits w = waits(10, 100_000);
    Recorded r = new Recorded();
    w.start("a", Condition.parse("monitor.nodes.n1.frozen=0"), 5_000, r);
    assertThat(r.result.satisfied()).isTrue();
    assertThat(r.result.id()).isEqualTo(10);
    assertThat(w.pending()).isZero();
    assertThat(scheduler.timers).isEmpty();
    assertThat(metrics.waiters()).isZero();
  }

  @Test
  void noTimeChecksOnce() {
    Waits w = waits(10, 100_000);
    Recorded r = new Recorded();
    w.start("a", Condition.parse("monitor.nodes.n1.frozen=1"), 0, r);
    assertThat(r.result.satisfied()).isFalse();
    assertThat(w.pending()).isZero();
  }

  @Test
  void aChangeThatMakesItHoldAnswersAtTheChangesId() {
    set("n1", "frozen", "0");
    Waits w = waits(10, 100_000);
    Recorded r = new Recorded();
    w.start("a", Condition.parse("monitor.nodes.n1.frozen=1"), 5_000, r);
    assertThat(r.calls).isZero();
    assertThat(w.pending()).isEqualTo(1);
    assertThat(metrics.waiters()).isEqualTo(1);

    // a change elsewhere does not decide it
    set("n2", "frozen", "1");
    lastId = 11;
    w.changed(11, touched("n2", "frozen"));
    assertThat(r.calls).isZero();

    set("n1", "frozen", "1");
    lastId = 12;
    w.changed(12, touched("n1", "frozen"));
    assertThat(r.calls).isEqualTo(1);
    assertThat(r.result.satisfied()).isTrue();
    assertThat(r.result.id()).isEqualTo(12);
    assertThat(w.pending()).isZero();
    assertThat(metrics.waiters()).isZero();
    assertThat(scheduler.timers).as("its timer is cancelled").isEmpty();
  }

  @Test
  void timeUpAnswersNotSatisfiedAtTheCurrentId() {
    Waits w = waits(10, 100_000);
    Recorded r = new Recorded();
    w.start("a", Condition.parse("monitor.nodes.n1.frozen=1"), 5_000, r);
    lastId = 20;
    scheduler.advance(4_999);
    assertThat(r.calls).isZero();
    scheduler.advance(1);
    assertThat(r.calls).isEqualTo(1);
    assertThat(r.result.satisfied()).isFalse();
    assertThat(r.result.id()).isEqualTo(20);
    assertThat(w.pending()).isZero();

    // a later change no longer reaches it
    set("n1", "frozen", "1");
    w.changed(21, touched("n1", "frozen"));
    assertThat(r.calls).isEqualTo(1);
  }

  @Test
  void cancelDropsTheWaitWithoutAnAnswer() {
    Waits w = waits(10, 100_000);
    Recorded r = new Recorded();
    w.start("a", Condition.parse("monitor.nodes.n1.frozen=1"), 5_000, r);
    w.cancel("a");
    w.cancel("unknown");
    assertThat(w.pending()).isZero();
    assertThat(scheduler.timers).isEmpty();
    assertThat(metrics.waiters()).isZero();
    set("n1", "frozen", "1");
    w.changed(11, touched("n1", "frozen"));
    scheduler.advance(10_000);
    assertThat(r.calls).isZero();
  }

  @Test
  void pastTheBoundAWaitIsRefusedWith503() {
    Waits w = waits(2, 100_000);
    List<Recorded> rs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Recorded r = new Recorded();
      rs.add(r);
      w.start("w" + i, Condition.parse("monitor.nodes.n1.frozen=1"), 5_000, r);
    }
    assertThat(rs.get(0).calls).isZero();
    assertThat(rs.get(1).calls).isZero();
    assertThat(rs.get(2).status).isEqualTo(503);
    assertThat(w.pending()).isEqualTo(2);
    // one answered makes room again
    w.cancel("w0");
    Recorded again = new Recorded();
    w.start("w3", Condition.parse("monitor.nodes.n1.frozen=1"), 5_000, again);
    assertThat(again.calls).isZero();
    assertThat(w.pending()).isEqualTo(2);
  }

  @Test
  void reEvaluationIsSpreadOverTurnsByItsBudget() {
    Waits w = waits(1000, 50);
    List<Recorded> rs = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      Recorded r = new Recorded();
      rs.add(r);
      w.start("w" + i, Condition.parse("monitor.nodes.n1.frozen=1"), 60_000, r);
    }
    set("n1", "frozen", "1");
    w.changed(11, touched("n1", "frozen"));
    long answeredFirst = rs.stream().filter(r -> r.calls == 1).count();
    assertThat(answeredFirst).as("answered in the change's own turn").isPositive().isLessThan(200);
    // the first ones first: answers come in the order the waits were filed
    assertThat(rs.get(0).calls).isEqualTo(1);
    assertThat(rs.get(199).calls).isZero();
    int turns = scheduler.drain();
    assertThat(turns).isPositive();
    assertThat(rs).allSatisfy(r -> {
      assertThat(r.calls).isEqualTo(1);
      assertThat(r.result.satisfied()).isTrue();
      assertThat(r.result.id()).isEqualTo(11);
    });
    assertThat(w.pending()).isZero();
  }

  @Test
  void aConditionThatOutgrowsItsBudgetIsAnswered400() {
    Waits w = waits(10, 40);
    Recorded r = new Recorded();
    w.start("a", Condition.parse("monitor.nodes.*.frozen=1"), 60_000, r);
    assertThat(r.calls).isZero();
    for (int i = 0; i < 100; i++) {
      set("n" + i, "frozen", "0");
    }
    w.changed(11, touched("n5", "frozen"));
    assertThat(r.calls).isEqualTo(1);
    assertThat(r.status).isEqualTo(400);
    assertThat(r.error).contains("can no longer be evaluated");
    assertThat(w.pending()).isZero();
    assertThat(metrics.waiters()).isZero();
  }

  @Test
  void closeAllAnswersEveryWaitNotSatisfied() {
    Waits w = waits(10, 100_000);
    Recorded a = new Recorded();
    Recorded b = new Recorded();
    w.start("a", Condition.parse("monitor.nodes.n1.frozen=1"), 5_000, a);
    w.start(null, Condition.parse("monitor.nodes.n2.frozen=1"), 5_000, b);
    lastId = 30;
    w.closeAll();
    assertThat(List.of(a, b)).allSatisfy(r -> {
      assertThat(r.calls).isEqualTo(1);
      assertThat(r.result.satisfied()).isFalse();
      assertThat(r.result.id()).isEqualTo(30);
    });
    assertThat(scheduler.timers).isEmpty();
    assertThat(metrics.waiters()).isZero();
  }
}
