package io.svcgate.state.aggregates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.svcgate.state.DerivedState;
import io.svcgate.state.Json;
import io.svcgate.state.Path;
import io.svcgate.state.Stanza;
import io.svcgate.state.aggregates.ObjectPath.SliceKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

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
 */
public final class ServiceAggregator implements DerivedState {

  /** Where the aggregates live in the document. */
  public static final Path SERVICES = Path.of("monitor", "services");
  /** Where the cluster's node frozen aggregate lives in the document. */
  public static final Path FROZEN = Path.of("monitor", "frozen");
  /** Cap on the number of passes over a cycle of slaves (aggregates.md §6.3). */
  public static final int MAX_CYCLE_PASSES = 16;

  private static final Comparator<JsonNode> NUMERIC_EQUALITY = (a, b) -> {
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue());
    }
    return a.equals(b) ? 0 : 1;
  };

  private List<String> clusterNodes;
  /** The inputs and result of the last {@link ClusterView#counting(List, Set)}, reused while they hold. */
  private List<String> countingFrom;
  private Set<String> countingStale = Set.of();
  private List<String> lastCounting;
  private Set<String> counting = Set.of();
  /** Counting node → the paths it names under services.config and services.status. */
  private final Map<String, Set<String>> pathsByNode = new HashMap<>();
  /** Path → number of counting nodes naming it; the keys are every path the aggregation may read. */
  private final Map<String, Integer> namedBy = new HashMap<>();
  /** Known paths that look like slices, by the scaler key they would belong to. */
  private final Map<SliceKey, Set<String>> slicesByKey = new HashMap<>();
  /** Known paths by their own scaler key. */
  private final Map<SliceKey, Set<String>> scalersByKey = new HashMap<>();
  /** Aggregated path → the resolved children it reads (first entry's slaves then scaler_slaves). */
  private final Map<String, List<String>> children = new HashMap<>();
  /** Child path → the paths that list it. */
  private final Map<String, Set<String>> parents = new HashMap<>();

  /**
   * Path → what the rules read of it, as last read from the view of the last run
   * ({@link #lastView}); dropped at each run, updated entry by entry by {@link #quick}.
   */
  private final Map<String, PathInputs> pathStates = new HashMap<>();

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
      switch (classify(p)) {
        case ALL -> all = true;
        case NODE -> whole.add((String) p.get(2));
        case NODE_PATH -> paths.computeIfAbsent((String) p.get(2), k -> new LinkedHashSet<>()).add((String) p.get(5));
        case NONE -> {
        }
      }
    }
    if (all) {
      whole.addAll(nodeNames(document));
      whole.addAll(pathsByNode.keySet());
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

  private enum Scope { ALL, NODE, NODE_PATH, NONE }

  /** What a change at an absolute document path can affect. */
  private static Scope classify(Path p) {
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
   * The fast path of {@link #update(JsonNode, Set, Collection)}, for changes inside the
   * instance statuses and config entries of the nodes, and to the nodes' {@code frozen}:
   * the common case of a patch generation. It applies when the document, its
   * {@code cluster.nodes} and the stale nodes are those of the previous call, and no
   * changed path is at or above a node's {@code services.config} or {@code .status}
   * (the view of the previous call is then still valid, see {@link ClusterView}).
   *
   * <p>Only the paths whose inputs changed ({@link #isInput}) are recomputed, and
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
      switch (classify(p)) {
        case ALL, NODE -> {
          return null;
        }
        case NODE_PATH -> {
          if (isInput(p) && view.counts((String) p.get(2))) {
            if (inputs == null) {
              inputs = new ArrayList<>();
            }
            inputs.add(p);
          }
        }
        case NONE -> frozen |= touchesFrozen(p, view);
      }
    }
    if (inputs == null && !frozen) {
      return List.of();
    }
    List<Stanza> out = new ArrayList<>();
    if (inputs != null) {
      Set<String> dirty = new HashSet<>();
      for (Path p : inputs) {
        String n = (String) p.get(2);
        String path = (String) p.get(5);
        setNodePath(n, path, view.names(n, path));
        PathInputs ps = pathStates.get(path);
        // A changed value inside an instance that reads as before changes nothing; an
        // entry set whole (rare: a new instance) is recomputed in any case.
        if (ps == null || ps.refresh(n, "config".equals(p.get(4))) || p.size() == 6) {
          dirty.add(path);
        }
      }
      Round round = new Round(view, (ObjectNode) services);
      round.evaluate(dirty);
      out.addAll(round.stanzas);
    }
    if (frozen) {
      addFrozen(monitor, view, out);
    }
    return out;
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
  private static boolean touchesFrozen(Path p, ClusterView view) {
    if (p.size() >= 2 && "monitor".equals(p.get(0)) && "frozen".equals(p.get(1))) {
      return true;
    }
    return p.size() >= 4 && "monitor".equals(p.get(0)) && "nodes".equals(p.get(1)) && "frozen".equals(p.get(3))
        && p.get(2) instanceof String n && view.counts(n);
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
    if (previous == null || !previous.equals(NUMERIC_EQUALITY, frozen)) {
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
    pathStates.clear();
    Set<String> dirty = new HashSet<>();
    boolean full = force || clusterNodes == null || !sameOrder(clusterNodes, nodes) || !servicesKnown;
    if (full) {
      reset();
      clusterNodes = nodes;
      counting = new LinkedHashSet<>(view.counting());
      for (String n : counting) {
        setNodePaths(n, view.pathsOf(n), dirty);
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
        setNodePaths(n, counting.contains(n) ? view.pathsOf(n) : Set.of(), dirty);
      }
      for (Map.Entry<String, Set<String>> e : nodePaths.entrySet()) {
        String n = e.getKey();
        if (whole.contains(n) || !counting.contains(n)) {
          continue;
        }
        for (String p : e.getValue()) {
          setNodePath(n, p, view.names(n, p));
          dirty.add(p);
        }
      }
    }
    Round round = new Round(view, servicesKnown ? (ObjectNode) services : null);
    round.evaluate(dirty);
    List<Stanza> out = new ArrayList<>();
    if (servicesKnown) {
      out.addAll(round.stanzas);
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
      setNodePaths(n, view.pathsOf(n), dirty);
    }
    Round round = new Round(view, null);
    round.evaluate(dirty);
    return round.all();
  }

  // ---------------------------------------------------------------- indexes

  private void reset() {
    lastView = null;
    pathStates.clear();
    lastDocument = null;
    clusterNodes = null;
    counting = Set.of();
    pathsByNode.clear();
    namedBy.clear();
    slicesByKey.clear();
    scalersByKey.clear();
    children.clear();
    parents.clear();
  }

  /** Replaces what a node names; every path named before or after is dirty. */
  private void setNodePaths(String node, Set<String> now, Set<String> dirty) {
    Set<String> before = pathsByNode.getOrDefault(node, Set.of());
    for (String p : before) {
      if (!now.contains(p)) {
        unname(p);
      }
    }
    for (String p : now) {
      if (!before.contains(p)) {
        name(p);
      }
    }
    dirty.addAll(before);
    dirty.addAll(now);
    if (now.isEmpty()) {
      pathsByNode.remove(node);
    } else {
      pathsByNode.put(node, new HashSet<>(now));
    }
  }

  /** Records whether a node names one path. */
  private void setNodePath(String node, String path, boolean named) {
    Set<String> paths = pathsByNode.get(node);
    boolean before = paths != null && paths.contains(path);
    if (named && !before) {
      pathsByNode.computeIfAbsent(node, k -> new HashSet<>()).add(path);
      name(path);
    } else if (!named && before) {
      paths.remove(path);
      if (paths.isEmpty()) {
        pathsByNode.remove(node);
      }
      unname(path);
    }
  }

  private void name(String path) {
    if (namedBy.merge(path, 1, Integer::sum) == 1) {
      SliceKey slice = ObjectPath.sliceOf(path);
      if (slice != null) {
        slicesByKey.computeIfAbsent(slice, k -> new HashSet<>()).add(path);
      }
      SliceKey own = ObjectPath.parse(path).scalerKey();
      if (own != null) {
        scalersByKey.computeIfAbsent(own, k -> new HashSet<>()).add(path);
      }
    }
  }

  private void unname(String path) {
    Integer n = namedBy.get(path);
    if (n == null) {
      return;
    }
    if (n > 1) {
      namedBy.put(path, n - 1);
      return;
    }
    namedBy.remove(path);
    SliceKey slice = ObjectPath.sliceOf(path);
    if (slice != null) {
      removeFrom(slicesByKey, slice, path);
    }
    SliceKey own = ObjectPath.parse(path).scalerKey();
    if (own != null) {
      removeFrom(scalersByKey, own, path);
    }
  }

  private void setChildren(String path, List<String> now) {
    List<String> before = children.getOrDefault(path, List.of());
    if (before.equals(now)) {
      return;
    }
    for (String c : before) {
      removeFrom(parents, c, path);
    }
    if (now.isEmpty()) {
      children.remove(path);
    } else {
      children.put(path, now);
      for (String c : now) {
        parents.computeIfAbsent(c, k -> new HashSet<>()).add(path);
      }
    }
  }

  private static <K> void removeFrom(Map<K, Set<String>> index, K key, String value) {
    Set<String> s = index.get(key);
    if (s != null) {
      s.remove(value);
      if (s.isEmpty()) {
        index.remove(key);
      }
    }
  }

  // ---------------------------------------------------------------- one recomputation

  /** One recomputation over one view of the document. */
  private final class Round implements AggregateRules.Context {

    private final ClusterView view;
    private final ObjectNode previous;
    /** Aggregates computed in this round; a null value means no aggregate. */
    private final Map<String, JsonNode> fresh = new HashMap<>();
    private final List<Stanza> stanzas = new ArrayList<>();

    Round(ClusterView view, ObjectNode previous) {
      this.view = view;
      this.previous = previous;
    }

    void evaluate(Set<String> dirty) {
      // the scalers whose slices changed are dirty too
      Set<String> direct = new TreeSet<>(dirty);
      for (String p : dirty) {
        SliceKey key = ObjectPath.sliceOf(p);
        Set<String> scalers = key == null ? null : scalersByKey.get(key);
        if (scalers != null) {
          direct.addAll(scalers);
        }
      }
      for (String p : direct) {
        PathInputs ps = state(p);
        setChildren(p, ps.aggregated() ? AggregateRules.children(ps.path, ps.first()) : List.of());
      }
      // every object reading a dirty one may change: take the closure over parents
      Set<String> closure = new TreeSet<>(direct);
      Deque<String> queue = new ArrayDeque<>(direct);
      while (!queue.isEmpty()) {
        for (String parent : parents.getOrDefault(queue.poll(), Set.of())) {
          if (closure.add(parent)) {
            queue.add(parent);
          }
        }
      }
      Set<String> changed = new HashSet<>();
      for (List<String> component : DependencyOrder.components(closure, p -> children.getOrDefault(p, List.of()))) {
        if (!needed(component, direct, changed)) {
          continue;
        }
        if (component.size() == 1 && !children.getOrDefault(component.get(0), List.of()).contains(component.get(0))) {
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
        for (String c : children.getOrDefault(p, List.of())) {
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
     * pass, until nothing changes or {@link #MAX_CYCLE_PASSES}. The result depends only
     * on the inputs, never on earlier aggregates.
     */
    private void cycle(List<String> component) {
      List<String> members = new ArrayList<>(new TreeSet<>(component));
      for (String m : members) {
        fresh.put(m, null);
      }
      int passes = Math.min(members.size() + 1, MAX_CYCLE_PASSES);
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
      Path at = SERVICES.child(path);
      if (before == null && now == null) {
        return false;
      }
      if (before == null) {
        stanzas.add(Stanza.set(at, now));
        return true;
      }
      if (now == null) {
        stanzas.add(Stanza.delete(at));
        return true;
      }
      if (!before.isObject()) {
        stanzas.add(Stanza.set(at, now));
        return true;
      }
      boolean differ = false;
      for (Iterator<String> it = before.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        if (!now.has(k)) {
          stanzas.add(Stanza.delete(at.child(k)));
          differ = true;
        }
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = now.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode b = before.get(e.getKey());
        if (b == null || !b.equals(NUMERIC_EQUALITY, e.getValue())) {
          stanzas.add(Stanza.set(at.child(e.getKey()), e.getValue()));
          differ = true;
        }
      }
      return differ;
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
      PathInputs ps = pathStates.get(path);
      if (ps == null) {
        ps = new PathInputs(path, view);
        pathStates.put(path, ps);
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
      SliceKey key = scaler.scalerKey();
      Set<String> slices = key == null ? null : slicesByKey.get(key);
      if (slices == null) {
        return 0;
      }
      int up = 0;
      for (String s : slices) {
        PathInputs ps = state(s);
        if (!ps.aggregated()) {
          continue;
        }
        up += ps.tally().sliceUp();
      }
      return up;
    }
  }
}
