package io.svcgate.state.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.svcgate.state.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class WaitIndexTest {

  private static Condition c(String text) {
    return Condition.parse(text);
  }

  private static Path p(Object... steps) {
    return Path.of(steps);
  }

  @Test
  void onlyWaitsWhosePathsAChangeTouchesAreAffected() {
    WaitIndex<String> idx = new WaitIndex<>(100);
    idx.register(c("monitor.nodes.n1.frozen>0"), "n1-frozen");
    idx.register(c("monitor.nodes.n2.frozen>0"), "n2-frozen");
    idx.register(c("monitor.nodes.*.frozen>0"), "any-frozen");
    idx.register(c("!monitor.nodes.n3"), "n3-gone");
    idx.register(c("cluster.nodes[-1]=n3"), "last-node");

    assertThat(idx.affected(p("monitor", "nodes", "n1", "frozen")))
        .containsExactlyInAnyOrder("n1-frozen", "any-frozen");
    assertThat(idx.affected(p("monitor", "nodes", "n2", "frozen")))
        .containsExactlyInAnyOrder("n2-frozen", "any-frozen");
    assertThat(idx.affected(p("monitor", "nodes", "n2", "stats", "score"))).isEmpty();
    assertThat(idx.affected(p("monitor", "nodes", "n3")))
        .containsExactlyInAnyOrder("n3-gone", "any-frozen");
    assertThat(idx.affected(p("monitor", "nodes", "n1")))
        .as("a change above a wait's path affects it")
        .containsExactlyInAnyOrder("n1-frozen", "any-frozen");
    assertThat(idx.affected(p("monitor", "nodes", "n1", "frozen", "x")))
        .as("a change below a wait's path affects it")
        .containsExactlyInAnyOrder("n1-frozen", "any-frozen");
    assertThat(idx.affected(p("cluster", "nodes", 3))).containsExactly("last-node");
    assertThat(idx.affected(p("cluster", "name"))).isEmpty();
    assertThat(idx.affected(p("gateway"))).isEmpty();
    assertThat(idx.affected(Path.ROOT)).hasSize(5);
    assertThat(idx.affected(List.of(p("monitor", "nodes", "n1", "frozen"), p("monitor", "nodes", "n2", "frozen"))))
        .containsExactlyInAnyOrder("n1-frozen", "n2-frozen", "any-frozen");
  }

  @Test
  void recursiveDescentWaitsAreAffectedByAnyChangeBelowTheirPrefix() {
    WaitIndex<String> idx = new WaitIndex<>(100);
    idx.register(c("monitor.nodes.n1..status=idle"), "n1-status");
    idx.register(c("monitor.nodes.n1.frozen"), "n1-frozen");
    // n1.frozen could become {"status": "idle"}: a descent below n1 may then match
    assertThat(idx.affected(p("monitor", "nodes", "n1", "frozen"))).containsExactlyInAnyOrder("n1-status", "n1-frozen");
    assertThat(idx.affected(p("monitor", "nodes", "n1", "monitor", "status"))).containsExactly("n1-status");
    assertThat(idx.affected(p("monitor", "nodes", "n2", "monitor", "status"))).isEmpty();
  }

  @Test
  void aListDeleteBeforeAWatchedElementAffectsIt() {
    WaitIndex<String> idx = new WaitIndex<>(10);
    idx.register(c("a.l[3].x=1"), "w");
    assertThat(idx.affected(p("a", "l", 1))).containsExactly("w");
    assertThat(idx.affected(p("a", "m"))).isEmpty();
  }

  @Test
  void costDoesNotDependOnUnrelatedWaits() {
    WaitIndex<Integer> idx = new WaitIndex<>(100_000);
    for (int i = 0; i < 10_000; i++) {
      idx.register(c("monitor.nodes.node" + i + ".frozen>0"), i);
    }
    idx.register(c("monitor.nodes.n1.monitor.status=idle"), -1);
    long before = idx.probes;
    assertThat(idx.affected(p("monitor", "nodes", "n1", "monitor", "status"))).containsExactly(-1);
    assertThat(idx.probes - before).isEqualTo(1);
    before = idx.probes;
    assertThat(idx.affected(p("monitor", "nodes", "node7", "frozen"))).containsExactly(7);
    assertThat(idx.probes - before).isEqualTo(1);
  }

  @Test
  void cancelRemovesTheWaitAndIsIdempotent() {
    WaitIndex<String> idx = new WaitIndex<>(10);
    WaitIndex.Registration<String> a = idx.register(c("monitor.nodes.n1.frozen"), "a");
    WaitIndex.Registration<String> b = idx.register(c("monitor.nodes.n1.frozen"), "b");
    assertThat(idx.size()).isEqualTo(2);
    a.cancel();
    assertThat(a.isActive()).isFalse();
    assertThat(idx.size()).isEqualTo(1);
    assertThat(idx.affected(p("monitor", "nodes", "n1", "frozen"))).containsExactly("b");
    a.cancel();
    assertThat(idx.size()).isEqualTo(1);
    b.cancel();
    assertThat(idx.size()).isZero();
    assertThat(idx.affected(Path.ROOT)).isEmpty();
    assertThat(idx.waiters()).isEmpty();
  }

  @Test
  void theBoundHolds() {
    WaitIndex<Integer> idx = new WaitIndex<>(3);
    WaitIndex.Registration<Integer> first = idx.register(c("a"), 1);
    idx.register(c("b"), 2);
    idx.register(c("c"), 3);
    assertThatThrownBy(() -> idx.register(c("d"), 4))
        .isInstanceOf(TooManyWaitsException.class)
        .hasMessageContaining("at most 3")
        .satisfies(e -> assertThat(((TooManyWaitsException) e).max()).isEqualTo(3));
    assertThat(idx.size()).isEqualTo(3);
    first.cancel();
    idx.register(c("d"), 4);
    assertThat(idx.waiters()).containsExactlyInAnyOrder(2, 3, 4);
    assertThatThrownBy(() -> new WaitIndex<>(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aWaitOnSeveralConditionsIsFiledUnderEachAndCountsOnce() {
    WaitIndex<String> idx = new WaitIndex<>(10);
    WaitIndex.Registration<String> r =
        idx.register(List.of(c("monitor.nodes.n1.frozen"), c("monitor.nodes.n2.frozen"), c("monitor.nodes.n1.frozen=0")), "w");
    assertThat(idx.size()).isEqualTo(1);
    assertThat(idx.affected(p("monitor", "nodes", "n2", "frozen"))).containsExactly("w");
    assertThat(idx.affected(List.of(p("monitor", "nodes", "n1", "frozen"), p("monitor", "nodes", "n2")))).containsExactly("w");
    assertThat(r.conditions()).hasSize(3);
    r.cancel();
    assertThat(idx.size()).isZero();
    assertThat(idx.affected(p("monitor", "nodes", "n2", "frozen"))).isEmpty();
    assertThatThrownBy(() -> idx.register(List.of(), "x")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void keyStopsBeforeTheFirstIndex() {
    assertThat(WaitIndex.key(PathExpression.parse("a.b[2].c"))).containsExactly("a", "b");
    assertThat(WaitIndex.key(PathExpression.parse("a.b.c"))).containsExactly("a", "b", "c");
    assertThat(WaitIndex.key(PathExpression.parse("*.b"))).isEmpty();
  }
}
