package io.svcgate.state.filter;

import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.state.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The waits affected by several changed paths at once (the paths of one change, which
 * mostly share their first steps) are those each path affects alone, in the order of the
 * paths, each once.
 */
class WaitIndexPathsTest {

  private static final String[] KEYS = {"a", "b", "c"};

  @Test
  void pathsSharingStepsPastWhereTheLastOneStoppedStillFindTheirWaits() {
    WaitIndex<String> idx = new WaitIndex<>(100);
    idx.register(Condition.parse("m.n.x.s.p.avail=up"), "avail");
    idx.register(Condition.parse("m.n.x.s.q.overall=up"), "overall");
    idx.register(Condition.parse("m.n.x=1"), "node");
    List<Path> changed = List.of(
        Path.of("m", "n", "x", "updated"),        // stops below x: no "updated" in the trie
        Path.of("m", "n", "x", "s", "p", "avail"), // shares m.n.x, goes further
        Path.of("m", "n", "x", "s", "p", "frozen"),
        Path.of("m", "n", "x", "s", "q", "overall"),
        Path.of("m", "n", "x", "s"));              // above overall: finds it below
    assertThat(idx.affected(changed)).containsExactly("node", "avail", "overall");
  }

  @Property(tries = 300)
  void severalPathsAffectTheOrderedUnionOfEachAlone(@ForAll long seed) {
    Random rnd = new Random(seed);
    WaitIndex<Integer> idx = new WaitIndex<>(1000);
    for (int i = 0; i < 30; i++) {
      StringBuilder p = new StringBuilder(KEYS[rnd.nextInt(KEYS.length)]);
      int steps = rnd.nextInt(5);
      for (int s = 0; s < steps; s++) {
        p.append(rnd.nextInt(6) == 0 ? "[" + rnd.nextInt(2) + "]" : "." + KEYS[rnd.nextInt(KEYS.length)]);
      }
      idx.register(Condition.parse(p + "=1"), i);
    }
    List<Path> changed = new ArrayList<>();
    for (int i = rnd.nextInt(8); i >= 0; i--) {
      List<Object> steps = new ArrayList<>();
      for (int s = rnd.nextInt(6); s > 0; s--) {
        steps.add(rnd.nextInt(6) == 0 ? (Object) rnd.nextInt(2) : KEYS[rnd.nextInt(KEYS.length)]);
      }
      changed.add(Path.of(steps));
    }
    Set<Integer> union = new LinkedHashSet<>();
    for (Path p : changed) {
      union.addAll(idx.affected(p));
    }
    assertThat(new ArrayList<>(idx.affected(changed))).isEqualTo(new ArrayList<>(union));
  }
}
