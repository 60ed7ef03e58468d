package io.svcgate.state.aggregates;

import static io.svcgate.state.aggregates.TestCluster.j;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.svcgate.state.Json;
import io.svcgate.state.Path;
import io.svcgate.state.Stanza;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The incremental aggregator: which stanzas it answers, and that they are the difference. */
class ServiceAggregatorTest {

  private TestCluster c;
  private ServiceAggregator aggregator;

  @BeforeEach
  void e1() {
    c = new TestCluster("n1", "n2");
    c.instance("n1", "web", "{'topology': 'failover', 'avail': 'up', 'overall': 'up', 'provisioned': true,"
        + " 'monitor': {'status': 'idle', 'placement': 'leader'}}");
    c.instance("n2", "web", "{'topology': 'failover', 'avail': 'down', 'overall': 'down', 'provisioned': true}");
    aggregator = new ServiceAggregator();
    List<Stanza> first = aggregator.resync(c.document, c.stale);
    assertThat(printed(first)).containsExactly(
        "[\"monitor\",\"services\",\"web\"] = {\"avail\":\"up\",\"frozen\":\"thawed\",\"overall\":\"up\","
            + "\"placement\":\"optimal\",\"provisioned\":true}",
        "[\"monitor\",\"frozen\"] = \"thawed\"");
    apply(first);
  }

  private static List<String> printed(List<Stanza> stanzas) {
    return stanzas.stream()
        .map(s -> s.path() + (s.isDelete() ? " deleted" : " = " + Json.compact(s.value())))
        .collect(Collectors.toList());
  }

  private void apply(List<Stanza> stanzas) {
    StanzaApplier.apply(c.document, stanzas);
    assertThat(c.document.get("monitor").get("services")).isEqualTo(c.compute());
  }

  private List<Stanza> changed(Object... absolutePath) {
    List<Stanza> s = aggregator.update(c.document, c.stale, List.of(Path.of(absolutePath)));
    apply(s);
    return s;
  }

  private static Object[] status(String node, String path, Object... more) {
    Object[] p = new Object[6 + more.length];
    System.arraycopy(new Object[] {"monitor", "nodes", node, "services", "status", path}, 0, p, 0, 6);
    System.arraycopy(more, 0, p, 6, more.length);
    return p;
  }

  @Test
  void aChangeGivesOneStanzaPerChangedKey() {
    c.instance("n2", "web", "{'topology': 'failover', 'avail': 'up', 'overall': 'up', 'provisioned': true}");
    assertThat(printed(changed(status("n2", "web")))).containsExactly(
        "[\"monitor\",\"services\",\"web\",\"avail\"] = \"warn\"",
        "[\"monitor\",\"services\",\"web\",\"placement\"] = \"non-optimal\"");
  }

  @Test
  void changesThatCannotMatterGiveNothing() {
    c.node("n1").putObject("stats").put("load_15m", 0.3);
    assertThat(changed("monitor", "nodes", "n1", "stats")).isEmpty();
    assertThat(changed("monitor", "nodes", "n1", "monitor")).isEmpty();
    assertThat(changed("gateway", "started")).isEmpty();
    ((ObjectNode) c.document.get("monitor").get("nodes").get("n1").get("services").get("status").get("web"))
        .putObject("resources").put("fs#1", "up");
    assertThat(changed(status("n1", "web", "resources", "fs#1"))).isEmpty();
    assertThat(aggregator.updateNodes(c.document, c.stale, List.of("n1", "n2"))).isEmpty();
  }

  @Test
  void aNewObjectIsSetWholeAndAVanishedOneDeleted() {
    c.instance("n1", "db", "{'topology': 'failover', 'avail': 'down', 'overall': 'down'}");
    assertThat(printed(changed("monitor", "nodes", "n1", "services", "config", "db"))).containsExactly(
        "[\"monitor\",\"services\",\"db\"] = {\"avail\":\"down\",\"frozen\":\"thawed\",\"overall\":\"down\","
            + "\"placement\":\"optimal\",\"provisioned\":\"n/a\"}");
    ((ObjectNode) c.node("n1").get("services").get("config")).remove("db");
    assertThat(printed(changed("monitor", "nodes", "n1", "services", "config", "db")))
        .containsExactly("[\"monitor\",\"services\",\"db\"] deleted");
  }

