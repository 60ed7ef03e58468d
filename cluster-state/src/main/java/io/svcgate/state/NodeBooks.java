package io.svcgate.state;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The nodes the state knows and what the sequencing rules of docs/model.md §2 keep of
 * them: one {@link NodeBook} per known node (in the order they joined), the pace of
 * ask-full requests of nodes not known (bounded: the least recent are forgotten), and the
 * nodes whose merged generation changed since the gateway last stored them
 * ({@link #drainGenerationChanges}). Single-threaded.
 */
final class NodeBooks {

  /** How many nodes not known the ask-full pacing remembers. */
  static final int MAX_STRANGERS = 4096;

  private final Map<String, NodeBook> books = new LinkedHashMap<>();
  /** Nodes whose merged generation changed (or which joined or were forgotten) since the last drain. */
  private final Set<String> generationChanges = new LinkedHashSet<>();
  /** When an ask-full was last due for each node not known whose patches are rejected; the least recent go first. */
  private final Map<String, Double> strangerAsks = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Double> eldest) {
      return size() > MAX_STRANGERS;
    }
  };

  /** The book of a known node, or null. */
  NodeBook get(String nodename) {
    return books.get(nodename);
  }

  /** The book of a node, made (and known from now on) when there is none. */
  NodeBook getOrAdd(String nodename) {
    return books.computeIfAbsent(nodename, NodeBook::new);
  }

  /** Every known node's book, in the order they joined. */
  Collection<NodeBook> all() {
    return books.values();
  }

  /** The names of the known nodes, in the order they joined. */
  Set<String> names() {
    return books.keySet();
  }

  /** The known nodes that are stale. */
  Set<String> stale() {
    Set<String> stale = new HashSet<>();
    for (NodeBook b : books.values()) {
      if (!b.beating) {
        stale.add(b.nodename);
      }
    }
    return stale;
  }

  /** Makes a node known with this book (a message of it applied): it is no stranger any more. */
  void admit(NodeBook b) {
    books.put(b.nodename, b);
    strangerAsks.remove(b.nodename);
  }

  /** Forgets a node; its generation change is recorded when it was known. */
  NodeBook remove(String nodename) {
    NodeBook b = books.remove(nodename);
    if (b != null) {
      generationChanges.add(nodename);
    }
    return b;
  }

  /** Forgets a node without recording anything (the replay of a {@code forget_peer}). */
  void drop(String nodename) {
    books.remove(nodename);
  }

  /** Records that a node's merged generation changed (or that it joined). */
  void generationChanged(String nodename) {
    generationChanges.add(nodename);
  }

  /** When an ask-full was last due for a node not known; minus infinity when never. */
  double lastStrangerAsk(String nodename) {
    return strangerAsks.getOrDefault(nodename, Double.NEGATIVE_INFINITY);
  }

  /** Records that an ask-full was due now for a node not known. */
  void strangerAsked(String nodename, double now) {
    strangerAsks.put(nodename, now);
  }

  /** How many nodes not known the pacing remembers now (at most {@link #MAX_STRANGERS}). */
  int strangers() {
    return strangerAsks.size();
  }

  /** See {@link ClusterState#markNeedsFull}. */
  boolean markNeedsFull(String nodename) {
    NodeBook b = books.get(nodename);
    if (b == null) {
      return false;
    }
    if (b.merged != 0) {
      generationChanges.add(nodename);
    }
    b.merged = 0;
    b.needsFull = true;
    b.resyncs++;
    return true;
  }

  /** See {@link ClusterState#drainGenerationChanges}. */
  List<ClusterState.GenerationChange> drainGenerationChanges() {
    if (generationChanges.isEmpty()) {
      return List.of();
    }
    List<ClusterState.GenerationChange> out = new ArrayList<>(generationChanges.size());
    for (String n : generationChanges) {
      NodeBook b = books.get(n);
      out.add(b == null ? new ClusterState.GenerationChange(n, 0, true)
          : new ClusterState.GenerationChange(n, b.merged, false));
    }
    generationChanges.clear();
    return out;
  }

  /** See {@link ClusterState#recoverGenerations}. */
  void recover(Map<String, Long> stored) {
    stored.forEach((n, merged) -> {
      NodeBook b = books.computeIfAbsent(n, NodeBook::new);
      b.merged = merged;
      b.needsFull = merged == 0;
    });
  }
}
