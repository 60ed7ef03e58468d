package io.svcgate.state.aggregates;

import io.svcgate.state.aggregates.ObjectPath.SliceKey;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who reads whom among the object paths of the cluster (aggregates.md §6): which
 * counting node names which path, which paths look like slices of which scaler, and
 * which aggregated path lists which children (its first entry's {@code slaves} and
 * {@code scaler_slaves}). From these it answers what must be recomputed when some paths
 * are dirty: their scalers, then every path reading one of them, transitively
 * ({@link #closure}). Bounded by the size of the document: an entry goes when the last
 * node naming its path does. Not thread-safe.
 */
final class DependencyGraph {

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

  /** Forgets everything. */
  void clear() {
    pathsByNode.clear();
    namedBy.clear();
    slicesByKey.clear();
    scalersByKey.clear();
    children.clear();
    parents.clear();
  }

  /** The nodes that name some path. */
  Set<String> namingNodes() {
    return pathsByNode.keySet();
  }

  /** True when some node names the path. */
  boolean isNamed(String path) {
    return namedBy.containsKey(path);
  }

  /** Replaces what a node names; every path named before or after is added to {@code dirty}. */
  void setNodePaths(String node, Set<String> now, Set<String> dirty) {
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
  void setNodePath(String node, String path, boolean named) {
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

  /** The known paths that are slices of this scaler key; empty when none. */
  Set<String> slicesOf(SliceKey key) {
    Set<String> s = key == null ? null : slicesByKey.get(key);
    return s == null ? Set.of() : s;
  }

  /** The paths that {@code dirty} makes dirty too: themselves, and the scalers of those that are slices. */
  Set<String> withScalers(Collection<String> dirty) {
    Set<String> direct = new TreeSet<>(dirty);
    for (String p : dirty) {
      SliceKey key = ObjectPath.sliceOf(p);
      Set<String> scalers = key == null ? null : scalersByKey.get(key);
      if (scalers != null) {
        direct.addAll(scalers);
      }
    }
    return direct;
  }

  /** The children a path reads, in order; empty when none. */
  List<String> childrenOf(String path) {
    return children.getOrDefault(path, List.of());
  }

  /** Sets the children a path reads (empty: none). */
  void setChildren(String path, List<String> now) {
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

  /** The paths given and every path reading one of them, transitively, sorted. */
  Set<String> closure(Set<String> direct) {
    Set<String> closure = new TreeSet<>(direct);
    Deque<String> queue = new ArrayDeque<>(direct);
    while (!queue.isEmpty()) {
      for (String parent : parents.getOrDefault(queue.poll(), Set.of())) {
        if (closure.add(parent)) {
          queue.add(parent);
        }
      }
    }
    return closure;
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
}
