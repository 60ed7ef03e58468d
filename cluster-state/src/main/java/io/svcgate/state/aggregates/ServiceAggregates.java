package io.svcgate.state.aggregates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.svcgate.state.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * OpenSVC v2's cluster-wide service aggregates, computed from scratch (aggregates.md).
 *
 * <p>Pure functions of their arguments: they read the given trees and never modify them;
 * every result is a new tree. Thread-safe. For keeping a document up to date change by
 * change, see {@link ServiceAggregator}, which gives the same values.
 */
public final class ServiceAggregates {

  private ServiceAggregates() {
  }

  /**
   * The value of {@code monitor.services}: one aggregate per path that has a config entry
   * on a counting node (§2.2); {@code {}} for {@code cfg}, {@code sec}, {@code usr},
   * {@code ccfg} and {@code nscfg} objects; else {@code scale}, {@code scaler_slave},
   * {@code avail}, {@code frozen}, {@code overall}, {@code placement} and
   * {@code provisioned} (§4). Children are computed before parents, so the result is the
   * daemon's steady state. Keys come in the order of their first config entry in
   * {@code cluster.nodes} order; OpenSVC's order is arbitrary, compare as unordered.
   *
   * @param monitorNodes {@code monitor.nodes} of the document (node name → node data)
   * @param clusterNodes {@code cluster.nodes}: only these nodes count, in this order
   * @param staleNodes   nodes whose data does not count (no heartbeat for {@code hb.timeout})
   */
  public static ObjectNode computeAll(JsonNode monitorNodes, List<String> clusterNodes, Set<String> staleNodes) {
    Objects.requireNonNull(clusterNodes, "clusterNodes");
    Objects.requireNonNull(staleNodes, "staleNodes");
    return new ServiceAggregator().computeAll(new ClusterView(monitorNodes, clusterNodes, staleNodes));
  }

  /**
   * The aggregates of a whole document: {@link #computeAll} over its {@code monitor.nodes}
   * and {@link #clusterNodes(JsonNode)}.
   */
  public static ObjectNode computeAll(JsonNode document, Set<String> staleNodes) {
    return computeAll(document.path("monitor").path("nodes"), clusterNodes(document), staleNodes);
  }

  /**
   * The value of {@code monitor.frozen} (§8): over the counting nodes whose data has a
   * {@code frozen} key, {@code "n/a"} when there are none, {@code "frozen"} when all are
   * frozen (a non-zero freeze time), {@code "thawed"} when none is, else {@code "mixed"}.
   */
  public static String clusterFrozen(JsonNode monitorNodes, List<String> clusterNodes, Set<String> staleNodes) {
    ClusterView view = new ClusterView(monitorNodes, clusterNodes, staleNodes);
    return AggregateRules.clusterFrozen(view.nodeFrozen()).textValue();
  }

  /**
   * The nodes that count, in order, as the document says: the strings of
   * {@code cluster.nodes} (duplicates once); when the document has no {@code cluster.nodes}
   * list, the keys of {@code monitor.nodes} in their order (the order nodes were first heard).
   */
  public static List<String> clusterNodes(JsonNode document) {
    Set<String> nodes = new LinkedHashSet<>();
    JsonNode list = document.path("cluster").get("nodes");
    if (list != null && list.isArray()) {
      for (JsonNode n : list) {
        if (n.isTextual()) {
          nodes.add(n.textValue());
        }
      }
    } else {
      for (Iterator<String> it = document.path("monitor").path("nodes").fieldNames(); it.hasNext(); ) {
        nodes.add(it.next());
      }
    }
    return new ArrayList<>(nodes);
  }

  /**
   * A copy of {@code monitor.services.<path>} of the document as it is now, or {@code {}}
   * when the path has no aggregate: the {@code service} snapshot OpenSVC puts in events
   * about an object (§7).
   */
  public static ObjectNode snapshot(JsonNode document, String path) {
    JsonNode a = document.path("monitor").path("services").get(path);
    return a != null && a.isObject() ? ((ObjectNode) a).deepCopy() : Json.NODES.objectNode();
  }
}
