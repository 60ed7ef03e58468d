package io.svcgate.state.aggregates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The part of the cluster-state document the aggregation reads (aggregates.md §2.1):
 * the data of the counting nodes, in {@code cluster.nodes} order. A node counts when it is
 * listed in {@code cluster.nodes} and is not stale; a counting node with no entry, or an
 * entry that is not an object, contributes nothing.
 *
 * <p>A view over a live document, not a copy. It keeps each counting node's data object
 * and its {@code services.config} and {@code services.status} objects, and reads
 * everything below them live: it stays valid while those objects stay in place, that is
 * until a change at or above {@code monitor.nodes.<n>.services.config} or
 * {@code .status} (a node's data set or removed whole, its {@code services} replaced…),
 * a change of {@code cluster.nodes} or of the stale nodes. Changes inside a node's data
 * below that (an instance status, a config entry, the node's {@code frozen}) are seen
 * at once.
 */
final class ClusterView {

  private final JsonNode monitorNodes;
  private final List<String> counting;
  /** Counting node → its position in {@link #counting}. */
  private final Map<String, Integer> position;
  /** By position: the node's data object, or null. */
  private final ObjectNode[] data;
  /** By position: the node's {@code services.config} object, or null. */
  private final ObjectNode[] config;
  /** By position: the node's {@code services.status} object, or null. */
  private final ObjectNode[] status;

  /**
   * @param monitorNodes {@code monitor.nodes}; anything that is not an object is read as no nodes
   * @param clusterNodes {@code cluster.nodes}, in order; duplicates count once, at their first place
   * @param staleNodes   the nodes whose instances do not count
   */
  ClusterView(JsonNode monitorNodes, List<String> clusterNodes, Set<String> staleNodes) {
    this(monitorNodes, counting(clusterNodes, staleNodes));
  }

  /**
   * @param monitorNodes {@code monitor.nodes}; anything that is not an object is read as no nodes
   * @param counting     the counting nodes as {@link #counting(List, Set)} made them (not copied)
   */
  ClusterView(JsonNode monitorNodes, List<String> counting) {
    this.monitorNodes = monitorNodes != null && monitorNodes.isObject() ? monitorNodes : null;
    this.counting = counting;
    int n = counting.size();
    this.position = new HashMap<>(n * 2);
    this.data = new ObjectNode[n];
    this.config = new ObjectNode[n];
    this.status = new ObjectNode[n];
    for (int i = 0; i < n; i++) {
      String name = counting.get(i);
      position.put(name, i);
      JsonNode d = this.monitorNodes == null ? null : this.monitorNodes.get(name);
      if (d != null && d.isObject()) {
        data[i] = (ObjectNode) d;
        config[i] = section(d, "config");
        status[i] = section(d, "status");
      }
    }
  }

  /** The counting nodes: {@code cluster.nodes} in order, duplicates once, less the stale ones; unmodifiable. */
  static List<String> counting(List<String> clusterNodes, Set<String> staleNodes) {
    Set<String> order = new LinkedHashSet<>(clusterNodes);
    order.removeAll(staleNodes);
    return Collections.unmodifiableList(new ArrayList<>(order));
  }

  /** The counting nodes, in {@code cluster.nodes} order. */
  List<String> counting() {
    return counting;
  }

  /** True when the node counts. */
  boolean counts(String nodename) {
    return position.containsKey(nodename);
  }

  /** A counting node's position in {@link #counting()}, or -1. */
  int position(String nodename) {
    Integer i = position.get(nodename);
    return i == null ? -1 : i;
  }

  /** A counting node's {@code services.status} object, or null (also for a node that does not count). */
  ObjectNode status(String nodename) {
    Integer i = position.get(nodename);
    return i == null ? null : status[i];
  }

  /** A counting node's data object, or null. */
  ObjectNode node(String nodename) {
    Integer i = position.get(nodename);
    if (i != null) {
      return data[i];
    }
    if (monitorNodes == null) {
      return null;
    }
    JsonNode n = monitorNodes.get(nodename);
    return n != null && n.isObject() ? (ObjectNode) n : null;
  }

  /** {@code services.<section>} of a node's data when it is an object, else null. */
  static ObjectNode section(JsonNode nodeData, String section) {
    if (nodeData == null) {
      return null;
    }
    JsonNode s = nodeData.path("services").get(section);
    return s != null && s.isObject() ? (ObjectNode) s : null;
  }

  /** True when some counting node has a config entry for the path: the path gets an aggregate (§2.2). */
  boolean aggregated(String path) {
    for (ObjectNode c : config) {
      if (c != null && c.has(path)) {
        return true;
      }
    }
    return false;
  }

  /** The status entries of a path on the counting nodes, in order (§2.3). */
  Instances instances(String path) {
    List<Instances.Entry> entries = null;
    for (int i = 0; i < status.length; i++) {
      ObjectNode s = status[i];
      if (s == null) {
        continue;
      }
      JsonNode e = s.get(path);
      if (e != null && e.isObject()) {
        if (entries == null) {
          entries = new ArrayList<>(status.length);
        }
        entries.add(new Instances.Entry(counting.get(i), (ObjectNode) e, AggregateRules.truthy(e.get("updated"))));
      }
    }
    return new Instances(entries == null ? List.of() : entries);
  }

  /** The paths a counting node names under {@code services.config} and {@code services.status}, in that order. */
  Set<String> pathsOf(String nodename) {
    Set<String> paths = new LinkedHashSet<>();
    ObjectNode data = node(nodename);
    addKeys(section(data, "config"), paths);
    addKeys(section(data, "status"), paths);
    return paths;
  }

  /** True when the node names the path under {@code services.config} or {@code services.status}. */
  boolean names(String nodename, String path) {
    Integer i = position.get(nodename);
    ObjectNode c;
    ObjectNode st;
    if (i != null) {
      c = config[i];
      st = status[i];
    } else {
      ObjectNode d = node(nodename);
      c = section(d, "config");
      st = section(d, "status");
    }
    return c != null && c.has(path) || st != null && st.has(path);
  }

  /** The {@code frozen} values of the counting nodes that have that key (§8). */
  List<JsonNode> nodeFrozen() {
    List<JsonNode> values = new ArrayList<>(data.length);
    for (ObjectNode d : data) {
      if (d != null) {
        JsonNode f = d.get("frozen");
        if (f != null) {
          values.add(f);
        }
      }
    }
    return values;
  }

  private static void addKeys(ObjectNode o, Set<String> into) {
    if (o == null) {
      return;
    }
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
      into.add(it.next());
    }
  }
}
