package io.svcgate.state.aggregates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.svcgate.state.DerivedState;
import io.svcgate.state.Path;
import io.svcgate.state.Stanza;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Keeps {@code monitor.services} and {@code monitor.frozen} of a cluster-state document
 * up to date, recomputing only what a change can affect (aggregates.md §3).
 *
 * <p>After each change applied to the document, the owner of the document calls
 * {@link #update} with the absolute paths that changed (the stanzas of the event it just
 * made) or {@link #updateNodes} with the nodes it touched, and the current set of stale
 * nodes. The aggregator answers the stanzas, with absolute paths under
 * {@code ["monitor","services",…]} and {@code ["monitor","frozen"]}, that bring the
 * document to the aggregates a from-scratch computation ({@link ServiceAggregates#computeAll})
 * gives. The caller applies them and emits them as the gateway's own patch event. An
 * empty answer means nothing changed.
 *
 * <p>As a {@link DerivedState} plugged into a {@link io.svcgate.state.ClusterState}
 * ({@code ClusterState.builder().derivedState(new ServiceAggregator())}), it is called
 * by the state after each change and its answers become the gateway's own patch events.
 *
 * <p>What is recomputed: the paths named by the touched nodes before and after the change,
 * the scalers of those paths that are slices, and every parent of a recomputed object
 * whose aggregate changed, children always before their parents. Stale transitions are
 * found by comparing {@code staleNodes} with the previous call's, and nodes added to or
 * removed from {@code cluster.nodes} by comparing the list: their paths are recomputed.
 * A reordering of {@code cluster.nodes}, a missing {@code monitor.services}, or the first
 * call, recomputes everything.
 *
 * <p>Stanzas are the difference per key: a new aggregate is set whole, a vanished one is
 * deleted, and a changed one gets one stanza per changed key. They come in evaluation
 * order (children first), then {@code monitor.frozen}.
 *
 * <p>Every answer must be applied before the next call: the aggregator remembers what
 * it has seen, not what the document holds.
 *
 * <p>Not thread-safe: owned by the single writer of the document, like the document. The
 * aggregator only reads the document; it keeps indexes of which node names which path
 * and which object reads which, bounded by the size of the document.
 *
 * <p>The pieces: {@link ChangeScope} (what a changed path can affect),
 * {@link DependencyGraph} (who names and reads which path), {@link PathInputs} and
 * {@link Tally} (what the rules read of a path, kept up to date instance by instance),
 * {@link Recomputation} (one pass over the dirty paths, children first, and the stanzas).
 * This class decides, per call, which of them to run: the fast path for changes inside
 * instances, or a recomputation of what the touched nodes name.
 */
public final class ServiceAggregator implements DerivedState {

  /** Where the aggregates live in the document. */
  public static final Path SERVICES = Path.of("monitor", "services");
  /** Where the cluster's node frozen aggregate lives in the document. */
  public static final Path FROZEN = Path.of("monitor", "frozen");
  /** Cap on the number of passes over a cycle of slaves (aggregates.md §6.3). */
  public static final int MAX_CYCLE_PASSES = 16;


  private List<String> clusterNodes;
  /** The inputs and result of the last {@link ClusterView#counting(List, Set)}, reused while they hold. */
  private List<String> countingFrom;
  private Set<String> countingStale = Set.of();
  private List<String> lastCounting;
  private Set<String> counting = Set.of();
  /** Who names and reads which path. */
  private final DependencyGraph graph = new DependencyGraph();

  /**
   * Path → what the rules read of it, as last read from the view of the last run
   * ({@link #lastView}); dropped at each run, updated entry by entry by {@link #quick}.
   */
  private final Map<String, PathInputs> pathInputs = new HashMap<>();

  // What the last full run saw, for the fast path of update (see quick).
  private JsonNode lastDocument;
  private JsonNode lastMonitorNodes;
  private ClusterView lastView;
  private Set<String> lastStale = Set.of();
  private JsonNode lastClusterNodes;
  private JsonNode[] lastClusterNodesItems;

  /**
   * Recomputes everything and answers the stanzas that bring the document up to date,
   * deleting aggregates of paths that no longer get one.
   *
   * @throws IllegalArgumentException when the document is not an object with a {@code monitor} object
   */
  public List<Stanza> resync(JsonNode document, Set<String> staleNodes) {
    return run(document, staleNodes, Set.of(), Map.of(), true);
  }

  /**
   * Answers the stanzas that bring the aggregates up to date after the document changed
   * at the given absolute paths (e.g. the stanzas of the event just made). Paths that
   * cannot affect an aggregate (a node's {@code stats}, …) cost nothing but the
   * {@code monitor.frozen} check.
   *
   * @param staleNodes the nodes whose data does not count now
   * @throws IllegalArgumentException when the document is not an object with a {@code monitor} object
   */
  public List<Stanza> update(JsonNode document, Set<String> staleNodes, Collection<Path> changed) {
    Objects.requireNonNull(changed, "changed");
    List<Stanza> quick = quick(document, staleNodes, changed);
    if (quick != null) {
      return quick;
    }
    Set<String> whole = new LinkedHashSet<>();
    Map<String, Set<String>> paths = new LinkedHashMap<>();
    boolean all = false;
    for (Path p : changed) {
      switch (ChangeScope.classify(p)) {
        case ALL -> all = true;
        case NODE -> whole.add((String) p.get(2));
        case NODE_PATH -> paths.computeIfAbsent((String) p.get(2), k -> new LinkedHashSet<>()).add((String) p.get(5));
        case NONE -> {
        }
      }
    }
    if (all) {
      whole.addAll(nodeNames(document));
      whole.addAll(graph.namingNodes());
    }
    return run(document, staleNodes, whole, paths, false);
  }

  /**
   * Answers the stanzas that bring the aggregates up to date after the data of the given
   * nodes changed in any way (a full, a forget, …): every path they name, before and
   * after the change, is recomputed.
   *
   * @throws IllegalArgumentException when the document is not an object with a {@code monitor} object
   */
  public List<Stanza> updateNodes(JsonNode document, Set<String> staleNodes, Collection<String> nodes) {
    Objects.requireNonNull(nodes, "nodes");
    return run(document, staleNodes, new LinkedHashSet<>(nodes), Map.of(), false);
  }

  /**
   * As the {@link DerivedState} of a {@link io.svcgate.state.ClusterState}:
   * {@link #resync} when the change says {@code everything} (the gateway starts),
   * else {@link #update(JsonNode, Set, Collection)} with the change's paths and
   * stale nodes.
   */
  @Override
  public List<Stanza> update(ObjectNode document, Change change) {
    return change.everything()
        ? resync(document, change.staleNodes())
        : update(document, change.staleNodes(), change.paths());
  }


  /**
   * The fast path of {@link #update(JsonNode, Set, Collection)}, for changes inside the
   * instance statuses and config entries of the nodes, and to the nodes' {@code frozen}:
   * the common case of a patch generation. It applies when the document, its
   * {@code cluster.nodes} and the stale nodes are those of the previous call, and no
   * changed path is at or above a node's {@code services.config} or {@code .status}
   * (the view of the previous call is then still valid, see {@link ClusterView}).
   *
   * <p>Only the paths whose inputs changed ({@link ChangeScope#isInput}) are recomputed, and
   * {@code monitor.frozen} only when a node's {@code frozen} changed: a generation that
   * touches nothing the rules read costs a walk over its paths.
   *
   * @return the answer, or null when the full way ({@link #run}) must be taken
   */
  private List<Stanza> quick(JsonNode document, Set<String> staleNodes, Collection<Path> changed) {
    ClusterView view = lastView;
    if (view == null || document != lastDocument || staleNodes == null || !staleNodes.equals(lastStale)
        || !sameClusterNodes(document)) {
      return null;
    }
    JsonNode monitor = document.get("monitor");
    if (monitor == null || !monitor.isObject() || monitor.get("nodes") != lastMonitorNodes) {
      return null;
    }
    JsonNode services = monitor.get("services");
    if (services == null || !services.isObject()) {
      return null;
    }
    boolean frozen = false;
    List<Path> inputs = null;
    for (Path p : changed) {
      switch (ChangeScope.classify(p)) {
        case ALL, NODE -> {
          return null;
        }
        case NODE_PATH -> {
          if (ChangeScope.isInput(p) && view.counts((String) p.get(2))) {
            if (inputs == null) {
              inputs = new ArrayList<>();
            }
            inputs.add(p);
          }
        }
        case NONE -> frozen |= ChangeScope.touchesFrozen(p, view);
      }
    }
    if (inputs == null && !frozen) {
      return List.of();
    }
    List<Stanza> out = new ArrayList<>();
    if (inputs != null) {
      Set<String> dirty = new HashSet<>();
      int j = 0;
      while (j < inputs.size()) {
        Path p = inputs.get(j);
        String n = (String) p.get(2);
        String path = (String) p.get(5);
        // the changes to one entry come together in a generation: one refresh for all their keys
        List<String> keys = new ArrayList<>(4);
        boolean whole = false;
        for (; j < inputs.size() && sameEntry(inputs.get(j), p); j++) {
          Path q = inputs.get(j);
          if (q.size() > 6 && q.get(6) instanceof String k) {
            keys.add(k);
          } else {
            whole = true;
          }
        }
        if (whole) {
          // an entry set or deleted whole; a change below an entry leaves it in place
          graph.setNodePath(n, path, view.names(n, path));
        }
        PathInputs ps = pathInputs.get(path);
        // A changed value inside an instance that reads as before changes nothing; an
        // entry set whole (rare: a new instance) is recomputed in any case.
        if (ps == null || ps.refresh(n, "config".equals(p.get(4)), whole ? null : keys) || whole) {
          dirty.add(path);
        }
      }
      Recomputation round = new Recomputation(view, (ObjectNode) services, graph, pathInputs);
      round.evaluate(dirty);
      out.addAll(round.stanzas());
    }
    if (frozen) {
      addFrozen(monitor, view, out);
    }
    return out;
  }



  /** True when two changed paths are in the same entry: node, section and object path. */
  private static boolean sameEntry(Path a, Path b) {
    return a.get(2).equals(b.get(2)) && a.get(4).equals(b.get(4)) && a.get(5).equals(b.get(5));
  }

  /** True when {@code cluster.nodes} is the same list, with the same items, as at the last full run. */
  private boolean sameClusterNodes(JsonNode document) {
    JsonNode cluster = document.get("cluster");
    JsonNode list = cluster == null ? null : cluster.get("nodes");
    if (list != lastClusterNodes) {
      return false;
    }
    if (list != null && list.isArray()) {
      JsonNode[] items = lastClusterNodesItems;
      if (list.size() != items.length) {
        return false;
      }
      for (int i = 0; i < items.length; i++) {
        if (list.get(i) != items[i]) {
          return false;
        }
      }
    }
    return true;
  }

  /** Records what this run saw, for {@link #quick}. */
  private void remember(JsonNode document, JsonNode monitor, ClusterView view, Set<String> staleNodes) {
    lastDocument = document;
    lastMonitorNodes = monitor.get("nodes");
    lastView = view;
    lastStale = Set.copyOf(staleNodes);
    JsonNode cluster = document.get("cluster");
    lastClusterNodes = cluster == null ? null : cluster.get("nodes");
    if (lastClusterNodes != null && lastClusterNodes.isArray()) {
      lastClusterNodesItems = new JsonNode[lastClusterNodes.size()];
      for (int i = 0; i < lastClusterNodesItems.length; i++) {
        lastClusterNodesItems[i] = lastClusterNodes.get(i);
      }
    } else {
      lastClusterNodesItems = null;
    }
  }

  /** Adds the {@code monitor.frozen} stanza when the document's value is not the computed one. */
  private static void addFrozen(JsonNode monitor, ClusterView view, List<Stanza> out) {
    JsonNode frozen = AggregateRules.clusterFrozen(view.nodeFrozen());
    JsonNode previous = monitor.get("frozen");
    if (previous == null || !previous.equals(Recomputation.NUMERIC_EQUALITY, frozen)) {
      out.add(Stanza.set(FROZEN, frozen));
    }
  }

  private static List<String> nodeNames(JsonNode document) {
    List<String> names = new ArrayList<>();
    JsonNode nodes = document.path("monitor").path("nodes");
    for (Iterator<String> it = nodes.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }

  private List<Stanza> run(JsonNode document, Set<String> staleNodes, Set<String> wholeNodes,
                           Map<String, Set<String>> nodePaths, boolean force) {
    if (document == null || !document.isObject()) {
      throw new IllegalArgumentException("the cluster-state document must be a JSON object");
    }
    Objects.requireNonNull(staleNodes, "staleNodes");
    JsonNode monitor = document.get("monitor");
    if (monitor == null || !monitor.isObject()) {
      throw new IllegalArgumentException("the cluster-state document has no \"monitor\" object");
    }
    JsonNode services = monitor.get("services");
    boolean servicesKnown = services != null && services.isObject();
    List<String> nodes = ServiceAggregates.clusterNodes(document);
    // The counting nodes only change with cluster.nodes or the stale nodes: reuse the last list.
    if (!nodes.equals(countingFrom) || !staleNodes.equals(countingStale)) {
      countingFrom = nodes;
      countingStale = Set.copyOf(staleNodes);
      lastCounting = ClusterView.counting(nodes, staleNodes);
    }
    ClusterView view = new ClusterView(monitor.get("nodes"), lastCounting);
    lastView = null;
    pathInputs.clear();
    Set<String> dirty = new HashSet<>();
    boolean full = force || clusterNodes == null || !sameOrder(clusterNodes, nodes) || !servicesKnown;
    if (full) {
      reset();
      clusterNodes = nodes;
      counting = new LinkedHashSet<>(view.counting());
      for (String n : counting) {
        graph.setNodePaths(n, view.pathsOf(n), dirty);
      }
      if (servicesKnown) {
        services.fieldNames().forEachRemaining(dirty::add);
      }
    } else {
      clusterNodes = nodes;
      Set<String> whole = new LinkedHashSet<>(wholeNodes);
      if (!sameSequence(counting, view.counting())) {
        Set<String> now = new LinkedHashSet<>(view.counting());
        for (String n : counting) {
          if (!now.contains(n)) {
            whole.add(n);
          }
        }
        for (String n : now) {
          if (!counting.contains(n)) {
            whole.add(n);
          }
        }
        counting = now;
      }
      for (String n : whole) {
        graph.setNodePaths(n, counting.contains(n) ? view.pathsOf(n) : Set.of(), dirty);
      }
      for (Map.Entry<String, Set<String>> e : nodePaths.entrySet()) {
        String n = e.getKey();
        if (whole.contains(n) || !counting.contains(n)) {
          continue;
        }
        for (String p : e.getValue()) {
          graph.setNodePath(n, p, view.names(n, p));
          dirty.add(p);
        }
      }
    }
    Recomputation round = new Recomputation(view, servicesKnown ? (ObjectNode) services : null, graph, pathInputs);
    round.evaluate(dirty);
    List<Stanza> out = new ArrayList<>();
    if (servicesKnown) {
      out.addAll(round.stanzas());
    } else {
      out.add(Stanza.set(SERVICES, round.all()));
    }
    addFrozen(monitor, view, out);
    remember(document, monitor, view, staleNodes);
    return out;
  }

  /** True when {@code set} iterates exactly the elements of {@code list}, in its order. */
  private static boolean sameSequence(Set<String> set, List<String> list) {
    if (set.size() != list.size()) {
      return false;
    }
    Iterator<String> it = set.iterator();
    for (String s : list) {
      if (!s.equals(it.next())) {
        return false;
      }
    }
    return true;
  }

  /**
   * True when the nodes common to both lists come in the same order: then only the
   * added and removed nodes change what counts, and in the order it counts.
   */
  private static boolean sameOrder(List<String> before, List<String> after) {
    if (before.equals(after)) {
      return true;
    }
    Set<String> a = new HashSet<>(after);
    Set<String> b = new HashSet<>(before);
    Iterator<String> j = after.stream().filter(b::contains).iterator();
    for (String n : before) {
      if (a.contains(n) && !(j.hasNext() && j.next().equals(n))) {
        return false;
      }
    }
    return true;
  }

  /**
   * The aggregates of every aggregated path from scratch, in the order of their first
   * config entry in {@code cluster.nodes} order. Leaves this aggregator's indexes built
   * for that view.
   */
  ObjectNode computeAll(ClusterView view) {
    reset();
    clusterNodes = view.counting();
    counting = new LinkedHashSet<>(view.counting());
    Set<String> dirty = new HashSet<>();
    for (String n : counting) {
      graph.setNodePaths(n, view.pathsOf(n), dirty);
    }
    Recomputation round = new Recomputation(view, null, graph, pathInputs);
    round.evaluate(dirty);
    return round.all();
  }

  // ---------------------------------------------------------------- indexes

  private void reset() {
    lastView = null;
    pathInputs.clear();
    lastDocument = null;
    clusterNodes = null;
    counting = Set.of();
    graph.clear();
  }

  // ---------------------------------------------------------------- one recomputation
}
