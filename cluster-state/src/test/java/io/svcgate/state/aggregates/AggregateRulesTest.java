package io.svcgate.state.aggregates;

import static io.svcgate.state.aggregates.TestCluster.j;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each rule of aggregates.md §2, §4, §5, §6 and §8, branch by branch. */
class AggregateRulesTest {

  /** Counted instances from a JSON list written with single quotes; updated is added. */
  static List<ObjectNode> counted(String list) {
    List<ObjectNode> out = new ArrayList<>();
    for (JsonNode i : j(list)) {
      ObjectNode o = (ObjectNode) i;
      o.put("updated", 1.0);
      out.add(o);
    }
    return out;
  }

  static String text(JsonNode v) {
    return v.isTextual() ? v.textValue() : v.toString();
  }

  @Nested
  class WhichNodes {

    @Test
    void onlyClusterNodesCountAndOnlyConfigMakesAnAggregate() {
      TestCluster c = new TestCluster("n1", "n2");
      c.instance("n1", "web", "{'topology': 'failover', 'avail': 'down', 'overall': 'down'}");
      c.instance("drp1", "web", "{'topology': 'failover', 'avail': 'up', 'overall': 'up'}");
      c.instance("drp1", "other", "{'topology': 'failover', 'avail': 'up', 'overall': 'up'}");
      c.raw("n2", "orphan", j("{'updated': 1, 'topology': 'failover', 'avail': 'up'}"));
      assertThat(c.compute().size()).isEqualTo(1);
      assertThat(c.value("web", "avail")).isEqualTo("down");
    }

    @Test
    void clusterNodesOrderDecidesTheFirstEntryNotMonitorNodesOrder() {
      TestCluster c = new TestCluster("n2", "n1");
      c.instance("n1", "web", "{'topology': 'flex', 'avail': 'up'}");
      c.instance("n2", "web", "{'topology': 'failover', 'avail': 'up'}");
      // n2 is first in cluster.nodes: failover with two up instances
      assertThat(c.value("web", "avail")).isEqualTo("warn");
      TestCluster d = new TestCluster("n1", "n2");
      d.document.set("monitor", c.document.get("monitor").deepCopy());
      assertThat(d.value("web", "avail")).isEqualTo("up");
    }

    @Test
    void emptyEntriesAndNodesWithoutServicesContributeNothing() {
      TestCluster c = new TestCluster("n1", "n2", "n3", "n4");
      c.instance("n1", "web", "{'topology': 'failover', 'avail': 'up', 'overall': 'up'}");
      c.nodes().putObject("n2");
      c.nodes().putObject("n3").put("frozen", 0);
      c.nodes().put("n4", "garbage");
      assertThat(c.value("web", "avail")).isEqualTo("up");
      assertThat(c.value("web", "placement")).isEqualTo("optimal");
    }

    @Test
    void staleNodesDoNotCount() {
      TestCluster c = new TestCluster("n1", "n2");
      c.instance("n1", "web", "{'topology': 'failover', 'avail': 'up', 'overall': 'up', 'monitor': {'placement': 'leader'}}");
      c.instance("n2", "web", "{'topology': 'failover', 'avail': 'up', 'overall': 'up'}");
      c.instance("n2", "db", "{'topology': 'failover', 'avail': 'up', 'overall': 'up'}");
      assertThat(c.value("web", "avail")).isEqualTo("warn");
      c.stale.add("n2");
      assertThat(c.value("web", "avail")).isEqualTo("up");
      assertThat(c.compute().has("db")).as("a path configured only on a stale node").isFalse();
    }

    @Test
    void nodeLevelStateIsNotRead() {
      TestCluster c = new TestCluster("n1");
      c.instance("n1", "web", "{'topology': 'failover', 'avail': 'up', 'overall': 'up'}");
      c.node("n1").put("frozen", 1764147000.5);
      c.node("n1").putObject("monitor").put("status", "maintenance");
      assertThat(c.value("web", "frozen")).isEqualTo("thawed");
      assertThat(c.value("web", "avail")).isEqualTo("up");
    }

