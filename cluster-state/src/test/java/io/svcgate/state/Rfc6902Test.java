package io.svcgate.state;

import static io.svcgate.state.ClusterStateTest.json;
import static io.svcgate.state.ClusterStateTest.msg;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.svcgate.state.ApplyOutcome.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

class Rfc6902Test {

  private static String apply(String doc, String ops) {
    return Json.compact(Rfc6902.apply(json(doc), Rfc6902.parse(json(ops))));
  }

  @Test
  void operations() {
    assertThat(apply("{'a':[1,2]}", "[{'op':'add','path':'/a/1','value':9}]")).isEqualTo("{\"a\":[1,9,2]}");
    assertThat(apply("{'a':[1,2]}", "[{'op':'add','path':'/a/-','value':9}]")).isEqualTo("{\"a\":[1,2,9]}");
    assertThat(apply("{'a':{'b':1}}", "[{'op':'move','from':'/a/b','path':'/c'}]")).isEqualTo("{\"a\":{},\"c\":1}");
    assertThat(apply("{'a':{'b':1}}", "[{'op':'copy','from':'/a','path':'/c'}]")).isEqualTo("{\"a\":{\"b\":1},\"c\":{\"b\":1}}");
    assertThat(apply("{'a':1.0}", "[{'op':'test','path':'/a','value':1}]")).isEqualTo("{\"a\":1.0}");
    assertThat(apply("{'a/b':{'~':1}}", "[{'op':'remove','path':'/a~1b/~0'}]")).isEqualTo("{\"a/b\":{}}");
  }

  @Test
  void errorsNameTheOperation() {
    assertThatThrownBy(() -> apply("{'a':1}", "[{'op':'test','path':'/a','value':1},{'op':'test','path':'/a','value':2}]"))
        .isInstanceOf(Rfc6902.PatchException.class).hasMessage("operation 1 (test \"/a\"): test failed: the value is 1, not 2");
    assertThatThrownBy(() -> apply("{'a':[1]}", "[{'op':'add','path':'/a/01','value':1}]"))
        .hasMessageContaining("\"01\" is not a list index");
    assertThatThrownBy(() -> apply("{'a':{}}", "[{'op':'move','from':'/a','path':'/a/b'}]"))
        .hasMessageContaining("into its own child");
    assertThatThrownBy(() -> apply("{'a':1}", "[{'op':'remove','path':'/b'}]")).hasMessageContaining("no member \"b\"");
    assertThatThrownBy(() -> apply("{'a':[]}", "[{'op':'replace','path':'/a/0','value':1}]")).hasMessageContaining("the list is empty");
  }

  @Test
  void applyLeavesTheInputAndTheOpsUntouched() {
    var doc = json("{'a':{'b':[1]}}");
    var ops = json("[{'op':'add','path':'/x','value':{'y':[]}},{'op':'add','path':'/x/y/-','value':1},{'op':'remove','path':'/a/b/0'}]");
    String d = Json.compact(doc);
    String o = Json.compact(ops);
    assertThat(Json.compact(Rfc6902.apply(doc, Rfc6902.parse(ops)))).isEqualTo("{\"a\":{\"b\":[]},\"x\":{\"y\":[1]}}");
    assertThat(Json.compact(doc)).isEqualTo(d);
    assertThat(Json.compact(ops)).isEqualTo(o);
  }

