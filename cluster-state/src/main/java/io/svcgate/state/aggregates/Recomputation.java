package io.svcgate.state.aggregates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.svcgate.state.Json;
import io.svcgate.state.Path;
import io.svcgate.state.Stanza;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * One recomputation over one view of the document (aggregates.md §3, §6): given the paths
 * whose inputs changed, it recomputes them, their scalers and every path reading one of
 * them, children before parents (strongly connected components of the
 * {@link DependencyGraph}, a cycle of slaves by passes), skipping a parent none of whose
 * children changed. It answers the stanzas from the document's aggregates to the new
 * ones, per key ({@link #stanzas}), or every aggregate of the view ({@link #all}).
 * Reads the document through the {@link ClusterView} and the kept {@link PathInputs};
 * writes nothing but the children lists of the graph and the inputs it had to read.
 */
final class Recomputation implements AggregateRules.Context {

  static final Comparator<JsonNode> NUMERIC_EQUALITY = (a, b) -> {
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue());
    }
    return a.equals(b) ? 0 : 1;
  };

  private final ClusterView view;
  private final ObjectNode previous;
  private final DependencyGraph graph;
  private final Map<String, PathInputs> inputs;
  /** Aggregates computed in this round; a null value means no aggregate. */
  private final Map<String, JsonNode> fresh = new HashMap<>();
  private final List<Stanza> stanzas = new ArrayList<>();

  /**
   * @param previous the document's {@code monitor.services}, or null when it has none
   *                 (then {@link #all} is the answer)
   * @param inputs   the kept inputs by path, for this view; filled as paths are read
   */
  Recomputation(ClusterView view, ObjectNode previous, DependencyGraph graph, Map<String, PathInputs> inputs) {
    this.view = view;
    this.previous = previous;
    this.graph = graph;
    this.inputs = inputs;
  }

  /** The stanzas of this round, in evaluation order. */
  List<Stanza> stanzas() {
    return stanzas;
  }

  void evaluate(Set<String> dirty) {
    // the scalers whose slices changed are dirty too
    Set<String> direct = graph.withScalers(dirty);
    for (String p : direct) {
      PathInputs ps = state(p);
      graph.setChildren(p, ps.aggregated() ? AggregateRules.children(ps.path, ps.first()) : List.of());
    }
    // every object reading a dirty one may change: take the closure over parents
    Set<String> closure = graph.closure(direct);
    Set<String> changed = new HashSet<>();
    for (List<String> component : DependencyOrder.components(closure, p -> graph.childrenOf(p))) {
      if (!needed(component, direct, changed)) {
        continue;
      }
      if (component.size() == 1 && !graph.childrenOf(component.get(0)).contains(component.get(0))) {
        String p = component.get(0);
        fresh.put(p, compute(p));
      } else {
        cycle(component);
      }
      for (String p : component) {
        if (diff(p, fresh.get(p))) {
          changed.add(p);
        }
      }
    }
  }

  private boolean needed(List<String> component, Set<String> direct, Set<String> changed) {
    for (String p : component) {
      if (direct.contains(p)) {
        return true;
      }
      for (String c : graph.childrenOf(p)) {
        if (changed.contains(c)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * A cycle of slaves (aggregates.md §6.3 [U]): starting from no aggregate for its
   * members, passes in which each member reads the others' values of the previous
   * pass, until nothing changes or {@link #ServiceAggregator.MAX_CYCLE_PASSES}. The result depends only
   * on the inputs, never on earlier aggregates.
   */
  private void cycle(List<String> component) {
    List<String> members = new ArrayList<>(new TreeSet<>(component));
    for (String m : members) {
      fresh.put(m, null);
    }
    int passes = Math.min(members.size() + 1, ServiceAggregator.MAX_CYCLE_PASSES);
    for (int i = 0; i < passes; i++) {
      Map<String, JsonNode> next = new LinkedHashMap<>();
      for (String m : members) {
        next.put(m, compute(m));
      }
      boolean stable = true;
      for (String m : members) {
        if (!Objects.equals(next.get(m), fresh.get(m))) {
          stable = false;
        }
        fresh.put(m, next.get(m));
      }
      if (stable) {
        break;
      }
    }
  }

  private JsonNode compute(String path) {
    PathInputs ps = state(path);
    if (!ps.aggregated()) {
      return null;
    }
    return AggregateRules.aggregate(ps.path, ps, this);
  }

  /** Records the stanzas from the document's aggregate to the new one; true when they differ. */
  private boolean diff(String path, JsonNode now) {
    JsonNode before = previous == null ? null : previous.get(path);
    if (before == null && now == null) {
      return false;
    }
    if (before == null) {
      stanzas.add(Stanza.set(at(path), now));
      return true;
    }
    if (now == null) {
      stanzas.add(Stanza.delete(at(path)));
      return true;
    }
    if (!before.isObject()) {
      stanzas.add(Stanza.set(at(path), now));
      return true;
    }
    boolean differ = false;
    for (Iterator<String> it = before.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!now.has(k)) {
        stanzas.add(Stanza.delete(at(path).child(k)));
        differ = true;
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = now.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode b = before.get(e.getKey());
      if (b == null || !b.equals(NUMERIC_EQUALITY, e.getValue())) {
        stanzas.add(Stanza.set(at(path).child(e.getKey()), e.getValue()));
        differ = true;
      }
    }
    return differ;
  }

  /** Where a path's aggregate lives in the document (made only for a stanza: most rounds change nothing). */
  private static Path at(String path) {
    return ServiceAggregator.SERVICES.child(path);
  }

  /** Every aggregate of this round's view, in the order of first config entry. */
  ObjectNode all() {
    ObjectNode out = Json.NODES.objectNode();
    for (String n : view.counting()) {
      ObjectNode config = ClusterView.section(view.node(n), "config");
      if (config == null) {
        continue;
      }
      for (Iterator<String> it = config.fieldNames(); it.hasNext(); ) {
        String p = it.next();
        if (!out.has(p)) {
          JsonNode a = fresh.containsKey(p) ? fresh.get(p) : compute(p);
          if (a != null) {
            out.set(p, a);
          }
        }
      }
    }
    return out;
  }

  private PathInputs state(String path) {
    PathInputs ps = inputs.get(path);
    if (ps == null) {
      ps = new PathInputs(path, view);
      inputs.put(path, ps);
    }
    return ps;
  }

  @Override
  public JsonNode aggregateOf(String path) {
    if (fresh.containsKey(path)) {
      return fresh.get(path);
    }
    return previous == null ? null : previous.get(path);
  }

  @Override
  public int slicesUp(ObjectPath scaler) {
    int up = 0;
    for (String s : graph.slicesOf(scaler.scalerKey())) {
      PathInputs ps = state(s);
      if (!ps.aggregated()) {
        continue;
      }
      up += ps.tally().sliceUp();
    }
    return up;
  }
}