    @Test
    void withoutClusterNodesTheNodesCountInTheOrderFirstHeard() {
      TestCluster c = new TestCluster();
      c.document.remove("cluster");
      c.instance("n2", "web", "{'topology': 'failover', 'avail': 'up'}");
      c.instance("n1", "web", "{'topology': 'flex', 'avail': 'up'}");
      assertThat(c.clusterNodes()).containsExactly("n2", "n1");
      assertThat(c.value("web", "avail")).isEqualTo("warn");
    }

    @Test
    void duplicateAndNonStringClusterNodesAreIgnored() {
      TestCluster c = new TestCluster("n1", "n2", "n1");
      ((com.fasterxml.jackson.databind.node.ArrayNode) c.document.get("cluster").get("nodes")).add(3);
      assertThat(c.clusterNodes()).containsExactly("n1", "n2");
    }

    @Test
    void nonObjectStatusEntriesAreNotEntries() {
      TestCluster c = new TestCluster("n1", "n2");
      c.config("n1", "web");
      c.raw("n1", "web", j("'broken'"));
      c.instance("n2", "web", "{'topology': 'failover', 'avail': 'up', 'overall': 'up'}");
      assertThat(c.value("web", "avail")).isEqualTo("up");
    }
  }

  @Nested
  class Avail {

    @Test
    void noStatusEntryIsUnknown() {
      TestCluster c = new TestCluster("n1");
      c.config("n1", "web");
      assertThat(c.value("web", "avail")).isEqualTo("unknown");
    }

    @Test
    void aPlaceholderFirstMakesItUnknown() {
      TestCluster c = new TestCluster("n1", "n2");
      c.placeholder("n1", "web");
      c.instance("n2", "web", "{'topology': 'failover', 'avail': 'up', 'overall': 'up'}");
      assertThat(c.value("web", "avail")).isEqualTo("unknown");
      assertThat(c.value("web", "overall")).isEqualTo("up");
    }

    @Test
    void aPlaceholderAfterwardsIsLeftOut() {
      TestCluster c = new TestCluster("n1", "n2");
      c.instance("n1", "web", "{'topology': 'failover', 'avail': 'up', 'overall': 'up'}");
      c.raw("n2", "web", j("{'updated': 0, 'avail': 'up', 'overall': 'warn', 'provisioned': false}"));
      assertThat(c.value("web", "avail")).isEqualTo("up");
      assertThat(c.value("web", "overall")).isEqualTo("up");
      assertThat(c.value("web", "provisioned")).isEqualTo("n/a");
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "missing topology; {'avail': 'up'}",
        "an unknown topology; {'topology': 'spanx', 'avail': 'up'}",
    })
    void anOtherTopologyIsUnknown(String what, String fields) {
      TestCluster c = new TestCluster("n1");
      c.instance("n1", "web", fields);
      assertThat(c.value("web", "avail")).as(what).isEqualTo("unknown");
    }

