package io.svcgate.state.aggregates;

import static io.svcgate.state.aggregates.TestCluster.j;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.svcgate.state.ApplyOutcome;
import io.svcgate.state.ClusterState;
import io.svcgate.state.Event;
import io.svcgate.state.HeartbeatMessage;
import io.svcgate.state.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The aggregator plugged into {@link ClusterState} as its {@code DerivedState}: what a
 * client of the event stream sees. Each call that changes node data (a full, a patch
 * message, a ping), each stale/beating transition and each forget is followed by one
 * gateway patch event with the aggregates' difference, when there is one.
 */
class ClusterStateAggregatesTest {

  private static final String WEB_UP = "{'updated': 1764147001.0, 'topology': 'failover', 'placement': 'nodes order',"
      + " 'avail': 'up', 'overall': 'up', 'frozen': 0, 'provisioned': true,"
      + " 'monitor': {'status': 'idle', 'placement': 'leader'}}";
  private static final String WEB_DOWN = "{'updated': 1764147001.0, 'topology': 'failover', 'placement': 'nodes order',"
      + " 'avail': 'down', 'overall': 'down', 'frozen': 0, 'provisioned': true,"
      + " 'monitor': {'status': 'idle', 'placement': ''}}";

  private ClusterState state;
  private double now = 1764147000;
  private final List<Event> history = new ArrayList<>();

  @BeforeEach
  void start() {
    state = ClusterState.builder().gatewayNodename("gw1").clusterName("demo").epoch("ep1").started(now)
        .nodes(List.of("n1", "n2")).derivedState(new ServiceAggregator()).build();
    List<Event> started = record(state.start(now));
    assertThat(described(started)).containsExactly(
        "event gw1 monitor_started",
        "patch gw1 [[[\"monitor\",\"frozen\"],\"n/a\"]]");
    assertThat(state.document().get("monitor").get("services")).isEqualTo(j("{}"));
  }

  private List<Event> record(List<Event> events) {
    history.addAll(events);
    return events;
  }

  private static List<String> described(List<Event> events) {
    return events.stream()
        .map(e -> e.kind() + " " + e.nodename() + " " + (e.isPatch() ? Json.compact(e.data()) : e.eventId()))
        .collect(Collectors.toList());
  }

  private ApplyOutcome apply(String message) {
    now += 0.5;
    ApplyOutcome o = state.apply(HeartbeatMessage.parse(j(message)), now);
    assertThat(o.derivedError()).isNull();
    record(o.events());
    return o;
  }

  private void full(String node, long gen, String services) {
    apply("{'nodename': '" + node + "', 'kind': 'full', 'gen': {'" + node + "': " + gen + "},"
        + " 'data': {'frozen': 0, 'services': " + services + "}}");
  }

  private JsonNode services() {
    return state.document().get("monitor").get("services");
  }

  private Set<String> stale() {
    return state.nodes().stream().filter(n -> n.status() != io.svcgate.state.NodeInfo.Liveness.BEATING)
        .map(io.svcgate.state.NodeInfo::nodename).collect(Collectors.toSet());
  }

  @Test
  void aFullIsFollowedByTheGatewaysAggregatePatch() {
    full("n1", 1, "{'config': {'web': {}}, 'status': {'web': " + WEB_UP + "}}");
    List<Event> last = history.subList(history.size() - 2, history.size());
    assertThat(last.get(0).nodename()).isEqualTo("n1");
    assertThat(last.get(1).nodename()).isEqualTo("gw1");
    assertThat(last.get(1).id()).isEqualTo(last.get(0).id() + 1);
    assertThat(Json.compact(last.get(1).data())).isEqualTo("[[[\"monitor\",\"services\",\"web\"],{\"avail\":\"up\","
        + "\"frozen\":\"thawed\",\"overall\":\"up\",\"placement\":\"optimal\",\"provisioned\":true}],"
        + "[[\"monitor\",\"frozen\"],\"thawed\"]]");
  }