  @Test
  void pointers() {
    assertThat(Rfc6902.pointer("")).isEmpty();
    assertThat(Rfc6902.pointer("/")).containsExactly("");
    assertThat(Rfc6902.pointer("/a~1b/~0~01//")).containsExactly("a/b", "~~1", "", "");
    assertThatThrownBy(() -> Rfc6902.pointer("/a~")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void outputUsesTheOpHintsRecordedAtApplyTime() {
    ClusterState s = ClusterState.builder().gatewayNodename("gw").build();
    s.apply(msg("{'nodename':'n1','kind':'full','gen':{'n1':1},'data':{'a':1,'l':[1],'o/~':{}}}"), 1);
    ApplyOutcome o = s.apply(msg("{'nodename':'n1','kind':'patch','gen':{'n1':2},'deltas':{'2':["
        + "[['a'],2],[['b'],1],[['l',1],2],[['l',0],0],[['o/~','k'],1],[['a']]]}}"), 2);
    Event e = o.events().get(0);
    assertThat(e.opHints()).isEqualTo("raarad");
    assertThat(Json.compact(Rfc6902.toJsonPatch(e))).isEqualTo("["
        + "{\"op\":\"replace\",\"path\":\"/monitor/nodes/n1/a\",\"value\":2},"
        + "{\"op\":\"add\",\"path\":\"/monitor/nodes/n1/b\",\"value\":1},"
        + "{\"op\":\"add\",\"path\":\"/monitor/nodes/n1/l/1\",\"value\":2},"
        + "{\"op\":\"replace\",\"path\":\"/monitor/nodes/n1/l/0\",\"value\":0},"
        + "{\"op\":\"add\",\"path\":\"/monitor/nodes/n1/o~1~0/k\",\"value\":1},"
        + "{\"op\":\"remove\",\"path\":\"/monitor/nodes/n1/a\"}]");
    var env = Rfc6902.envelope(e);
    assertThat(env.get("id").longValue()).isEqualTo(e.id());
    assertThat(env.get("data").get(0).get("op").textValue()).isEqualTo("replace");
  }

  @Test
  void withoutHintsKeysBecomeAddAndIndexesReplace() throws Exception {
    Event e = Event.patch(1, 0, "n", List.of(Stanza.set(Path.of("a"), Json.NODES.numberNode(1)),
        Stanza.set(Path.of("l", 0), Json.NODES.numberNode(1)), Stanza.delete(Path.of("x"))));
    Event back = Event.fromJson(e.json());
    assertThat(back.opHints()).isNull();
    assertThat(Json.compact(Rfc6902.toJsonPatch(back))).isEqualTo(
        "[{\"op\":\"add\",\"path\":\"/a\",\"value\":1},{\"op\":\"replace\",\"path\":\"/l/0\",\"value\":1},{\"op\":\"remove\",\"path\":\"/x\"}]");
    assertThat(Json.compact(Rfc6902.toJsonPatch(Event.event(2, 0, "n", Json.NODES.objectNode().put("id", "x"))))).isEqualTo("[]");
  }

  @Test
  void ingestThatWouldMakeTheNodeDataANonObjectFails() {
    ClusterState s = ClusterState.builder().gatewayNodename("gw").build();
    s.apply(msg("{'nodename':'n1','kind':'full','gen':{'n1':1},'data':{'a':1}}"), 1);
    ApplyOutcome o = s.apply(msg("{'nodename':'n1','kind':'patch','format':'rfc6902','gen':{'n1':2},"
        + "'deltas':{'2':[{'op':'replace','path':'','value':[1]}]}}"), 2);
    assertThat(o.status()).isEqualTo(Status.FAILED);
    assertThat(o.error()).contains("must stay an object");
    ApplyOutcome t = s.apply(msg("{'nodename':'n1','kind':'full','gen':{'n1':3},'data':{'a':1}}"), 3);
    assertThat(t.status()).isEqualTo(Status.APPLIED);
    ApplyOutcome f = s.apply(msg("{'nodename':'n1','kind':'patch','format':'rfc6902','gen':{'n1':4},"
        + "'deltas':{'4':[{'op':'add','path':'/b','value':1},{'op':'test','path':'/a','value':2}]}}"), 4);
    assertThat(f.status()).isEqualTo(Status.FAILED);
    assertThat(f.error()).contains("generation 4").contains("operation 1 (test \"/a\")");
    assertThat(s.document().at("/monitor/nodes/n1").toString()).isEqualTo("{\"a\":1}");
  }
}