    @ParameterizedTest(name = "failover {0} -> {1}")
    @CsvSource(delimiter = ';', value = {
        "[{'avail': 'up'}, {'avail': 'warn'}]; up",
        "[{'avail': 'up'}, {'avail': 'down'}, {'avail': 'n/a'}]; up",
        "[]; n/a",
        "[{'overall': 'up'}]; n/a",
        "[{'avail': 'n/a'}, {'avail': 'n/a'}]; n/a",
        "[{'avail': 'up'}, {'avail': 'up'}]; warn",
        "[{'avail': 'up'}, {'avail': 'up'}, {'avail': 'warn'}]; warn",
        "[{'avail': 'warn'}, {'avail': 'down'}]; warn",
        "[{'avail': 'down'}, {'avail': 'stdby up'}, {'avail': 'stdby down'}]; down",
        "[{'avail': 'undef'}, {'avail': 'n/a'}]; down",
        "[{'avail': 'down'}]; down",
    })
    void failoverRule(String instances, String expected) {
      assertThat(text(AggregateRules.failoverAvail(counted(instances)))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "flex {0} -> {1}")
    @CsvSource(delimiter = ';', value = {
        "[]; n/a",
        "[{'avail': 'n/a'}]; n/a",
        "[{'avail': 'down'}, {'avail': 'warn'}]; warn",
        "[{'avail': 'down'}, {'avail': 'stdby up'}]; down",
        "[{'avail': 'up'}, {'avail': 'up'}, {'avail': 'down', 'flex_max': 1}]; warn",
        "[{'avail': 'up'}, {'avail': 'up', 'flex_max': 1}, {'avail': 'down'}]; up",
        "[{'avail': 'up'}, {'avail': 'up'}, {'avail': 'down'}]; up",
        "[{'avail': 'up'}, {'avail': 'down', 'flex_min': 2}]; warn",
        "[{'avail': 'up'}, {'avail': 'down', 'flex_min': 2, 'scaler_slave': true}]; up",
        "[{'avail': 'up', 'flex_min': 2}, {'avail': 'down'}]; up",
        "[{'avail': 'up'}, {'avail': 'warn', 'flex_min': 1, 'flex_max': 1}]; up",
        "[{'avail': 'up'}, {'flex_min': 3}]; warn",
        "[{'avail': 'up'}, {'avail': 'up', 'flex_max': 1.5}]; warn",
        "[{'avail': 'up'}, {'avail': 'up', 'flex_max': null, 'flex_min': 'x'}]; up",
    })
    void flexRule(String instances, String expected) {
      assertThat(text(AggregateRules.flexAvail(counted(instances)))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "own {0} children {1} -> {2}")
    @CsvSource(delimiter = ';', value = {
        "n/a; ['n/a']; n/a",
        "n/a; ['unknown']; n/a",
        "n/a; ['undef', 'unknown']; n/a",
        "n/a; ['up']; up",
        "down; ['unknown']; down",
        "up; ['up', 'n/a']; up",
        "up; ['down']; warn",
        "unknown; ['up', 'down']; warn",
    })
    void childrenCombination(String own, String children, String expected) {
      List<JsonNode> values = new ArrayList<>();
      j(children).forEach(values::add);
      assertThat(text(AggregateRules.combineAvail(j("'" + own + "'"), values))).isEqualTo(expected);
    }

    @Test
    void aChildWithoutAggregateOrWithAnEmptyOneIsUnknown() {
      TestCluster c = new TestCluster("n1");
      c.instance("n1", "grp", "{'topology': 'failover', 'avail': 'n/a', 'overall': 'n/a', 'slaves': ['ghost', 'cfg/c']}");
      c.instance("n1", "cfg/c", "{'kind': 'cfg'}");
      assertThat(c.agg("cfg/c")).isEqualTo(j("{}"));
      assertThat(c.value("grp", "avail")).isEqualTo("n/a");
      assertThat(c.value("grp", "overall")).isEqualTo("unknown");
    }

    @Test
    void childrenComeFromTheFirstEntry() {
      TestCluster c = new TestCluster("n1", "n2");
      c.instance("n1", "grp", "{'topology': 'failover', 'avail': 'up', 'overall': 'up'}");
      c.instance("n2", "grp", "{'topology': 'failover', 'avail': 'down', 'overall': 'down', 'slaves': ['db']}");
      c.instance("n1", "db", "{'topology': 'failover', 'avail': 'down', 'overall': 'down'}");
      assertThat(c.value("grp", "avail")).isEqualTo("up");
    }

    @Test
    void slavesThenScalerSlavesAreChildren() {
      TestCluster c = new TestCluster("n1");
      c.instance("n1", "ns1/svc/grp", "{'topology': 'failover', 'avail': 'n/a', 'overall': 'n/a',"
          + " 'slaves': ['web'], 'scaler_slaves': ['vol/data']}");
      c.instance("n1", "ns1/svc/web", "{'topology': 'failover', 'avail': 'up', 'overall': 'up'}");
      c.instance("n1", "ns1/vol/data", "{'topology': 'failover', 'avail': 'down', 'overall': 'down'}");
      assertThat(c.value("ns1/svc/grp", "avail")).isEqualTo("warn");
      c.instance("n1", "ns1/vol/data", "{'topology': 'failover', 'avail': 'up', 'overall': 'up'}");
      assertThat(c.value("ns1/svc/grp", "avail")).isEqualTo("up");
      assertThat(c.value("ns1/svc/grp", "overall")).isEqualTo("up");
    }

    @Test
    void nestedSlavesReachTheSteadyState() {
      TestCluster c = new TestCluster("n1");
      c.instance("n1", "top", "{'topology': 'failover', 'avail': 'n/a', 'overall': 'n/a', 'slaves': ['mid']}");
      c.instance("n1", "mid", "{'topology': 'failover', 'avail': 'n/a', 'overall': 'n/a', 'slaves': ['leaf']}");
      c.instance("n1", "leaf", "{'topology': 'failover', 'avail': 'down', 'overall': 'down'}");
      assertThat(c.value("top", "avail")).isEqualTo("down");
      assertThat(c.value("top", "overall")).isEqualTo("down");
    }
  }

  @Nested
  class Scalers {

    private TestCluster scaler(int scale, String sliceFields0, String sliceFields1) {
      TestCluster c = new TestCluster("n1", "n2");
      for (String n : List.of("n1", "n2")) {
        c.instance(n, "ns1/svc/sc", "{'topology': 'flex', 'avail': 'n/a', 'overall': 'n/a', 'provisioned': true,"
            + " 'scale': " + scale + ", 'scaler_slaves': ['0.sc', '1.sc']}");
      }
      c.instance("n1", "ns1/svc/0.sc", sliceFields0);
      c.instance("n2", "ns1/svc/1.sc", sliceFields1);
      return c;
    }

    @Test
    void noSliceUpIsNa() {
      TestCluster c = scaler(2, "{'topology': 'failover', 'avail': 'down', 'overall': 'down', 'scaler_slave': true}",
          "{'topology': 'failover', 'avail': 'down', 'overall': 'down', 'scaler_slave': true}");
      assertThat(c.value("ns1/svc/sc", "avail")).isEqualTo("n/a");
      assertThat(c.value("ns1/svc/sc", "overall")).isEqualTo("down");
    }

    @Test
    void belowScaleIsWarn() {
      TestCluster c = scaler(3, "{'topology': 'failover', 'avail': 'up', 'overall': 'up', 'scaler_slave': true}",
          "{'topology': 'failover', 'avail': 'up', 'overall': 'up', 'scaler_slave': true}");
      assertThat(c.value("ns1/svc/sc", "avail")).isEqualTo("warn");
      assertThat(c.value("ns1/svc/sc", "overall")).isEqualTo("up");
      assertThat(c.value("ns1/svc/sc", "scale")).isEqualTo("3");
      assertThat(c.value("ns1/svc/0.sc", "scaler_slave")).isEqualTo("true");
    }

    @Test
    void atScaleTheChildrenDecide() {
      TestCluster c = scaler(2, "{'topology': 'failover', 'avail': 'up', 'overall': 'up', 'scaler_slave': true}",
          "{'topology': 'failover', 'avail': 'up', 'overall': 'up', 'scaler_slave': true}");
      assertThat(c.value("ns1/svc/sc", "avail")).isEqualTo("up");
    }

    @Test
    void startingAndFrozenSliceInstancesCount() {
      TestCluster c = scaler(2, "{'topology': 'failover', 'avail': 'down', 'overall': 'down', 'scaler_slave': true,"
              + " 'monitor': {'status': 'starting', 'placement': 'leader'}}",
          "{'topology': 'failover', 'avail': 'up', 'overall': 'up', 'frozen': 1.5, 'scaler_slave': true}");
      // 2 counted (one starting, one frozen up): not below scale; children down and up → warn
      assertThat(c.value("ns1/svc/sc", "avail")).isEqualTo("warn");
      c.instance("n1", "ns1/svc/0.sc", "{'topology': 'failover', 'avail': 'down', 'overall': 'down',"
          + " 'monitor': {'status': 'stopping'}}");
      assertThat(c.value("ns1/svc/sc", "avail")).as("1 < scale 2").isEqualTo("warn");
      c.instance("n1", "ns1/svc/0.sc", "{'topology': 'failover', 'avail': 'down', 'overall': 'down'}");
      c.instance("n2", "ns1/svc/1.sc", "{'topology': 'failover', 'avail': 'down', 'overall': 'down'}");
      assertThat(c.value("ns1/svc/sc", "avail")).isEqualTo("n/a");
    }

    @Test
    void slicesAreFoundByNameEvenWhenNotListed() {
      TestCluster c = new TestCluster("n1");
      c.instance("n1", "ns1/svc/sc", "{'topology': 'flex', 'avail': 'n/a', 'overall': 'n/a', 'scale': 1,"
          + " 'scaler_slaves': ['0.sc']}");
      c.instance("n1", "ns1/svc/0.sc", "{'topology': 'failover', 'avail': 'down', 'overall': 'down'}");
      c.instance("n1", "ns1/svc/7.sc", "{'topology': 'failover', 'avail': 'up', 'overall': 'up'}");
      c.instance("n1", "ns2/svc/3.sc", "{'topology': 'failover', 'avail': 'up', 'overall': 'up'}");
      c.instance("n1", "ns1/vol/4.sc", "{'topology': 'failover', 'avail': 'up', 'overall': 'up'}");
      // the leftover 7.sc makes the total 1 = scale; only 0.sc is a child
      assertThat(c.value("ns1/svc/sc", "avail")).isEqualTo("down");
      ((ObjectNode) c.node("n1").get("services").get("config")).remove("ns1/svc/7.sc");
      assertThat(c.value("ns1/svc/sc", "avail")).as("7.sc has no config: not a known object").isEqualTo("n/a");
    }

    @Test
    void rootScalerSlicesIgnoreTheKind() {
      TestCluster c = new TestCluster("n1");
      c.instance("n1", "vol/sc", "{'topology': 'flex', 'avail': 'n/a', 'overall': 'n/a', 'scale': 1}");
      c.instance("n1", "0.sc", "{'topology': 'failover', 'avail': 'up', 'overall': 'up'}");
      c.instance("n1", "vol/1.sc", "{'topology': 'failover', 'avail': 'up', 'overall': 'up'}");
      // 0.sc is a slice of vol/sc (OpenSVC leaves the kind out); no children → n/a after the check
      assertThat(c.value("vol/sc", "avail")).isEqualTo("n/a");
      ((ObjectNode) c.node("n1").get("services").get("config")).remove("0.sc");
      c.instance("n1", "vol/sc", "{'topology': 'flex', 'avail': 'n/a', 'overall': 'n/a', 'scale': 1, 'slaves': ['x']}");
      c.instance("n1", "x", "{'topology': 'failover', 'avail': 'up', 'overall': 'up'}");
      assertThat(c.value("vol/sc", "avail")).as("vol/1.sc is not a slice: total 0").isEqualTo("n/a");
    }

    @Test
    void aScalerWithoutChildrenIsNa() {
      TestCluster c = new TestCluster("n1");
      c.instance("n1", "sc", "{'topology': 'flex', 'avail': 'up', 'overall': 'up', 'scale': 1}");
      c.instance("n1", "0.sc", "{'topology': 'failover', 'avail': 'up', 'overall': 'up'}");
      assertThat(c.value("sc", "avail")).isEqualTo("n/a");
      assertThat(c.value("sc", "overall")).isEqualTo("n/a");
    }

    @Test
    void scaleAndScalerSlaveAreCopiedFromTheReferenceInstance() {
      TestCluster c = new TestCluster("n1", "n2");
      c.placeholder("n1", "sc");
      c.instance("n2", "sc", "{'topology': 'flex', 'avail': 'n/a', 'scale': 4, 'scaler_slave': 1}");
      ObjectNode a = (ObjectNode) c.agg("sc");
      assertThat(a.get("scale").intValue()).isEqualTo(4);
      assertThat(a.get("scaler_slave").booleanValue()).isTrue();
      List<String> keys = new ArrayList<>();
      a.fieldNames().forEachRemaining(keys::add);
      assertThat(keys).containsExactly("scale", "scaler_slave", "avail", "frozen", "overall", "placement", "provisioned");
      // the placeholder first: avail unknown, overall own value, no scaler n/a fallback
      assertThat(c.value("sc", "avail")).isEqualTo("unknown");
      assertThat(c.value("sc", "overall")).isEqualTo("n/a");
    }

    @Test
    void nullScaleAndFalsyScalerSlaveAreLeftOut() {
      TestCluster c = new TestCluster("n1");
      c.instance("n1", "web", "{'topology': 'failover', 'avail': 'up', 'overall': 'up', 'scale': null, 'scaler_slave': false}");
      assertThat(c.agg("web").has("scale")).isFalse();
      assertThat(c.agg("web").has("scaler_slave")).isFalse();
      assertThat(c.value("web", "avail")).isEqualTo("up");
    }
  }

  @Nested
  class Overall {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', value = {
        "[]; n/a",
        "[{'avail': 'up'}]; n/a",
        "[{'overall': 'up'}, {'overall': 'warn'}]; warn",
        "[{'overall': 'up'}, {'overall': 'stdby down'}]; warn",
        "[{'overall': 'stdby down'}]; warn",
        "[{'overall': 'down'}, {'overall': 'down'}]; down",
        "[{'overall': 'undef'}]; undef",
        "[{'overall': 'stdby up'}]; down",
        "[{'overall': 'up'}, {'overall': 'down'}]; up",
        "[{'overall': 'up'}, {'overall': 'stdby up'}]; up",
        "[{'overall': 'up'}, {'overall': 'down'}, {'overall': 'stdby up'}]; up",
        "[{'overall': 'up'}, {'overall': 'down'}, {'overall': 'stdby up'}, {'overall': 'n/a'}]; up",
        "[{'overall': 'down'}, {'overall': 'stdby up'}]; down",
        "[{'overall': 'down'}, {'overall': 'stdby up'}, {'overall': 'n/a'}]; down",
        "[{'overall': 'up'}, {'overall': 'n/a'}]; undef",
        "[{'overall': 'down'}, {'overall': 'n/a'}]; undef",
        "[{'overall': 'up'}, {'overall': 'down'}, {'overall': 'n/a'}]; undef",
        "[{'overall': 'up'}, {'overall': 'stdby up'}, {'overall': 'n/a'}]; undef",
        "[{'overall': 'stdby up'}, {'overall': 'n/a'}]; undef",
        "[{'overall': 'up'}, {'overall': 'undef'}]; undef",
    })
    void ownValue(String instances, String expected) {
      assertThat(text(AggregateRules.ownOverall(counted(instances)))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "own {0} children {1} -> {2}")
    @CsvSource(delimiter = ';', value = {
        "n/a; ['n/a']; n/a",
        "n/a; ['unknown']; unknown",
        "n/a; ['undef']; undef",
        "n/a; ['up', 'up']; up",
        "up; ['unknown']; warn",
        "up; ['down']; warn",
        "down; ['n/a', 'down']; down",
    })
    void childrenCombination(String own, String children, String expected) {
      List<JsonNode> values = new ArrayList<>();
      j(children).forEach(values::add);
      assertThat(text(AggregateRules.combineOverall(j("'" + own + "'"), values))).isEqualTo(expected);
    }

    @Test
    void noStatusEntryIsUnknown() {
      TestCluster c = new TestCluster("n1");
      c.config("n1", "web");
      assertThat(c.value("web", "overall")).isEqualTo("unknown");
    }

    @Test
    void onlyPlaceholdersIsNa() {
      TestCluster c = new TestCluster("n1");
      c.config("n1", "web");
      c.placeholder("n1", "web");
      assertThat(c.value("web", "overall")).isEqualTo("n/a");
      assertThat(c.value("web", "avail")).isEqualTo("unknown");
      assertThat(c.value("web", "frozen")).isEqualTo("n/a");
      assertThat(c.value("web", "provisioned")).isEqualTo("false");
    }
  }

