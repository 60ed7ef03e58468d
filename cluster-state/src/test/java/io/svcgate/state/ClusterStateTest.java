package io.svcgate.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.svcgate.state.ApplyOutcome.Status;
import io.svcgate.state.NodeInfo.Liveness;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ClusterStateTest {

  private ClusterState state;
  private double now = 1764147001.0;

  @BeforeEach
  void setUp() {
    state = ClusterState.builder().gatewayNodename("gw1").clusterName("demo").epoch("ep1").started(1764147000.12).build();
  }

  static JsonNode json(String s) {
    try {
      return Json.parse(s.replace('\'', '"'));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static HeartbeatMessage msg(String s) {
    return HeartbeatMessage.parse(json(s));
  }

  private ApplyOutcome apply(String s) {
    now += 0.5;
    return state.apply(msg(s), now);
  }

  private String doc() {
    return Json.compact(state.document());
  }

  private void full(String node, long gen, String data) {
    ApplyOutcome o = apply("{'nodename':'" + node + "','kind':'full','gen':{'" + node + "':" + gen + "},'data':" + data + "}");
    assertThat(o.status()).as(o.error()).isEqualTo(Status.APPLIED);
  }

  private ApplyOutcome patch(String node, String deltas) {
    return apply("{'nodename':'" + node + "','kind':'patch','gen':{'" + node + "':1},'deltas':" + deltas + "}");
  }

  static Event readBack(Event e) {
    try {
      return Event.fromJson(e.json());
    } catch (java.io.IOException ex) {
      throw new AssertionError(ex);
    }
  }

  private static List<String> data(List<Event> events) {
    return events.stream().map(e -> Json.compact(e.data())).toList();
  }

  private static void assertConsecutive(List<Event> events, long first) {
    for (int i = 0; i < events.size(); i++) {
      assertThat(events.get(i).id()).isEqualTo(first + i);
    }
  }

  @Test
  void initialDocumentHasTheLayoutOfModelMd() {
    assertThat(doc()).isEqualTo(Json.compact(json(
        "{'cluster':{'name':'demo','nodes':[]},'gateway':{'nodename':'gw1','epoch':'ep1','started':1764147000.12},"
            + "'monitor':{'services':{},'nodes':{}}}")));
    assertThat(state.lastId()).isZero();
  }

  @Test
  void startEmitsMonitorStarted() {
    List<Event> ev = state.start(now);
    assertThat(ev).hasSize(1);
    assertThat(ev.get(0).eventId()).isEqualTo("monitor_started");
    assertThat(ev.get(0).nodename()).isEqualTo("gw1");
    assertThat(ev.get(0).id()).isEqualTo(1);
  }

  @Test
  void lastIdContinuesFromTheBuilder() {
    state = ClusterState.builder().gatewayNodename("gw1").lastId(41).build();
    assertThat(state.start(now).get(0).id()).isEqualTo(42);
  }

  @Test
  void firstFullLearnsTheNodeThenInstallsItsData() {
    ApplyOutcome o = apply("{'nodename':'n1','kind':'full','gen':{'n1':42},'data':{'frozen':0,'agent':'2.1'}}");
    assertThat(o.status()).isEqualTo(Status.APPLIED);
    assertThat(o.merged()).isEqualTo(42);
    assertThat(o.askFull()).isFalse();
    assertThat(o.events()).hasSize(2);
    assertConsecutive(o.events(), 1);
    Event learn = o.events().get(0);
    assertThat(learn.nodename()).isEqualTo("gw1");
    assertThat(Json.compact(learn.data())).isEqualTo("[[[\"cluster\",\"nodes\",0],\"n1\"]]");
    Event install = o.events().get(1);
    assertThat(install.nodename()).isEqualTo("n1");
    assertThat(install.kind()).isEqualTo("patch");
    assertThat(Json.compact(install.data())).isEqualTo("[[[\"monitor\",\"nodes\",\"n1\"],{\"frozen\":0,\"agent\":\"2.1\"}]]");
    assertThat(state.document().at("/monitor/nodes/n1/agent").textValue()).isEqualTo("2.1");
    assertThat(state.document().at("/cluster/nodes").toString()).isEqualTo("[\"n1\"]");
    NodeInfo n1 = state.node("n1").orElseThrow();
    assertThat(n1.merged()).isEqualTo(42);
    assertThat(n1.needsFull()).isFalse();
    assertThat(n1.fullsApplied()).isEqualTo(1);
    assertThat(n1.heartbeats()).isEqualTo(1);
    assertThat(n1.status()).isEqualTo(Liveness.BEATING);
    assertThat(n1.frozen().intValue()).isZero();
  }

  @Test
  void clusterNodesListsNodesInTheOrderFirstHeard() {
    full("n2", 1, "{}");
    full("n1", 1, "{}");
    full("n2", 2, "{'a':1}");
    assertThat(state.document().at("/cluster/nodes").toString()).isEqualTo("[\"n2\",\"n1\"]");
    assertThat(state.nodes()).extracting(NodeInfo::nodename).containsExactly("n2", "n1");
  }

  @Test
  void configuredNodesRefuseOthers() {
    state = ClusterState.builder().gatewayNodename("gw1").nodes(List.of("n1", "n2")).build();
    assertThat(doc()).contains("\"nodes\":[\"n1\",\"n2\"]");
    ApplyOutcome o = apply("{'nodename':'n3','kind':'full','gen':{'n3':1},'data':{}}");
    assertThat(o.status()).isEqualTo(Status.REFUSED);
    assertThat(o.events()).isEmpty();
    assertThat(o.error()).contains("n3").contains("configured");
    assertThat(state.node("n3")).isEmpty();
    assertThat(state.lastId()).isZero();
    ApplyOutcome ok = apply("{'nodename':'n2','kind':'full','gen':{'n2':1},'data':{}}");
    assertThat(ok.status()).isEqualTo(Status.APPLIED);
    assertThat(ok.events()).hasSize(1); // no cluster.nodes change
  }

  @Test
  void theGatewaysOwnNameIsRefused() {
    assertThat(apply("{'nodename':'gw1','kind':'full','gen':{'gw1':1},'data':{}}").status()).isEqualTo(Status.REFUSED);
  }

  @Test
  void olderOrEqualFullIsIgnoredAndCounted() {
    full("n1", 5, "{'a':1}");
    String before = doc();
    long id = state.lastId();
    for (int g : new int[] {5, 4}) {
      ApplyOutcome o = apply("{'nodename':'n1','kind':'full','gen':{'n1':" + g + "},'data':{'a':2}}");
      assertThat(o.status()).isEqualTo(Status.IGNORED_STALE);
      assertThat(o.events()).isEmpty();
      assertThat(o.merged()).isEqualTo(5);
    }
    assertThat(doc()).isEqualTo(before);
    assertThat(state.lastId()).isEqualTo(id);
    assertThat(state.node("n1").orElseThrow().ignoredFulls()).isEqualTo(2);
  }

  @Test
  void newerFullEmitsTheDiffAndANoOpFullEmitsNothing() {
    full("n1", 5, "{'a':1,'b':{'c':[1,2,3]},'d':'x'}");
    ApplyOutcome o = apply("{'nodename':'n1','kind':'full','gen':{'n1':6},'data':{'a':1,'b':{'c':[1]},'e':true}}");
    assertThat(o.events()).hasSize(1);
    assertThat(Json.compact(o.events().get(0).data())).isEqualTo(
        "[[[\"monitor\",\"nodes\",\"n1\",\"d\"]],"
            + "[[\"monitor\",\"nodes\",\"n1\",\"b\",\"c\",2]],[[\"monitor\",\"nodes\",\"n1\",\"b\",\"c\",1]],"
            + "[[\"monitor\",\"nodes\",\"n1\",\"e\"],true]]");
    assertThat(o.merged()).isEqualTo(6);
    ApplyOutcome same = apply("{'nodename':'n1','kind':'full','gen':{'n1':7},'data':{'a':1,'b':{'c':[1]},'e':true}}");
    assertThat(same.status()).isEqualTo(Status.APPLIED);
    assertThat(same.events()).isEmpty();
    assertThat(same.merged()).isEqualTo(7);
  }

  @Test
  void patchAppliesGenerationsInOrderOneEventEach() {
    full("n1", 42, "{'frozen':0,'services':{'status':{}}}");
    long id = state.lastId();
    ApplyOutcome o = patch("n1", "{'44':[[['frozen'],1764147001.2]],'43':[[['services','status','s1'],{'avail':'up'}]]}");
    assertThat(o.status()).isEqualTo(Status.APPLIED);
    assertThat(o.merged()).isEqualTo(44);
    assertThat(o.events()).hasSize(2);
    assertConsecutive(o.events(), id + 1);
    assertThat(Json.compact(o.events().get(0).data())).isEqualTo(
        "[[[\"monitor\",\"nodes\",\"n1\",\"services\",\"status\",\"s1\"],{\"avail\":\"up\"}]]");
    assertThat(Json.compact(o.events().get(1).data())).isEqualTo("[[[\"monitor\",\"nodes\",\"n1\",\"frozen\"],1764147001.2]]");
    assertThat(state.document().at("/monitor/nodes/n1/frozen").toString()).isEqualTo("1764147001.2");
    assertThat(state.node("n1").orElseThrow().patchesApplied()).isEqualTo(2);
  }

  @Test
  void patchGenerationsAlreadyMergedAreSkipped() {
    full("n1", 42, "{'a':0}");
    ApplyOutcome stale = patch("n1", "{'41':[[['a'],1]],'42':[[['a'],2]]}");
    assertThat(stale.status()).isEqualTo(Status.IGNORED_STALE);
    assertThat(stale.events()).isEmpty();
    ApplyOutcome o = patch("n1", "{'42':[[['a'],2]],'43':[[['a'],3]]}");
    assertThat(o.status()).isEqualTo(Status.APPLIED);
    assertThat(o.events()).hasSize(1);
    assertThat(state.document().at("/monitor/nodes/n1/a").intValue()).isEqualTo(3);
    assertThat(state.node("n1").orElseThrow().skippedGenerations()).isEqualTo(3);
  }

  @Test
  void gapResetsMergedAsksFullAndDropsPatchesUntilAFull() {
    full("n1", 42, "{'a':0}");
    String before = doc();
    ApplyOutcome gap = patch("n1", "{'44':[[['a'],1]]}");
    assertThat(gap.status()).isEqualTo(Status.GAP);
    assertThat(gap.askFull()).isTrue();
    assertThat(gap.merged()).isZero();
    assertThat(gap.error()).contains("44").contains("expected 43");
    assertThat(gap.events()).isEmpty();
    assertThat(doc()).isEqualTo(before);
    NodeInfo n1 = state.node("n1").orElseThrow();
    assertThat(n1.needsFull()).isTrue();
    assertThat(n1.resyncs()).isEqualTo(1);

    ApplyOutcome dropped = patch("n1", "{'43':[[['a'],1]]}");
    assertThat(dropped.status()).isEqualTo(Status.AWAITING_FULL);
    assertThat(dropped.askFull()).as("asked just now at the gap").isFalse();
    assertThat(doc()).isEqualTo(before);
    now += 5;
    assertThat(patch("n1", "{'43':[[['a'],1]]}").askFull()).as("asked again after the interval").isTrue();

    ApplyOutcome older = apply("{'nodename':'n1','kind':'full','gen':{'n1':10},'data':{'a':9}}");
    assertThat(older.status()).as("merged is 0: any full installs").isEqualTo(Status.APPLIED);
    assertThat(older.merged()).isEqualTo(10);
    assertThat(patch("n1", "{'11':[[['a'],10]]}").status()).isEqualTo(Status.APPLIED);
  }

  @Test
  void failingStanzaKeepsEarlierGenerationsAndLeavesTheFailingOneUnapplied() {
    full("n1", 1, "{'a':{'b':1},'l':[1,2]}");
    ApplyOutcome o = patch("n1", "{'2':[[['a','b'],2]],'3':[[['a','c'],3],[['l',5],0]],'4':[[['a','b'],4]]}");
    assertThat(o.status()).isEqualTo(Status.FAILED);
    assertThat(o.events()).hasSize(1);
    assertThat(o.merged()).isZero();
    assertThat(o.askFull()).isTrue();
    assertThat(o.error()).contains("generation 3").contains("stanza 1").contains("[\"l\",5]").contains("length 2");
    assertThat(Json.compact(state.document().at("/monitor/nodes/n1"))).isEqualTo("{\"a\":{\"b\":2},\"l\":[1,2]}");
    assertThat(state.lastId()).isEqualTo(o.events().get(0).id());
  }

  @Test
  void emptyGenerationAdvancesMergedAndEmitsNothing() {
    full("n1", 1, "{}");
    long id = state.lastId();
    ApplyOutcome o = patch("n1", "{'2':[]}");
    assertThat(o.status()).isEqualTo(Status.APPLIED);
    assertThat(o.merged()).isEqualTo(2);
    assertThat(o.events()).isEmpty();
    assertThat(state.lastId()).isEqualTo(id);
  }

  @Test
  void patchBeforeAnyFullAwaitsAFull() {
    ApplyOutcome o = patch("n1", "{'1':[[['a'],1]]}");
    assertThat(o.status()).isEqualTo(Status.AWAITING_FULL);
    assertThat(o.askFull()).isTrue();
    // rejected: the node does not join, nothing is emitted
    assertThat(o.events()).isEmpty();
    assertThat(state.lastId()).isZero();
    assertThat(state.node("n1")).isEmpty();
    assertThat(state.document().at("/cluster/nodes").size()).isZero();
    assertThat(state.document().at("/monitor/nodes").size()).isZero();
    assertThat(state.drainGenerationChanges()).isEmpty();
    // the ask-full requests of a node not known are paced like those of a known one
    assertThat(patch("n1", "{'2':[[['a'],1]]}").askFull()).isFalse();
    now += 1.5;
    assertThat(patch("n1", "{'3':[[['a'],1]]}").askFull()).isTrue();
    assertThat(state.lastId()).isZero();
  }

  @Test
  void pingReplacesMonitorOnlyAndRequiresAFull() {
    full("n1", 7, "{'monitor':{'status':'idle','x':1},'frozen':0}");
    ApplyOutcome o = apply("{'nodename':'n1','kind':'ping','gen':{'n1':7},'monitor':{'status':'maintenance'}}");
    assertThat(o.status()).isEqualTo(Status.APPLIED);
    assertThat(o.merged()).isZero();
    assertThat(o.askFull()).isFalse();
    assertThat(o.events()).hasSize(1);
    assertThat(Json.compact(state.document().at("/monitor/nodes/n1"))).isEqualTo("{\"monitor\":{\"status\":\"maintenance\"},\"frozen\":0}");
    assertThat(state.node("n1").orElseThrow().needsFull()).isTrue();
    assertThat(patch("n1", "{'8':[[['frozen'],1]]}").status()).isEqualTo(Status.AWAITING_FULL);
    ApplyOutcome again = apply("{'nodename':'n1','kind':'ping','gen':{'n1':7},'monitor':{'status':'maintenance'}}");
    assertThat(again.events()).as("an unchanged ping emits nothing").isEmpty();
  }

  @Test
  void pingOfAnUnknownNodeCreatesItsEntryWithMonitor() {
    ApplyOutcome o = apply("{'nodename':'n1','kind':'ping','gen':{'n1':0},'monitor':{'status':'init'}}");
    assertThat(o.events()).hasSize(2);
    assertThat(Json.compact(state.document().at("/monitor/nodes/n1"))).isEqualTo("{\"monitor\":{\"status\":\"init\"}}");
  }

  @Test
  void stanzaRules() {
    full("n1", 1, "{'o':{'k':1},'l':[0,1],'s':'str'}");
    String[][] cases = {
        {"[[['l',2],2]]", "{\"o\":{\"k\":1},\"l\":[0,1,2],\"s\":\"str\"}"},
        {"[[['l',0],9]]", "{\"o\":{\"k\":1},\"l\":[9,1,2],\"s\":\"str\"}"},
        {"[[['o'],[1]]]", "{\"o\":[1],\"l\":[9,1,2],\"s\":\"str\"}"},
        {"[[['o'],{'z':{}}]]", "{\"o\":{\"z\":{}},\"l\":[9,1,2],\"s\":\"str\"}"},
        {"[[['s'],{'t':null}]]", "{\"o\":{\"z\":{}},\"l\":[9,1,2],\"s\":{\"t\":null}}"},
        {"[[['l',0]]]", "{\"o\":{\"z\":{}},\"l\":[1,2],\"s\":{\"t\":null}}"},
        {"[[['o','z']],[['n'],null]]", "{\"o\":{},\"l\":[1,2],\"s\":{\"t\":null},\"n\":null}"},
        {"[[[],{'new':1}]]", "{\"new\":1}"},
    };
    long g = 2;
    for (String[] c : cases) {
      ApplyOutcome o = patch("n1", "{'" + g++ + "':" + c[0] + "}");
      assertThat(o.status()).as(c[0] + ": " + o.error()).isEqualTo(Status.APPLIED);
      assertThat(Json.compact(state.document().at("/monitor/nodes/n1"))).as(c[0]).isEqualTo(c[1]);
    }
  }

  @Test
  void stanzaErrors() {
    String data = "{'o':{'k':1},'l':[0,1],'s':'str'}";
    String[][] cases = {
        {"[[['l',3],1]]", "index 3 is beyond the end of the list at [\"l\"] (length 2; only index 2 appends)"},
        {"[[['s','x'],1]]", "key \"x\" is used on a string at [\"s\"]"},
        {"[[['l','x'],1]]", "key \"x\" is used on a list at [\"l\"]"},
        {"[[['o',0],1]]", "index 0 is used on an object at [\"o\"]"},
        {"[[['o','missing']]]", "delete of a missing path: no key \"missing\" at [\"o\"]"},
        {"[[['l',2]]]", "delete of a missing path: index 2 is beyond the end of the list at [\"l\"] (length 2)"},
        {"[[['x','y'],1]]", "missing parent: no key \"x\" at the node data root"},
        {"[[['l',5,'y'],1]]", "missing parent: index 5 is beyond the end of the list at [\"l\"] (length 2)"},
        {"[[['s',0,'y'],1]]", "index 0 is used on a string at [\"s\"]"},
    };
    for (String[] c : cases) {
      full("n1", 1, data);
      String before = doc();
      long id = state.lastId();
      ApplyOutcome o = patch("n1", "{'2':[[['o','k'],2]," + c[0].substring(1) + "}");
      assertThat(o.status()).as(c[0]).isEqualTo(Status.FAILED);
      assertThat(o.error()).as(c[0]).contains(c[1]);
      assertThat(doc()).as(c[0]).isEqualTo(before);
      assertThat(state.lastId()).isEqualTo(id);
    }
  }

  @Test
  void eventValuesAreIndependentOfTheDocument() {
    full("n1", 1, "{'o':{'k':1}}");
    Event install = state.apply(msg("{'nodename':'n1','kind':'full','gen':{'n1':2},'data':{'o':{'k':1},'p':{'q':[1]}}}"), now)
        .events().get(0);
    String frozen = install.jsonString();
    patch("n1", "{'3':[[['p','q',1],2],[['p','r'],3],[['o','k'],5]]}");
    assertThat(Json.compact(install.envelope())).isEqualTo(frozen);
    assertThat(install.jsonString()).isEqualTo(frozen);
    assertThat(Json.compact(install.data())).isEqualTo("[[[\"monitor\",\"nodes\",\"n1\",\"p\"],{\"q\":[1]}]]");
  }

  @Test
  void nodeEventsGetTheNextIdAndSvcnameBecomesPath() {
    full("n1", 1, "{}");
    ApplyOutcome o = apply("{'nodename':'n1','kind':'event','data':{'id':'instance_start','reason':'target','svcname':'ns1/svc/web'}}");
    assertThat(o.status()).isEqualTo(Status.APPLIED);
    Event e = o.events().get(0);
    assertThat(e.kind()).isEqualTo("event");
    assertThat(e.id()).isEqualTo(state.lastId());
    assertThat(e.eventId()).isEqualTo("instance_start");
    assertThat(e.data().path("path").textValue()).isEqualTo("ns1/svc/web");
    assertThat(state.node("n1").orElseThrow().nodeEvents()).isEqualTo(1);
  }

  @Test
  void staleAndBeating() {
    full("n1", 1, "{}");
    List<Event> stale = state.markStale("n1", now);
    assertThat(data(stale)).containsExactly("{\"id\":\"hb_stale\",\"nodename\":\"n1\"}");
    assertThat(stale.get(0).nodename()).isEqualTo("gw1");
    assertThat(state.markStale("n1", now)).isEmpty();
    assertThat(state.node("n1").orElseThrow().status()).isEqualTo(Liveness.STALE);
    assertThat(data(state.markBeating("n1", now))).containsExactly("{\"id\":\"hb_beating\",\"nodename\":\"n1\"}");
    assertThat(state.markBeating("n1", now)).isEmpty();
    state.markStale("n1", now);
    ApplyOutcome heard = patch("n1", "{'2':[[['a'],1]]}");
    assertThat(heard.events()).hasSize(2);
    assertThat(heard.events().get(0).eventId()).isEqualTo("hb_beating");
    assertThat(state.markStale("zz", now)).isEmpty();
  }

  @Test
  void forgetDeletesDataAndLearnedEntryThenEmitsForgetPeer() {
    full("n1", 1, "{'a':1}");
    full("n2", 1, "{}");
    List<Event> ev = state.forget("n1", now);
    assertThat(ev).hasSize(2);
    assertThat(Json.compact(ev.get(0).data())).isEqualTo("[[[\"monitor\",\"nodes\",\"n1\"]],[[\"cluster\",\"nodes\",0]]]");
    assertThat(ev.get(0).nodename()).isEqualTo("gw1");
    assertThat(ev.get(1).eventId()).isEqualTo("forget_peer");
    assertThat(ev.get(1).data().path("peer").textValue()).isEqualTo("n1");
    assertThat(state.document().at("/cluster/nodes").toString()).isEqualTo("[\"n2\"]");
    assertThat(state.node("n1")).isEmpty();
    assertThat(state.forget("n1", now)).isEmpty();
    // heard again: its patch is rejected (it needs a full) and adds nothing
    assertThat(patch("n1", "{'2':[[['a'],2]]}").status()).isEqualTo(Status.AWAITING_FULL);
    assertThat(state.document().at("/cluster/nodes").toString()).isEqualTo("[\"n2\"]");
    assertThat(state.node("n1")).isEmpty();
    // its full applies: learned again, at the end
    full("n1", 2, "{'a':2}");
    assertThat(state.document().at("/cluster/nodes").toString()).isEqualTo("[\"n2\",\"n1\"]");
  }

  @Test
  void forgetKeepsAConfiguredList() {
    state = ClusterState.builder().gatewayNodename("gw1").nodes(List.of("n1")).build();
    full("n1", 1, "{}");
    List<Event> ev = state.forget("n1", now);
    assertThat(Json.compact(ev.get(0).data())).isEqualTo("[[[\"monitor\",\"nodes\",\"n1\"]]]");
    assertThat(state.document().at("/cluster/nodes").toString()).isEqualTo("[\"n1\"]");
  }

  @Test
  void markNeedsFull() {
    assertThat(state.markNeedsFull("n1")).isFalse();
    full("n1", 3, "{}");
    assertThat(state.markNeedsFull("n1")).isTrue();
    assertThat(state.node("n1").orElseThrow().merged()).isZero();
    assertThat(patch("n1", "{'4':[]}").status()).isEqualTo(Status.AWAITING_FULL);
  }

  @Test
  void emitEvent() {
    ObjectNode d = Json.NODES.objectNode().put("id", "custom");
    Event e = state.emitEvent("gw1", d, now);
    assertThat(e.id()).isEqualTo(1);
    assertThatThrownBy(() -> state.emitEvent("gw1", Json.NODES.objectNode(), now)).isInstanceOf(IllegalArgumentException.class);
    assertThat(state.lastId()).isEqualTo(1);
  }

  @Test
  void derivedStateRunsAfterNodeChangesAsAGatewayPatch() {
    DerivedState counter = (doc, change) -> List.of(Stanza.set(Path.of("monitor", "services", "count"),
        Json.NODES.numberNode(doc.get("monitor").get("nodes").size())));
    state = ClusterState.builder().gatewayNodename("gw1").derivedState(counter).build();
    ApplyOutcome o = apply("{'nodename':'n1','kind':'full','gen':{'n1':1},'data':{}}");
    assertThat(o.events()).hasSize(3);
    assertThat(o.events().get(2).nodename()).isEqualTo("gw1");
    assertThat(Json.compact(o.events().get(2).data())).isEqualTo("[[[\"monitor\",\"services\",\"count\"],1]]");
    assertThat(o.derivedError()).isNull();
    ApplyOutcome none = apply("{'nodename':'n1','kind':'event','data':{'id':'x'}}");
    assertThat(none.events()).hasSize(1);

    DerivedState bad = (doc, change) -> List.of(Stanza.set(Path.of("monitor", "nodes", "x"), Json.NODES.nullNode()));
    state = ClusterState.builder().gatewayNodename("gw1").derivedState(bad).build();
    ApplyOutcome b = apply("{'nodename':'n1','kind':'full','gen':{'n1':1},'data':{}}");
    assertThat(b.status()).isEqualTo(Status.APPLIED);
    assertThat(b.derivedError()).contains("does not own");
    assertThat(b.events()).hasSize(2);
    assertThat(state.lastId()).isEqualTo(2);
    assertThat(state.lastDerivedError()).contains("does not own");
    assertThat(state.derivedErrors()).isEqualTo(1);

    DerivedState throwing = (doc, change) -> {
      throw new IllegalStateException("boom");
    };
    state = ClusterState.builder().gatewayNodename("gw1").derivedState(throwing).build();
    full("n1", 1, "{}");
    List<Event> stale = state.markStale("n1", now);
    assertThat(stale).hasSize(1);
    assertThat(state.lastId()).isEqualTo(stale.get(0).id());
    assertThat(state.lastDerivedError()).contains("boom");
    List<Event> forgotten = state.forget("n1", now);
    assertThat(forgotten).hasSize(2);
    assertThat(state.lastId()).isEqualTo(forgotten.get(1).id());
  }

  @Test
  void derivedStateSeesWhatChanged() {
    List<DerivedState.Change> seen = new java.util.ArrayList<>();
    state = ClusterState.builder().gatewayNodename("gw1").derivedState((doc, c) -> {
      seen.add(c);
      return List.of();
    }).build();
    state.start(now);
    full("n1", 1, "{'a':1}");
    full("n2", 1, "{}");
    patch("n1", "{'2':[[['a'],2]]}");
    patch("n1", "{'3':[]}");
    apply("{'nodename':'n1','kind':'event','data':{'id':'x'}}");
    state.markStale("n2", now);
    state.markStale("n2", now);
    state.forget("n1", now);
    assertThat(seen).extracting(DerivedState.Change::everything).containsExactly(true, false, false, false, false, false);
    assertThat(seen).extracting(DerivedState.Change::nodes)
        .containsExactly(Set.of(), Set.of("n1"), Set.of("n2"), Set.of("n1"), Set.of("n2"), Set.of("n1"));
    assertThat(seen.get(1).paths()).containsExactly(Path.of("cluster", "nodes", 0), Path.of("monitor", "nodes", "n1"));
    assertThat(seen.get(3).paths()).containsExactly(Path.of("monitor", "nodes", "n1", "a"));
    assertThat(seen.get(4).paths()).isEmpty();
    assertThat(seen.get(4).staleNodes()).containsExactly("n2");
    assertThat(seen.get(5).paths()).containsExactly(Path.of("monitor", "nodes", "n1"), Path.of("cluster", "nodes", 0));
  }

  @Test
  void snapshotRestoreReplay() {
    full("n1", 5, "{'a':1,'l':[1]}");
    full("n2", 3, "{'b':1}");
    state.markStale("n2", now);
    byte[] snap = state.snapshot();
    long snapId = state.lastId();

    List<Event> later = new java.util.ArrayList<>();
    later.addAll(patch("n1", "{'6':[[['a'],2],[['l',1],2]]}").events());
    later.addAll(apply("{'nodename':'n3','kind':'full','gen':{'n3':1},'data':{'c':1}}").events());
    later.addAll(state.forget("n2", now));
    later.addAll(state.markStale("n1", now));
    later.addAll(apply("{'nodename':'n3','kind':'event','data':{'id':'x'}}").events());

    ClusterState.Builder cfg = ClusterState.builder().gatewayNodename("gw1").clusterName("demo").epoch("ep1").started(1764147000.12);
    ClusterState restored = ClusterState.restore(snap, cfg);
    assertThat(restored.lastId()).isEqualTo(snapId);
    assertThat(restored.node("n1").orElseThrow().merged()).isEqualTo(5);
    assertThat(restored.node("n2").orElseThrow().status()).isEqualTo(Liveness.STALE);
    for (Event e : later) {
      restored.replay(readBack(e));
    }
    assertThat(Json.compact(restored.document())).isEqualTo(doc());
    assertThat(restored.lastId()).isEqualTo(state.lastId());
    assertThat(restored.node("n2")).isEmpty();
    NodeInfo n1 = restored.node("n1").orElseThrow();
    assertThat(n1.needsFull()).as("its generation after the snapshot is unknown").isTrue();
    assertThat(n1.status()).isEqualTo(Liveness.STALE);
    assertThat(restored.node("n3").orElseThrow().needsFull()).isTrue();
    assertThat(restored.nodes()).extracting(NodeInfo::nodename).containsExactly("n1", "n3");
    assertThat(restored.start(now)).hasSize(1);
    assertThatThrownBy(() -> restored.replay(later.get(0))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void restoreUpdatesGatewaySectionAtStart() {
    full("n1", 5, "{}");
    byte[] snap = state.snapshot();
    ClusterState r = ClusterState.builder().gatewayNodename("gw1").clusterName("demo").epoch("ep1").started(1764147999.5)
        .nodes(List.of("n1", "n9")).restore(snap);
    List<Event> ev = r.start(now);
    assertThat(ev).hasSize(2);
    assertThat(Json.compact(ev.get(0).data())).isEqualTo(
        "[[[\"cluster\",\"nodes\",1],\"n9\"],[[\"gateway\",\"started\"],1764147999.5]]");
    assertThat(ev.get(1).eventId()).isEqualTo("monitor_started");
    assertThat(ev.get(0).id()).isEqualTo(state.lastId() + 1);
  }

  @Test
  void restoreRejectsGarbage() {
    ClusterState.Builder cfg = ClusterState.builder().gatewayNodename("gw1");
    assertThatThrownBy(() -> cfg.restore("{}".getBytes())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> cfg.restore("nope".getBytes())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void builderValidates() {
    assertThatThrownBy(() -> ClusterState.builder().build()).hasMessageContaining("required");
    assertThatThrownBy(() -> ClusterState.builder().gatewayNodename("gw").nodes(List.of("a", "a")).build()).hasMessageContaining("twice");
    assertThatThrownBy(() -> ClusterState.builder().gatewayNodename("gw").nodes(List.of("gw")).build()).hasMessageContaining("own name");
    assertThatThrownBy(() -> ClusterState.builder().gatewayNodename("a b").build()).hasMessageContaining("spaces");
  }

  private static String nested(int depth) {
    return "{'d':".repeat(depth - 1) + "{}" + "}".repeat(depth - 1);
  }

  @Test
  void theDocumentNestsAtMost62Levels() {
    full("n1", 1, nested(59)); // 3 levels above the node data: 62 in all
    String before = doc();
    ApplyOutcome o = apply("{'nodename':'n1','kind':'full','gen':{'n1':2},'data':" + nested(60) + "}");
    assertThat(o.status()).isEqualTo(Status.FAILED);
    assertThat(o.error()).contains("deeper than 62");
    assertThat(doc()).isEqualTo(before);
    assertThat(o.merged()).isZero();
    byte[] snap = state.snapshot();
    assertThat(ClusterState.restore(snap, ClusterState.builder().gatewayNodename("gw1")).document().toString())
        .isEqualTo(state.document().toString());
  }

  @Test
  void anEmptyPatchIsApplied() {
    full("n1", 3, "{}");
    ApplyOutcome o = patch("n1", "{}");
    assertThat(o.status()).isEqualTo(Status.APPLIED);
    assertThat(o.merged()).isEqualTo(3);
  }

  @Test
  void aRejectedMessageChangesNeitherTheDocumentNorTheHistory() {
    // a full that fails, from a node never heard: no row, no cluster.nodes entry, no event
    ApplyOutcome deep = apply("{'nodename':'n9','kind':'full','gen':{'n9':1},'data':" + nested(60) + "}");
    assertThat(deep.status()).isEqualTo(Status.FAILED);
    assertThat(deep.events()).isEmpty();
    assertThat(state.node("n9")).isEmpty();
    assertThat(doc()).contains("\"nodes\":[]");
    // a stale node whose patch is rejected stays stale: hb_beating comes with a message that applies
    full("n1", 1, "{'a':1}");
    state.markStale("n1", now);
    String before = doc();
    long last = state.lastId();
    ApplyOutcome gap = patch("n1", "{'3':[[['a'],3]]}");
    assertThat(gap.status()).isEqualTo(Status.GAP);
    assertThat(gap.events()).isEmpty();
    assertThat(state.lastId()).isEqualTo(last);
    assertThat(doc()).isEqualTo(before);
    assertThat(state.node("n1").orElseThrow().status()).isEqualTo(Liveness.STALE);
    ApplyOutcome back = apply("{'nodename':'n1','kind':'full','gen':{'n1':3},'data':{'a':1}}");
    assertThat(back.events()).extracting(Event::eventId).containsExactly("hb_beating");
    // a message that applies admits its node before its own events
    ApplyOutcome ev = apply("{'nodename':'n2','kind':'event','data':{'id':'x'}}");
    assertThat(ev.events()).extracting(Event::nodename).containsExactly("gw1", "n2");
    assertThat(state.document().at("/cluster/nodes").toString()).isEqualTo("[\"n1\",\"n2\"]");
  }

  @Test
  void generationChangesAreDrainedOncePerChange() {
    full("n1", 4, "{'a':1}");
    assertThat(state.drainGenerationChanges()).containsExactly(new ClusterState.GenerationChange("n1", 4, false));
    assertThat(state.drainGenerationChanges()).isEmpty();
    // no event, yet the generation moved: still a change to keep
    assertThat(patch("n1", "{'5':[]}").events()).isEmpty();
    assertThat(state.drainGenerationChanges()).containsExactly(new ClusterState.GenerationChange("n1", 5, false));
    // an ignored patch moves nothing
    patch("n1", "{'5':[[['a'],9]]}");
    assertThat(state.drainGenerationChanges()).isEmpty();
    // a gap resets it to 0
    patch("n1", "{'9':[[['a'],9]]}");
    assertThat(state.drainGenerationChanges()).containsExactly(new ClusterState.GenerationChange("n1", 0, false));
    full("n1", 9, "{'a':9}");
    state.markNeedsFull("n1");
    assertThat(state.drainGenerationChanges()).containsExactly(new ClusterState.GenerationChange("n1", 0, false));
    full("n1", 10, "{'a':10}");
    state.forget("n1", now);
    assertThat(state.drainGenerationChanges()).containsExactly(new ClusterState.GenerationChange("n1", 0, true));
  }

  @Test
  void recoveredGenerationsReplaceWhatTheReplayCannotTell() {
    full("n1", 5, "{'a':1}");
    full("n2", 3, "{'b':1}");
    byte[] snap = state.snapshot();
    List<Event> later = new java.util.ArrayList<>();
    later.addAll(patch("n1", "{'6':[[['a'],2]],'7':[[['a'],3]]}").events());
    later.addAll(apply("{'nodename':'n3','kind':'full','gen':{'n3':8},'data':{'c':1}}").events());
    java.util.Map<String, Long> stored = new java.util.HashMap<>();
    for (ClusterState.GenerationChange c : state.drainGenerationChanges()) {
      stored.put(c.nodename(), c.merged());
    }
    ClusterState restored = ClusterState.restore(snap, ClusterState.builder().gatewayNodename("gw1"));
    for (Event e : later) {
      restored.replay(readBack(e));
    }
    assertThat(restored.node("n1").orElseThrow().needsFull()).as("what the replay alone tells").isTrue();
    restored.recoverGenerations(stored);
    assertThat(restored.drainGenerationChanges()).as("replay and recovery record none").isEmpty();
    assertThat(restored.node("n1").orElseThrow().merged()).isEqualTo(7);
    assertThat(restored.node("n1").orElseThrow().needsFull()).isFalse();
    assertThat(restored.node("n2").orElseThrow().merged()).as("from the snapshot").isEqualTo(3);
    assertThat(restored.node("n3").orElseThrow().merged()).isEqualTo(8);
    assertThat(restored.apply(msg("{'nodename':'n1','kind':'patch','gen':{'n1':8},'deltas':{'8':[[['a'],4]]}}"), now)
        .status()).isEqualTo(Status.APPLIED);
    assertThat(restored.drainGenerationChanges()).containsExactly(new ClusterState.GenerationChange("n1", 8, false));
  }
}
