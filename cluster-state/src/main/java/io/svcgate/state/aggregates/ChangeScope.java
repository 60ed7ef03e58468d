package io.svcgate.state.aggregates;

import io.svcgate.state.Path;
import java.util.Set;

/**
 * What a change at one absolute document path can affect among the aggregates
 * (aggregates.md §2, §3): nothing, the {@code monitor.frozen} of the cluster, one object's
 * inputs on one node, everything a node names, or everything. Pure functions of the path
 * (and, for {@code frozen}, of which nodes count); the aggregator uses them to pick the
 * least it must read again.
 */
final class ChangeScope {

  private ChangeScope() {
  }

  /**
   * What a change at one absolute path can affect: {@link #ALL} (the document, {@code monitor}
   * or {@code monitor.nodes} itself), {@link #NODE} (a node's data, its {@code services} or a
   * whole {@code config} / {@code status} section), {@link #NODE_PATH} (one object's config
   * entry or status entry, or something inside one: {@code p.get(2)} is the node,
   * {@code p.get(5)} the object path), {@link #NONE} (anything else).
   */
  enum Scope { ALL, NODE, NODE_PATH, NONE }

  /** What a change at an absolute document path can affect. */
  static Scope classify(Path p) {
    if (p.size() <= 2) {
      if (p.size() == 0) {
        return Scope.ALL;
      }
      if (!"monitor".equals(p.get(0))) {
        return Scope.NONE;
      }
      return p.size() == 1 || "nodes".equals(p.get(1)) ? Scope.ALL : Scope.NONE;
    }
    if (!"monitor".equals(p.get(0)) || !"nodes".equals(p.get(1)) || !(p.get(2) instanceof String)) {
      return Scope.NONE;
    }
    if (p.size() == 3) {
      return Scope.NODE;
    }
    if (!"services".equals(p.get(3))) {
      return Scope.NONE;
    }
    if (p.size() == 4) {
      return Scope.NODE;
    }
    if (!"config".equals(p.get(4)) && !"status".equals(p.get(4))) {
      return Scope.NONE;
    }
    if (p.size() == 5) {
      return Scope.NODE;
    }
    if (!(p.get(5) instanceof String)) {
      return Scope.NONE;
    }
    // Below an instance's resources (their status, their logs): the rules never read them.
    if (p.size() > 6 && "status".equals(p.get(4)) && "resources".equals(p.get(6))) {
      return Scope.NONE;
    }
    return Scope.NODE_PATH;
  }

  /**
   * True when a change at this path under {@code monitor.nodes.<n>.services.<config|status>.<path>}
   * can change an input of the aggregation rules (aggregates.md §2.2, §2.3): the entry
   * itself, or an instance status key that the rules read. The rest (an instance's
   * {@code resources}, {@code monitor.status_updated}, {@code global_expect}, {@code children},
   * a config entry's content…) cannot: such a change applies below an entry that exists
   * and stays.
   */
  static boolean isInput(Path p) {
    if (p.size() == 6) {
      return true;
    }
    if ("config".equals(p.get(4))) {
      return false;
    }
    if (!(p.get(6) instanceof String key)) {
      return true;
    }
    if (!INPUT_KEYS.contains(key)) {
      return false;
    }
    if (p.size() > 7 && "monitor".equals(key)) {
      return !(p.get(7) instanceof String m) || MONITOR_INPUT_KEYS.contains(m);
    }
    return true;
  }

  /** Keys of an instance status that the rules read (aggregates.md §2.3 and AggregateRules). */
  static final Set<String> INPUT_KEYS = Set.of("updated", "topology", "avail", "overall", "frozen", "provisioned",
      "monitor", "flex_min", "flex_max", "placement", "scale", "scaler_slaves", "slaves", "scaler_slave");
  /** Keys of an instance's {@code monitor} that the rules read: the placement role, and the status for slices. */
  static final Set<String> MONITOR_INPUT_KEYS = Set.of("placement", "status");

  /** True when a change at this path can change {@code monitor.frozen}: a counting node's {@code frozen}, or it. */
  static boolean touchesFrozen(Path p, ClusterView view) {
    if (p.size() >= 2 && "monitor".equals(p.get(0)) && "frozen".equals(p.get(1))) {
      return true;
    }
    return p.size() >= 4 && "monitor".equals(p.get(0)) && "nodes".equals(p.get(1)) && "frozen".equals(p.get(3))
        && p.get(2) instanceof String n && view.counts(n);
  }
}