  @Test
  void aKeyThatGoesAwayIsDeleted() {
    c.instance("n1", "web", "{'topology': 'failover', 'avail': 'up', 'overall': 'up', 'provisioned': true, 'scale': 1,"
        + " 'monitor': {'status': 'idle', 'placement': 'leader'}}");
    assertThat(printed(changed(status("n1", "web", "scale")))).contains("[\"monitor\",\"services\",\"web\",\"scale\"] = 1");
    c.instance("n1", "web", "{'topology': 'failover', 'avail': 'up', 'overall': 'up', 'provisioned': true,"
        + " 'monitor': {'status': 'idle', 'placement': 'leader'}}");
    assertThat(printed(changed(status("n1", "web", "scale")))).contains("[\"monitor\",\"services\",\"web\",\"scale\"] deleted");
  }

  @Test
  void staleNodesLeaveAndReenterTheAggregates() {
    c.instance("n2", "db", "{'topology': 'failover', 'avail': 'up', 'overall': 'up'}");
    changed("monitor", "nodes", "n2");
    c.stale.add("n1");
    List<Stanza> s = aggregator.update(c.document, c.stale, List.of());
    assertThat(printed(s)).containsExactlyInAnyOrder(
        "[\"monitor\",\"services\",\"web\",\"avail\"] = \"down\"",
        "[\"monitor\",\"services\",\"web\",\"overall\"] = \"down\"");
    apply(s);
    c.stale.add("n2");
    s = aggregator.update(c.document, c.stale, List.of());
    assertThat(printed(s)).containsExactlyInAnyOrder(
        "[\"monitor\",\"services\",\"web\"] deleted",
        "[\"monitor\",\"services\",\"db\"] deleted",
        "[\"monitor\",\"frozen\"] = \"n/a\"");
    apply(s);
    c.stale.remove("n2");
    s = aggregator.update(c.document, c.stale, List.of());
    assertThat(printed(s)).as("n2 beats again").containsExactlyInAnyOrder(
        "[\"monitor\",\"services\",\"web\"] = {\"avail\":\"down\",\"frozen\":\"thawed\",\"overall\":\"down\","
            + "\"placement\":\"optimal\",\"provisioned\":true}",
        "[\"monitor\",\"services\",\"db\"] = {\"avail\":\"up\",\"frozen\":\"thawed\",\"overall\":\"up\","
            + "\"placement\":\"optimal\",\"provisioned\":\"n/a\"}",
        "[\"monitor\",\"frozen\"] = \"thawed\"");
    apply(s);
    c.stale.clear();
    List<Stanza> back = aggregator.update(c.document, c.stale, List.of());
    apply(back);
    assertThat(c.document.at("/monitor/services/web/avail").textValue()).isEqualTo("up");
    assertThat(c.document.at("/monitor/frozen").textValue()).isEqualTo("thawed");
  }

  @Test
  void aForgottenNodeStopsCounting() {
    c.instance("n2", "db", "{'topology': 'failover', 'avail': 'up', 'overall': 'up'}");
    changed("monitor", "nodes", "n2");
    c.nodes().remove("n2");
    List<Stanza> s = aggregator.updateNodes(c.document, c.stale, List.of("n2"));
    assertThat(printed(s)).contains("[\"monitor\",\"services\",\"db\"] deleted");
    apply(s);
  }

  @Test
  void aChangeOfClusterNodesRecomputesEverything() {
    ArrayNode nodes = (ArrayNode) c.document.get("cluster").get("nodes");
    nodes.removeAll().add("n2").add("n1");
    assertThat(changed("cluster", "nodes")).isEmpty();
    nodes.removeAll().add("n2");
    assertThat(printed(changed("cluster", "nodes"))).containsExactlyInAnyOrder(
        "[\"monitor\",\"services\",\"web\",\"avail\"] = \"down\"",
        "[\"monitor\",\"services\",\"web\",\"overall\"] = \"down\"");
  }

  @Test
  void monitorFrozenFollowsTheNodes() {
    c.node("n1").put("frozen", 1764147000.5);
    assertThat(printed(changed("monitor", "nodes", "n1", "frozen"))).containsExactly("[\"monitor\",\"frozen\"] = \"mixed\"");
    c.node("n2").put("frozen", true);
    assertThat(printed(changed("monitor", "nodes", "n2", "frozen"))).containsExactly("[\"monitor\",\"frozen\"] = \"frozen\"");
  }