  @Nested
  class Frozen {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', value = {
        "[]; n/a",
        "[{'frozen': 1.5}]; n/a",
        "[{'avail': 'up', 'frozen': 1.5}, {'avail': 'down', 'frozen': true}]; frozen",
        "[{'avail': 'up', 'frozen': 0}, {'avail': 'down'}]; thawed",
        "[{'avail': 'up', 'frozen': 0}, {'avail': 'down', 'frozen': 1764146000.5}]; mixed",
        "[{'avail': 'up', 'frozen': 0}, {'frozen': 1764146000.5}]; thawed",
        "[{'avail': null, 'frozen': 2}]; frozen",
    })
    void instanceFrozen(String instances, String expected) {
      assertThat(text(AggregateRules.frozen(counted(instances)))).isEqualTo(expected);
    }

    @Test
    void monitorFrozenOverTheClusterNodesThatHaveTheKey() {
      TestCluster c = new TestCluster("n1", "n2", "n3");
      assertThat(ServiceAggregates.clusterFrozen(c.nodes(), c.clusterNodes(), c.stale)).isEqualTo("n/a");
      c.node("n1").put("frozen", 1764147000.5);
      c.nodes().putObject("n2");
      assertThat(ServiceAggregates.clusterFrozen(c.nodes(), c.clusterNodes(), c.stale)).isEqualTo("frozen");
      c.node("n3").put("frozen", 0);
      assertThat(ServiceAggregates.clusterFrozen(c.nodes(), c.clusterNodes(), c.stale)).isEqualTo("mixed");
      c.node("n1").put("frozen", 0);
      assertThat(ServiceAggregates.clusterFrozen(c.nodes(), c.clusterNodes(), c.stale)).isEqualTo("thawed");
      c.node("drp").put("frozen", 5);
      assertThat(ServiceAggregates.clusterFrozen(c.nodes(), c.clusterNodes(), c.stale)).isEqualTo("thawed");
      c.node("n3").put("frozen", 5);
      c.stale.add("n3");
      assertThat(ServiceAggregates.clusterFrozen(c.nodes(), c.clusterNodes(), c.stale)).isEqualTo("thawed");
    }
  }

  @Nested
  class Placement {

    private String placement(String kindPath, String... instances) {
      TestCluster c = new TestCluster("n1", "n2", "n3");
      for (int k = 0; k < instances.length; k++) {
        c.instance("n" + (k + 1), kindPath, instances[k]);
      }
      return c.value(kindPath, "placement");
    }

    @Test
    void policyNoneIsNa() {
      assertThat(placement("web", "{'avail': 'up', 'placement': 'none'}", "{'avail': 'up', 'placement': 'spread'}"))
          .isEqualTo("n/a");
      assertThat(placement("web", "{'avail': 'up', 'placement': 'spread'}", "{'avail': 'up', 'placement': 'none'}"))
          .as("the policy comes from the reference instance").isEqualTo("non-optimal");
    }

    @Test
    void flexWithMinimumZeroIsNa() {
      assertThat(placement("ns1/vol/v", "{'topology': 'flex', 'flex_min': 0, 'avail': 'up'}",
          "{'topology': 'flex', 'flex_min': 0, 'avail': 'up'}")).isEqualTo("n/a");
      assertThat(placement("web", "{'topology': 'failover', 'flex_min': 0, 'avail': 'up'}",
          "{'topology': 'failover', 'avail': 'up'}")).isEqualTo("non-optimal");
      assertThat(placement("web", "{'topology': 'flex', 'avail': 'up'}", "{'topology': 'flex', 'avail': 'up'}"))
          .isEqualTo("non-optimal");
    }

    @Test
    void propertiesApplyOnlyToSvcAndVol() {
      assertThat(placement("ns1/app/x", "{'avail': 'up', 'placement': 'none'}", "{'avail': 'up'}"))
          .isEqualTo("non-optimal");
    }

    @Test
    void fewerThanTwoThawedInstancesIsOptimal() {
      assertThat(placement("web", "{'avail': 'up'}")).isEqualTo("optimal");
      assertThat(placement("web", "{'avail': 'down', 'monitor': {'placement': 'leader'}}",
          "{'avail': 'up', 'frozen': 1.5}")).isEqualTo("optimal");
    }

    @Test
    void leadersMustRunAndRunnersMustLead() {
      assertThat(placement("web", "{'avail': 'up', 'monitor': {'placement': 'leader'}}", "{'avail': 'down'}"))
          .isEqualTo("optimal");
      assertThat(placement("web", "{'avail': 'warn', 'monitor': {'placement': 'leader'}}", "{'avail': 'stdby up'}"))
          .isEqualTo("optimal");
      assertThat(placement("web", "{'avail': 'down', 'monitor': {'placement': 'leader'}}", "{'avail': 'up'}"))
          .isEqualTo("non-optimal");
      assertThat(placement("web", "{'avail': 'up', 'monitor': {'placement': 'leader'}}", "{'avail': 'warn'}"))
          .isEqualTo("non-optimal");
      assertThat(placement("web", "{'avail': 'up', 'monitor': {'placement': 'leader'}}",
          "{'avail': 'down', 'monitor': {'placement': 'leader'}}")).isEqualTo("non-optimal");
    }

    @Test
    void nothingRunningIsNaEvenWhenNonOptimal() {
      assertThat(placement("web", "{'avail': 'down', 'monitor': {'placement': 'leader'}}", "{'avail': 'down'}"))
          .isEqualTo("n/a");
    }

    @Test
    void frozenInstancesAreIgnored() {
      assertThat(placement("web", "{'avail': 'up', 'monitor': {'placement': 'leader'}}",
          "{'avail': 'up', 'frozen': 1.5}", "{'avail': 'down'}")).isEqualTo("optimal");
    }

    @Test
    void instancesWithoutAvailOrMonitorTakeNoPartInTheLeaderCheck() {
      assertThat(placement("web", "{'avail': 'up', 'monitor': {'placement': 'leader'}}",
          "{'monitor': {'placement': 'leader'}}", "{'avail': 'up', 'monitor': null}")).isEqualTo("optimal");
      assertThat(placement("web", "{'monitor': {'placement': 'leader'}}", "{'avail': 'down'}"))
          .as("two thawed instances, none running").isEqualTo("n/a");
    }
  }

  @Nested
  class Provisioned {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', value = {
        "[]; false",
        "[{}, {'provisioned': null}]; n/a",
        "[{'provisioned': true}, {'provisioned': true}, {}]; true",
        "[{'provisioned': false}, {'provisioned': false}]; false",
        "[{'provisioned': true}, {'provisioned': false}]; mixed",
        "[{'provisioned': true}, {'provisioned': 'mixed'}, {'provisioned': true}]; mixed",
        "[{'provisioned': 'mixed'}]; mixed",
        "[{'provisioned': 1}]; false",
    })
    void rule(String instances, String expected) {
      assertThat(text(AggregateRules.provisioned(counted(instances)))).isEqualTo(expected);
    }
  }

  @Nested
  class Span {

    @ParameterizedTest
    @CsvSource({"ns1/cfg/c", "ns1/sec/s", "usr/u", "cluster", "ns1/", "namespace", "ns1/nscfg/namespace"})
    void spanKindsHaveAnEmptyAggregate(String path) {
      TestCluster c = new TestCluster("n1");
      c.instance("n1", path, "{'topology': 'failover', 'avail': 'up', 'overall': 'up'}");
      assertThat(c.agg(path)).isEqualTo(j("{}"));
    }

    @Test
    void anObjectWhoseReferenceInstanceSpansIsEmpty() {
      TestCluster c = new TestCluster("n1");
      c.instance("n1", "web", "{'topology': 'span', 'avail': 'up'}");
      c.instance("n1", "ns1/app/x", "{'topology': 'span', 'avail': 'up'}");
      assertThat(c.agg("web")).isEqualTo(j("{}"));
      assertThat(c.value("ns1/app/x", "avail")).isEqualTo("unknown");
    }
  }
}
