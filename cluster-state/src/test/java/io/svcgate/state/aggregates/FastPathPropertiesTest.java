package io.svcgate.state.aggregates;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.svcgate.state.ApplyOutcome;
import io.svcgate.state.ClusterState;
import io.svcgate.state.Event;
import io.svcgate.state.HeartbeatMessage;
import io.svcgate.state.Json;
import io.svcgate.state.Path;
import io.svcgate.state.Stanza;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The aggregator's fast path (changes inside instance statuses, as patch generations
 * bring them) against a from-scratch computation, through {@link ClusterState}: values
 * changed deep inside instances (the keys the rules read and others, items of a
 * {@code slaves} list changed in place, {@code monitor} sub-keys, values set again as
 * they were, resources, node {@code frozen}) leave {@code monitor.services} and
 * {@code monitor.frozen} equal to {@link ServiceAggregates#computeAll}, and a change that
 * reads as before makes no gateway event.
 */
class FastPathPropertiesTest {

  private static final List<String> NODES = List.of("n1", "n2", "n3");
  private static final List<String> KEYS = List.of("avail", "overall", "frozen", "updated", "provisioned",
      "topology", "placement", "flex_min", "flex_max", "scale", "scaler_slave", "resources", "drp", "global_expect");

  @Property(tries = 150)
  void deepChangesKeepTheAggregatesRight(@ForAll @Size(max = 60) List<@IntRange(min = 0, max = 99_999) Integer> ops) {
    ClusterState state = ClusterState.builder().gatewayNodename("gw1").epoch("e").started(1764147000)
        .derivedState(new ServiceAggregator()).build();
    double now = 1764147000;
    state.start(now);
    long[] gens = new long[NODES.size()];
    ObjectNode[] model = new ObjectNode[NODES.size()];
    Random seed = new Random(ops.size());
    for (int i = 0; i < NODES.size(); i++) {
      model[i] = RandomCluster.nodeData(seed);
      ensureShape(model[i]);
      apply(state, full(NODES.get(i), ++gens[i], model[i]), ++now);
    }
    List<String> log = new ArrayList<>();
    for (int op : ops) {
      Random r = new Random(op);
      int ni = r.nextInt(NODES.size());
      String n = NODES.get(ni);
      List<Stanza> stanzas = new ArrayList<>();
      for (int k = r.nextInt(3); k >= 0; k--) {
        Stanza s = deepChange(r, model[ni]);
        if (s != null) {
          StanzaApplier.apply(model[ni], s);
          stanzas.add(s);
        }
      }
      if (stanzas.isEmpty()) {
        continue;
      }
      log.add(n + " " + stanzas.stream().map(s -> s.path() + "=" + s.value()).toList());
      List<Event> events = apply(state, patch(n, ++gens[ni], stanzas), ++now);
      JsonNode doc = state.document();
      ObjectNode expected = ServiceAggregates.computeAll(doc, Set.of());
      assertThat(doc.get("monitor").get("services")).as("after %s", log).isEqualTo(expected);
      assertThat(doc.get("monitor").get("frozen").textValue()).as("after %s", log)
          .isEqualTo(ServiceAggregates.clusterFrozen(doc.get("monitor").get("nodes"),
              ServiceAggregates.clusterNodes(doc), Set.of()));
      if (events.size() > 1) {
        assertThat(events.get(1).stanzas()).as("a gateway patch says something, after %s", log).isNotEmpty();
      }
    }
  }

  /** Every node has a status and a config section, so deep changes have somewhere to go. */
  private static void ensureShape(ObjectNode data) {
    JsonNode services = data.get("services");
    if (services == null || !services.isObject()) {
      services = data.putObject("services");
    }
    for (String section : List.of("config", "status")) {
      if (!services.path(section).isObject()) {
        ((ObjectNode) services).putObject(section);
      }
    }
    ObjectNode status = (ObjectNode) services.get("status");
    ObjectNode config = (ObjectNode) services.get("config");
    Random r = new Random(data.hashCode());
    for (String p : RandomCluster.PATHS) {
      if (!status.has(p) || !status.get(p).isObject()) {
        status.set(p, RandomCluster.instance(r, p));
      }
      ObjectNode i = (ObjectNode) status.get(p);
      if (!i.has("monitor") || !i.get("monitor").isObject()) {
        i.putObject("monitor").put("status", "idle").put("placement", "");
      }
      i.putArray("slaves").add("web");
      config.putObject(p).put("csum", "x");
    }
  }

  /** A change below an instance (or the node's frozen), valid on the model; null when none fits. */
  private static Stanza deepChange(Random r, ObjectNode data) {
    String p = RandomCluster.pick(r, RandomCluster.PATHS);
    ObjectNode instance = (ObjectNode) data.get("services").get("status").get(p);
    Path at = Path.of("services", "status", p);
    switch (r.nextInt(8)) {
      case 0 -> {
        return Stanza.set(Path.of("frozen"), r.nextBoolean() ? Json.NODES.numberNode(0) : Json.NODES.numberNode(1.5));
      }
      case 1 -> {
        // the same value again
        String key = RandomCluster.pick(r, KEYS);
        JsonNode v = instance.get(key);
        return v == null ? null : Stanza.set(at.child(key), v.deepCopy());
      }
      case 2 -> {
        String m = RandomCluster.pick(r, List.of("placement", "status", "status_updated", "global_expect"));
        String v = RandomCluster.pick(r, List.of("leader", "", "idle", "starting"));
        return Stanza.set(at.child("monitor").child(m), Json.NODES.textNode(v));
      }
      case 3 -> {
        // a slaves list changed in place
        ArrayNode slaves = (ArrayNode) instance.get("slaves");
        String child = RandomCluster.pick(r, RandomCluster.PATHS);
        if (slaves.isEmpty() || r.nextBoolean()) {
          return Stanza.set(at.child("slaves").child(slaves.size()), Json.NODES.textNode(child));
        }
        return r.nextBoolean() ? Stanza.set(at.child("slaves").child(0), Json.NODES.textNode(child))
            : Stanza.delete(at.child("slaves").child(slaves.size() - 1));
      }
      case 4 -> {
        return Stanza.set(Path.of("services", "config", p, "csum"), Json.NODES.textNode("y" + r.nextInt(3)));
      }
      default -> {
        String key = RandomCluster.pick(r, KEYS);
        JsonNode v = RandomCluster.instance(r, p).get(key);
        if (v == null) {
          return instance.has(key) ? Stanza.delete(at.child(key)) : null;
        }
        return Stanza.set(at.child(key), v);
      }
    }
  }

  private static List<Event> apply(ClusterState state, HeartbeatMessage m, double now) {
    ApplyOutcome o = state.apply(m, now);
    assertThat(o.status()).isEqualTo(ApplyOutcome.Status.APPLIED);
    assertThat(o.derivedError()).isNull();
    return o.events();
  }

  private static HeartbeatMessage full(String n, long g, ObjectNode data) {
    ObjectNode m = Json.NODES.objectNode();
    m.put("nodename", n).put("kind", "full").putObject("gen").put(n, g);
    m.set("data", data.deepCopy());
    return HeartbeatMessage.parse(m);
  }

  private static HeartbeatMessage patch(String n, long g, List<Stanza> stanzas) {
    ObjectNode m = Json.NODES.objectNode();
    m.put("nodename", n).put("kind", "patch").putObject("gen").put(n, g);
    ArrayNode list = m.putObject("deltas").putArray(Long.toString(g));
    stanzas.forEach(s -> list.add(s.toJson()));
    return HeartbeatMessage.parse(m);
  }
}