  @Test
  void aPatchMessageIsFollowedByItsDifference() {
    full("n1", 1, "{'config': {'web': {}}, 'status': {'web': " + WEB_UP + "}}");
    int from = history.size();
    apply("{'nodename': 'n1', 'kind': 'patch', 'gen': {'n1': 3}, 'deltas': {"
        + "'2': [[['services', 'status', 'web', 'avail'], 'down']],"
        + "'3': [[['stats'], {'load_15m': 1}], [['services', 'status', 'web', 'avail'], 'warn']]}}");
    assertThat(described(history.subList(from, history.size()))).containsExactly(
        "patch n1 [[[\"monitor\",\"nodes\",\"n1\",\"services\",\"status\",\"web\",\"avail\"],\"down\"]]",
        "patch n1 [[[\"monitor\",\"nodes\",\"n1\",\"stats\"],{\"load_15m\":1}],"
            + "[[\"monitor\",\"nodes\",\"n1\",\"services\",\"status\",\"web\",\"avail\"],\"warn\"]]",
        "patch gw1 [[[\"monitor\",\"services\",\"web\",\"avail\"],\"warn\"]]");
  }

  @Test
  void changesThatDoNotMatterMakeNoGatewayEvent() {
    full("n1", 1, "{'config': {'web': {}}, 'status': {'web': " + WEB_UP + "}}");
    int from = history.size();
    apply("{'nodename': 'n1', 'kind': 'patch', 'gen': {'n1': 2}, 'deltas': {'2': [[['stats'], {'load_15m': 1}]]}}");
    apply("{'nodename': 'n1', 'kind': 'ping', 'gen': {'n1': 2}, 'monitor': {'status': 'idle'}}");
    assertThat(history.subList(from, history.size())).extracting(Event::nodename).containsOnly("n1");
  }

  @Test
  void staleNodesLeaveAndReenterTheAggregates() {
    full("n1", 1, "{'config': {'web': {}}, 'status': {'web': " + WEB_UP + "}}");
    full("n2", 1, "{'config': {'web': {}}, 'status': {'web': " + WEB_DOWN + "}}");
    assertThat(services().get("web").get("avail").textValue()).isEqualTo("up");

    List<Event> stale = record(state.markStale("n1", now += 15));
    assertThat(described(stale)).containsExactly(
        "event gw1 hb_stale",
        "patch gw1 [[[\"monitor\",\"services\",\"web\",\"avail\"],\"down\"],[[\"monitor\",\"services\",\"web\",\"overall\"],\"down\"]]");
    assertThat(state.document().at("/monitor/nodes/n1/services/status/web/avail").textValue())
        .as("the stale node's data stays visible").isEqualTo("up");

    List<Event> back = record(state.markBeating("n1", now += 1));
    assertThat(described(back)).containsExactly(
        "event gw1 hb_beating",
        "patch gw1 [[[\"monitor\",\"services\",\"web\",\"avail\"],\"up\"],[[\"monitor\",\"services\",\"web\",\"overall\"],\"up\"]]");

    record(state.markStale("n2", now += 15));
    assertThat(services().get("web").get("placement").textValue()).isEqualTo("optimal");
    int from = history.size();
    full("n2", 2, "{'config': {'web': {}}, 'status': {'web': " + WEB_UP + "}}");
    assertThat(described(history.subList(from, history.size()))).extracting(s -> s.substring(0, 15)).containsExactly(
        "event gw1 hb_be", "patch n2 [[[\"mo", "patch gw1 [[[\"m");
    assertThat(services().get("web").get("avail").textValue()).isEqualTo("warn");
    assertThat(services()).isEqualTo(ServiceAggregates.computeAll(state.document(), stale()));
  }

  @Test
  void aStaleNodeHeardAgainCountsAtOnce() {
    full("n1", 1, "{'config': {'web': {}}, 'status': {'web': " + WEB_UP + "}}");
    record(state.markStale("n1", now += 15));
    assertThat(services().has("web")).isFalse();
    int from = history.size();
    apply("{'nodename': 'n1', 'kind': 'event', 'data': {'id': 'node_config_change'}}");
    assertThat(described(history.subList(from, history.size()))).extracting(s -> s.substring(0, 15)).containsExactly(
        "event gw1 hb_be", "event n1 node_c", "patch gw1 [[[\"m");
    assertThat(services().get("web").get("avail").textValue()).isEqualTo("up");
  }