  @Test
  void parentsFollowTheirChildrenInTheSameAnswerChildrenFirst() {
    for (String n : List.of("n1", "n2")) {
      c.instance(n, "grp", "{'topology': 'failover', 'avail': 'n/a', 'overall': 'n/a', 'slaves': ['web']}");
    }
    changed("monitor", "nodes");
    assertThat(c.document.at("/monitor/services/grp/avail").textValue()).isEqualTo("up");
    c.instance("n1", "web", "{'topology': 'failover', 'avail': 'down', 'overall': 'down', 'provisioned': true,"
        + " 'monitor': {'status': 'idle', 'placement': 'leader'}}");
    assertThat(printed(changed(status("n1", "web", "avail")))).containsExactly(
        "[\"monitor\",\"services\",\"web\",\"avail\"] = \"down\"",
        "[\"monitor\",\"services\",\"web\",\"overall\"] = \"down\"",
        "[\"monitor\",\"services\",\"web\",\"placement\"] = \"n/a\"",
        "[\"monitor\",\"services\",\"grp\",\"avail\"] = \"down\"",
        "[\"monitor\",\"services\",\"grp\",\"overall\"] = \"down\"");
  }

  @Test
  void aScalerFollowsALeftoverSliceThatIsNotItsChild() {
    c.instance("n1", "ns1/svc/sc", "{'topology': 'flex', 'avail': 'n/a', 'overall': 'n/a', 'scale': 1,"
        + " 'scaler_slaves': ['0.sc']}");
    c.instance("n1", "ns1/svc/0.sc", "{'topology': 'failover', 'avail': 'down', 'overall': 'down'}");
    c.instance("n1", "ns1/svc/7.sc", "{'topology': 'failover', 'avail': 'down', 'overall': 'down'}");
    changed("monitor", "nodes", "n1");
    assertThat(c.document.at("/monitor/services/ns1~1svc~1sc/avail").textValue()).isEqualTo("n/a");
    c.instance("n1", "ns1/svc/7.sc", "{'topology': 'failover', 'avail': 'up', 'overall': 'up'}");
    assertThat(printed(changed(status("n1", "ns1/svc/7.sc")))).contains(
        "[\"monitor\",\"services\",\"ns1/svc/sc\",\"avail\"] = \"down\"");
  }

  @Test
  void aCycleOfSlavesGivesTheSameAnswerWhateverCameBefore() {
    c.instance("n1", "a", "{'topology': 'failover', 'avail': 'n/a', 'overall': 'n/a', 'slaves': ['b']}");
    c.instance("n1", "b", "{'topology': 'failover', 'avail': 'up', 'overall': 'up', 'slaves': ['a']}");
    changed("monitor", "nodes", "n1");
    ObjectNode services = (ObjectNode) c.document.get("monitor").get("services");
    assertThat(services.get("a").get("avail").textValue()).isEqualTo("up");
    assertThat(services.get("b").get("avail").textValue()).isEqualTo("up");
    // a wrong starting map does not change the answer
    ((ObjectNode) services.get("a")).put("avail", "down");
    c.instance("n1", "b", "{'topology': 'failover', 'avail': 'up', 'overall': 'up', 'slaves': ['a'], 'x': 1}");
    apply(aggregator.update(c.document, c.stale, List.of(Path.of(status("n1", "b")))));
    assertThat(services.get("a").get("avail").textValue()).isEqualTo("up");
  }

  @Test
  void withoutMonitorServicesTheWholeMapIsSet() {
    ((ObjectNode) c.document.get("monitor")).remove("services");
    List<Stanza> s = aggregator.update(c.document, c.stale, List.of());
    assertThat(s).hasSize(1);
    assertThat(s.get(0).path()).isEqualTo(ServiceAggregator.SERVICES);
    assertThat(s.get(0).value()).isEqualTo(c.compute());
  }

  @Test
  void resyncDeletesAggregatesOfPathsThatHaveNone() {
    ((ObjectNode) c.document.get("monitor").get("services")).set("ghost", j("{'avail': 'up'}"));
    assertThat(printed(aggregator.resync(c.document, c.stale)))
        .containsExactly("[\"monitor\",\"services\",\"ghost\"] deleted");
  }

  @Test
  void badDocumentsAreRefusedWithAClearMessage() {
    assertThatThrownBy(() -> aggregator.update(j("[]"), Set.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the cluster-state document must be a JSON object");
    assertThatThrownBy(() -> aggregator.update(j("{'monitor': 1}"), Set.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the cluster-state document has no \"monitor\" object");
  }
}
