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
import io.svcgate.state.NodeInfo;
import io.svcgate.state.Path;
import io.svcgate.state.Stanza;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Through {@link ClusterState}, as the gateway runs it: after any sequence of fulls,
 * patch generations, pings, node events, stale and beating transitions and forgets, with
 * a configured or a learned {@code cluster.nodes}, {@code monitor.services} and
 * {@code monitor.frozen} equal a from-scratch computation; every gateway patch comes
 * right after the change that caused it; and the history replays to the same document.
 */
class ClusterStateAggregatesProperties {

  private static final List<String> SENDERS = List.of("n1", "n2", "n3", "n4");

  @Property(tries = 200)
  void aggregatesFollowEveryChange(@ForAll boolean configured,
                                   @ForAll @Size(max = 40) List<@IntRange(min = 0, max = 99_999) Integer> ops) {
    ClusterState.Builder config = ClusterState.builder().gatewayNodename("gw1").epoch("e").started(1764147000)
        .nodes(configured ? List.of("n3", "n1", "n2") : List.of());
    ClusterState state = ClusterState.builder().gatewayNodename("gw1").epoch("e").started(1764147000)
        .nodes(configured ? List.of("n3", "n1", "n2") : List.of()).derivedState(new ServiceAggregator()).build();
    double now = 1764147000;
    List<Event> history = new ArrayList<>(state.start(now));
    Map<String, ObjectNode> sent = new HashMap<>();
    Map<String, Long> gens = new HashMap<>();
    List<String> log = new ArrayList<>();
    for (int op : ops) {
      Random r = new Random(op);
      String n = RandomCluster.pick(r, SENDERS);
      now += 1;
      List<Event> events;
      switch (op % 10) {
        case 0, 1 -> {
          ObjectNode data = RandomCluster.nodeData(r);
          sent.put(n, data.deepCopy());
          long g = gens.merge(n, 1L, Long::sum);
          log.add("full " + n + " " + g);
          events = apply(state, full(n, g, data), now);
        }
        case 2, 3, 4 -> {
          ObjectNode model = sent.computeIfAbsent(n, k -> Json.NODES.objectNode());
          ObjectNode deltas = Json.NODES.objectNode();
          int generations = 1 + r.nextInt(2);
          for (int i = 0; i < generations; i++) {
            long g = gens.merge(n, 1L, Long::sum);
            ArrayNode stanzas = deltas.putArray(Long.toString(g));
            for (int k = r.nextInt(3); k >= 0; k--) {
              Stanza s = randomChange(r, model);
              StanzaApplier.apply(model, s);
              stanzas.add(s.toJson());
            }
          }
          log.add("patch " + n + " " + deltas.properties().stream().map(Map.Entry::getKey).toList());
          events = apply(state, patch(n, gens.get(n), deltas), now);
        }
        case 5 -> {
          log.add("ping " + n);
          events = apply(state, ping(n, gens.getOrDefault(n, 0L), r), now);
        }
        case 6 -> {
          log.add("stale " + n);
          events = state.markStale(n, now);
        }
        case 7 -> {
          log.add("beating " + n);
          events = state.markBeating(n, now);
        }
        case 8 -> {
          log.add("forget " + n);
          events = state.forget(n, now);
          sent.remove(n);
        }
        default -> {
          log.add("event " + n);
          ObjectNode ev = Json.NODES.objectNode();
          ev.put("nodename", n).put("kind", "event").putObject("data").put("id", "instance_freeze");
          events = apply(state, HeartbeatMessage.parse(ev), now);
        }
      }
      history.addAll(events);
      Set<String> stale = state.nodes().stream().filter(i -> i.status() != NodeInfo.Liveness.BEATING)
          .map(NodeInfo::nodename).collect(Collectors.toSet());
      JsonNode doc = state.document();
      assertThat(doc.get("monitor").get("services")).as("after %s", log)
          .isEqualTo(ServiceAggregates.computeAll(doc, stale));
      assertThat(doc.get("monitor").get("frozen").textValue()).as("after %s", log)
          .isEqualTo(ServiceAggregates.clusterFrozen(doc.get("monitor").get("nodes"), ServiceAggregates.clusterNodes(doc), stale));
      for (int i = 0; i < events.size(); i++) {
        Event e = events.get(i);
        boolean derived = e.isPatch() && e.nodename().equals("gw1")
            && e.stanzas().stream().allMatch(s -> s.path().startsWith(Path.of("monitor", "services"))
                || s.path().equals(Path.of("monitor", "frozen")));
        if (derived) {
          assertThat(i).as("a gateway aggregate patch follows its cause, after %s", log).isPositive();
          Event cause = events.get(i - 1);
          assertThat(cause.isPatch() && cause.nodename().equals("gw1") && cause.stanzas().get(0).path()
              .startsWith(Path.of("monitor", "services"))).as("two aggregate patches in a row, after %s", log).isFalse();
        }
      }
    }
    ClusterState replica = config.build();
    history.forEach(replica::replay);
    assertThat(replica.document()).as("replayed after %s", log).isEqualTo(state.document());
  }

