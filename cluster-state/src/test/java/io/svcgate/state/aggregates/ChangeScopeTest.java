package io.svcgate.state.aggregates;

import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.state.Path;
import io.svcgate.state.aggregates.ChangeScope.Scope;
import org.junit.jupiter.api.Test;

/** What a change at one path can affect (aggregates.md §2, §3). */
class ChangeScopeTest {

  @Test
  void theDocumentMonitorAndTheNodesAffectEverything() {
    assertThat(ChangeScope.classify(Path.of())).isEqualTo(Scope.ALL);
    assertThat(ChangeScope.classify(Path.of("monitor"))).isEqualTo(Scope.ALL);
    assertThat(ChangeScope.classify(Path.of("monitor", "nodes"))).isEqualTo(Scope.ALL);
  }

  @Test
  void aNodeOrAWholeSectionAffectsWhatTheNodeNames() {
    assertThat(ChangeScope.classify(Path.of("monitor", "nodes", "n1"))).isEqualTo(Scope.NODE);
    assertThat(ChangeScope.classify(Path.of("monitor", "nodes", "n1", "services"))).isEqualTo(Scope.NODE);
    assertThat(ChangeScope.classify(Path.of("monitor", "nodes", "n1", "services", "status"))).isEqualTo(Scope.NODE);
  }

  @Test
  void anEntryOrInsideItAffectsOnePath() {
    assertThat(ChangeScope.classify(Path.of("monitor", "nodes", "n1", "services", "status", "web")))
        .isEqualTo(Scope.NODE_PATH);
    assertThat(ChangeScope.classify(Path.of("monitor", "nodes", "n1", "services", "config", "web", "x")))
        .isEqualTo(Scope.NODE_PATH);
  }

  @Test
  void theRestAffectsNoAggregate() {
    assertThat(ChangeScope.classify(Path.of("monitor", "services", "web"))).isEqualTo(Scope.NONE);
    assertThat(ChangeScope.classify(Path.of("cluster", "name"))).isEqualTo(Scope.NONE);
    assertThat(ChangeScope.classify(Path.of("monitor", "nodes", "n1", "stats", "load"))).isEqualTo(Scope.NONE);
    assertThat(ChangeScope.classify(Path.of("monitor", "nodes", "n1", "services", "status", "web", "resources", "x")))
        .isEqualTo(Scope.NONE);
  }

  @Test
  void onlyTheKeysTheRulesReadAreInputs() {
    Path web = Path.of("monitor", "nodes", "n1", "services", "status", "web");
    assertThat(ChangeScope.isInput(web)).isTrue();
    assertThat(ChangeScope.isInput(web.child("avail"))).isTrue();
    assertThat(ChangeScope.isInput(web.child("monitor").child("placement"))).isTrue();
    assertThat(ChangeScope.isInput(web.child("monitor").child("status_updated"))).isFalse();
    assertThat(ChangeScope.isInput(web.child("global_expect"))).isFalse();
    assertThat(ChangeScope.isInput(Path.of("monitor", "nodes", "n1", "services", "config", "web", "x"))).isFalse();
  }

  @Test
  void everyInputKeyIsOneTheRulesRead() {
    assertThat(ChangeScope.INPUT_KEYS).containsExactlyInAnyOrderElementsOf(AggregateRules.INSTANCE_INPUTS);
    assertThat(ChangeScope.MONITOR_INPUT_KEYS).containsExactlyInAnyOrderElementsOf(AggregateRules.MONITOR_INPUTS);
  }
}
