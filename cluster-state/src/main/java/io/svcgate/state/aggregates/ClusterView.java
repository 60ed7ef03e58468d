package io.svcgate.state.aggregates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The part of the cluster-state document the aggregation reads (aggregates.md §2.1):
 * the data of the counting nodes, in {@code cluster.nodes} order. A node counts when it is
 * listed in {@code cluster.nodes} and is not stale; a counting node with no entry, or an
 * entry that is not an object, contributes nothing.
 *
 * <p>A view over a live document, not a copy: it is valid until the document changes.
 */
final class ClusterView {

  private final JsonNode monitorNodes;
  private final List<String> counting;

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

  /** A counting node's data object, or null. */
  ObjectNode node(String nodename) {
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
    for (String n : counting) {
      ObjectNode config = section(node(n), "config");
      if (config != null && config.has(path)) {
        return true;
      }
    }
    return false;
  }

  /** The status entries of a path on the counting nodes, in order (§2.3). */
  Instances instances(String path) {
    List<Instances.Entry> entries = null;
    for (String n : counting) {
      ObjectNode status = section(node(n), "status");
      if (status == null) {
        continue;
      }
      JsonNode e = status.get(path);
      if (e != null && e.isObject()) {
        if (entries == null) {
          entries = new ArrayList<>(counting.size());
        }
        entries.add(new Instances.Entry(n, (ObjectNode) e, AggregateRules.truthy(e.get("updated"))));
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
    ObjectNode data = node(nodename);
    ObjectNode config = section(data, "config");
    ObjectNode status = section(data, "status");
    return config != null && config.has(path) || status != null && status.has(path);
  }

  /** The {@code frozen} values of the counting nodes that have that key (§8). */
  List<JsonNode> nodeFrozen() {
    List<JsonNode> values = new ArrayList<>(counting.size());
    for (String n : counting) {
      ObjectNode data = node(n);
      if (data != null && data.has("frozen")) {
        values.add(data.get("frozen"));
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
