package io.svcgate.state.aggregates;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Who names and reads which path (aggregates.md §6), on its own. */
class DependencyGraphTest {

  @Test
  void aPathStaysNamedWhileSomeNodeNamesIt() {
    DependencyGraph g = new DependencyGraph();
    Set<String> dirty = new HashSet<>();
    g.setNodePaths("n1", Set.of("web", "db"), dirty);
    g.setNodePaths("n2", Set.of("web"), dirty);
    assertThat(dirty).containsExactlyInAnyOrder("web", "db");
    g.setNodePath("n1", "web", false);
    assertThat(g.isNamed("web")).isTrue();
    g.setNodePaths("n2", Set.of(), dirty);
    assertThat(g.isNamed("web")).isFalse();
    assertThat(g.namingNodes()).containsExactly("n1");
  }

  @Test
  void aSliceMakesItsScalerDirty() {
    DependencyGraph g = new DependencyGraph();
    g.setNodePaths("n1", Set.of("ns1/svc/sc", "ns1/svc/0.sc", "ns1/svc/1.sc"), new HashSet<>());
    assertThat(g.slicesOf(ObjectPath.parse("ns1/svc/sc").scalerKey()))
        .containsExactlyInAnyOrder("ns1/svc/0.sc", "ns1/svc/1.sc");
    assertThat(g.withScalers(List.of("ns1/svc/1.sc"))).containsExactly("ns1/svc/1.sc", "ns1/svc/sc");
  }

  @Test
  void theClosureHoldsEveryReaderTransitively() {
    DependencyGraph g = new DependencyGraph();
    g.setChildren("grp", List.of("web", "db"));
    g.setChildren("top", List.of("grp"));
    assertThat(g.closure(Set.of("web"))).containsExactly("grp", "top", "web");
    g.setChildren("grp", List.of("db"));
    assertThat(g.closure(Set.of("web"))).containsExactly("web");
    assertThat(g.childrenOf("top")).containsExactly("grp");
    g.clear();
    assertThat(g.childrenOf("top")).isEmpty();
  }
}
