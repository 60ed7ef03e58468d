package io.svcgate.state.aggregates;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.svcgate.state.Json;
import io.svcgate.state.Path;
import io.svcgate.state.Stanza;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The incremental aggregator against a from-scratch computation: after any sequence of
 * changes (fulls, instance changes, config changes, stale transitions, forgets,
 * {@code cluster.nodes} changes), applying its answers leaves {@code monitor.services}
 * and {@code monitor.frozen} equal to {@link ServiceAggregates#computeAll}.
 *
 * <p>Each operation is one integer, decoded into a change; jqwik shrinks a failing
 * sequence to fewer, simpler operations.
 */
class ServiceAggregatorProperties {

  @Property(tries = 300)
  void incrementalEqualsFromScratch(@ForAll @Size(max = 40) List<@IntRange(min = 0, max = 99_999) Integer> ops) {
    ObjectNode doc = Json.NODES.objectNode();
    doc.putObject("cluster").set("nodes", Json.NODES.arrayNode().add("n1").add("n2").add("n3"));
    ObjectNode monitor = doc.putObject("monitor");
    monitor.putObject("services");
    ObjectNode nodes = monitor.putObject("nodes");
    Set<String> stale = new HashSet<>();
    ServiceAggregator aggregator = new ServiceAggregator();
    StanzaApplier.apply(doc, aggregator.resync(doc, stale));
    List<String> log = new ArrayList<>();
    for (int op : ops) {
      Random r = new Random(op);
      String n = RandomCluster.pick(r, RandomCluster.NODES);
      String p = RandomCluster.pick(r, RandomCluster.PATHS);
      List<Stanza> answer;
      switch (op % 10) {
        case 0, 1 -> {
          nodes.set(n, RandomCluster.nodeData(r));
          log.add("full " + n);
          answer = aggregator.update(doc, stale, List.of(Path.of("monitor", "nodes", n)));
        }
        case 2, 3 -> {
          ObjectNode status = section(nodes, n, "status");
          if (status == null) {
            continue;
          }
          status.set(p, RandomCluster.instance(r, p));
          log.add("instance " + n + " " + p);
          answer = aggregator.update(doc, stale, List.of(Path.of("monitor", "nodes", n, "services", "status", p)));
        }
        case 4 -> {
          ObjectNode status = section(nodes, n, "status");
          if (status == null || !status.has(p) || !status.get(p).isObject()) {
            continue;
          }
          String key = RandomCluster.pick(r, List.of("avail", "overall", "frozen", "slaves", "updated", "provisioned"));
          JsonNode v = RandomCluster.instance(r, p).get(key);
          if (v == null) {
            ((ObjectNode) status.get(p)).remove(key);
          } else {
            ((ObjectNode) status.get(p)).set(key, v);
          }
          log.add("field " + n + " " + p + " " + key);
          answer = aggregator.update(doc, stale, List.of(Path.of("monitor", "nodes", n, "services", "status", p, key)));
        }
        case 5 -> {
          ObjectNode config = section(nodes, n, "config");
          ObjectNode status = section(nodes, n, "status");
          if (config == null) {
            continue;
          }
          if (config.has(p)) {
            config.remove(p);
            status.remove(p);
          } else {
            config.putObject(p).put("csum", "y");
          }
          log.add("config " + n + " " + p);
          answer = aggregator.update(doc, stale, List.of(
              Path.of("monitor", "nodes", n, "services", "config", p),
              Path.of("monitor", "nodes", n, "services", "status", p)));
        }
        case 6 -> {
          if (!stale.remove(n)) {
            stale.add(n);
          }
          log.add("stale " + stale);
          answer = aggregator.update(doc, stale, List.of());
        }
        case 7 -> {
          nodes.remove(n);
          stale.remove(n);
          log.add("forget " + n);
          answer = aggregator.updateNodes(doc, stale, List.of(n));
        }
        case 8 -> {
          ((ObjectNode) doc.get("cluster")).set("nodes", RandomCluster.clusterNodes(r));
          log.add("cluster.nodes " + doc.get("cluster").get("nodes"));
          answer = aggregator.update(doc, stale, List.of(Path.of("cluster", "nodes")));
        }
        default -> {
          if (!nodes.has(n)) {
            continue;
          }
          ((ObjectNode) nodes.get(n)).put("frozen", r.nextBoolean() ? 0 : 1764146000.5);
          log.add("frozen " + n);
          answer = aggregator.update(doc, stale, List.of(Path.of("monitor", "nodes", n, "frozen")));
        }
      }
      StanzaApplier.apply(doc, answer);
      assertThat(doc.get("monitor").get("services"))
          .as("after %s", log)
          .isEqualTo(ServiceAggregates.computeAll(doc, stale));
      assertThat(doc.get("monitor").get("frozen").textValue())
          .as("after %s", log)
          .isEqualTo(ServiceAggregates.clusterFrozen(nodes, ServiceAggregates.clusterNodes(doc), stale));
      assertThat(aggregator.update(doc, stale, List.of())).as("a second answer after %s", log).isEmpty();
    }
  }

  private static ObjectNode section(ObjectNode nodes, String n, String name) {
    JsonNode s = nodes.path(n).path("services").get(name);
    return s != null && s.isObject() ? (ObjectNode) s : null;
  }
}