  @Test
  void aForgottenNodeLeavesTheAggregates() {
    full("n1", 1, "{'config': {'web': {}}, 'status': {'web': " + WEB_UP + "}}");
    full("n2", 1, "{'config': {'web': {}, 'db': {}}, 'status': {'web': " + WEB_DOWN + "}}");
    List<Event> forgot = record(state.forget("n2", now += 1));
    assertThat(described(forgot)).containsExactly(
        "patch gw1 [[[\"monitor\",\"nodes\",\"n2\"]]]",
        "event gw1 forget_peer",
        "patch gw1 [[[\"monitor\",\"services\",\"db\"]]]");
  }

  @Test
  void learnedClusterNodesCountInTheOrderFirstHeard() {
    state = ClusterState.builder().gatewayNodename("gw1").derivedState(new ServiceAggregator()).build();
    state.start(now);
    state.apply(HeartbeatMessage.parse(j("{'nodename': 'n2', 'kind': 'full', 'gen': {'n2': 1}, 'data': {'services': "
        + "{'config': {'web': {}}, 'status': {'web': " + WEB_UP.replace("'failover'", "'flex'") + "}}}}")), now);
    ApplyOutcome o = state.apply(HeartbeatMessage.parse(j("{'nodename': 'n1', 'kind': 'full', 'gen': {'n1': 1}, 'data': "
        + "{'services': {'config': {'web': {}}, 'status': {'web': " + WEB_UP + "}}}}")), now);
    assertThat(described(o.events())).extracting(s -> s.substring(0, 15))
        .as("cluster.nodes learns n1, n1's data; the aggregate does not change")
        .containsExactly("patch gw1 [[[\"c", "patch n1 [[[\"mo");
    assertThat(state.document().at("/cluster/nodes")).isEqualTo(j("['n2', 'n1']"));
    // n2 was heard first: its flex instance is the first entry, two up of max 2 → up;
    // in the order n1, n2 the failover rule would say warn
    assertThat(services().get("web").get("avail").textValue()).isEqualTo("up");
    ObjectNode reordered = state.document().deepCopy();
    ((com.fasterxml.jackson.databind.node.ArrayNode) reordered.get("cluster").get("nodes")).removeAll().add("n1").add("n2");
    assertThat(ServiceAggregates.computeAll(reordered, Set.of()).get("web").get("avail").textValue()).isEqualTo("warn");
  }

  @Test
  void theWorkedExamplesArriveAsHeartbeats() throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/aggregates/examples.json")) {
      for (JsonNode example : Json.MAPPER.readTree(in)) {
        List<String> nodes = new ArrayList<>();
        example.at("/document/cluster/nodes").forEach(n -> nodes.add(n.textValue()));
        state = ClusterState.builder().gatewayNodename("gw1").nodes(nodes).derivedState(new ServiceAggregator()).build();
        // each example's nodes arrive one by one, in the order of monitor.nodes
        state.start(now);
        example.at("/document/monitor/nodes").fields().forEachRemaining(e -> {
          ObjectNode full = Json.NODES.objectNode();
          full.put("nodename", e.getKey()).put("kind", "full").putObject("gen").put(e.getKey(), 1);
          full.set("data", e.getValue());
          ApplyOutcome o = state.apply(HeartbeatMessage.parse(full), now);
          assertThat(o.derivedError()).isNull();
        });
        assertThat(services()).as(example.get("name").textValue()).isEqualTo(example.get("expected"));
      }
    }
  }

  @Test
  void theHistoryReplaysToTheSameDocument() {
    full("n1", 1, "{'config': {'web': {}}, 'status': {'web': " + WEB_UP + "}}");
    full("n2", 1, "{'config': {'web': {}}, 'status': {'web': " + WEB_DOWN + "}}");
    record(state.markStale("n1", now += 15));
    record(state.forget("n2", now += 1));
    ClusterState replica = ClusterState.builder().gatewayNodename("gw1").clusterName("demo").epoch("ep1")
        .started(1764147000).nodes(List.of("n1", "n2")).build();
    history.forEach(replica::replay);
    assertThat(replica.document()).isEqualTo(state.document());
  }
}