  private static List<Event> apply(ClusterState state, HeartbeatMessage m, double now) {
    ApplyOutcome o = state.apply(m, now);
    assertThat(o.derivedError()).isNull();
    return o.events();
  }

  /** A change a node could make to its own data, valid on {@code model}. */
  private static Stanza randomChange(Random r, ObjectNode model) {
    String p = RandomCluster.pick(r, RandomCluster.PATHS);
    JsonNode services = model.get("services");
    switch (r.nextInt(6)) {
      case 0 -> {
        return Stanza.set(Path.of("frozen"), r.nextBoolean() ? Json.NODES.numberNode(0) : Json.NODES.numberNode(1.5));
      }
      case 1 -> {
        return Stanza.set(Path.of("stats"), Json.NODES.objectNode().put("load", r.nextInt(9)));
      }
      default -> {
        if (services == null || !services.isObject()) {
          ObjectNode fresh = Json.NODES.objectNode();
          fresh.putObject("config").putObject(p);
          fresh.putObject("status").set(p, RandomCluster.instance(r, p));
          return Stanza.set(Path.of("services"), fresh);
        }
        String section = r.nextBoolean() ? "config" : "status";
        JsonNode sec = services.get(section);
        if (sec == null || !sec.isObject()) {
          return Stanza.set(Path.of("services", section), Json.NODES.objectNode());
        }
        if (sec.has(p) && r.nextInt(3) == 0) {
          return Stanza.delete(Path.of("services", section, p));
        }
        if (section.equals("status") && sec.has(p) && sec.get(p).isObject() && r.nextBoolean()) {
          String key = RandomCluster.pick(r, List.of("avail", "overall", "frozen", "updated"));
          JsonNode v = RandomCluster.instance(r, p).get(key);
          return Stanza.set(Path.of("services", section, p, key), v == null ? Json.NODES.textNode("down") : v);
        }
        return Stanza.set(Path.of("services", section, p),
            section.equals("status") ? RandomCluster.instance(r, p) : Json.NODES.objectNode().put("csum", "z"));
      }
    }
  }

  private static HeartbeatMessage full(String n, long g, ObjectNode data) {
    ObjectNode m = Json.NODES.objectNode();
    m.put("nodename", n).put("kind", "full").putObject("gen").put(n, g);
    m.set("data", data);
    return HeartbeatMessage.parse(m);
  }

  private static HeartbeatMessage patch(String n, long g, ObjectNode deltas) {
    ObjectNode m = Json.NODES.objectNode();
    m.put("nodename", n).put("kind", "patch").putObject("gen").put(n, g);
    m.set("deltas", deltas);
    return HeartbeatMessage.parse(m);
  }

  private static HeartbeatMessage ping(String n, long g, Random r) {
    ObjectNode m = Json.NODES.objectNode();
    m.put("nodename", n).put("kind", "ping").putObject("gen").put(n, g);
    m.putObject("monitor").put("status", r.nextBoolean() ? "idle" : "maintenance");
    return HeartbeatMessage.parse(m);
  }
}
