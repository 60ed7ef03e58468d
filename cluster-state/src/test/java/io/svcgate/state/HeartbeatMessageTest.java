package io.svcgate.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.svcgate.state.HeartbeatMessage.Full;
import io.svcgate.state.HeartbeatMessage.JsonPatch;
import io.svcgate.state.HeartbeatMessage.NodeEvent;
import io.svcgate.state.HeartbeatMessage.Patch;
import io.svcgate.state.HeartbeatMessage.Ping;
import io.svcgate.state.HeartbeatMessage.Stanzas;
import io.svcgate.state.InvalidMessageException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HeartbeatMessageTest {

  private static HeartbeatMessage parse(String s) {
    return HeartbeatMessage.parse(s.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void fullWithTheModelMdExample() {
    Full f = (Full) parse("{'nodename':'n1','kind':'full','gen':{'n1':42,'n2':17},'data':{'agent':'2.1-1804','frozen':0,"
        + "'monitor':{'status':'idle','status_updated':1764147001.2},'gen':{'n1':42,'n2':17},'updated':1764147001.2}}");
    assertThat(f.nodename()).isEqualTo("n1");
    assertThat(f.generation()).isEqualTo(42);
    assertThat(f.gen()).containsEntry("n2", 17L);
    assertThat(Json.compact(f.data().get("updated"))).isEqualTo("1764147001.2");
    assertThat(f.kind()).isEqualTo("full");
  }

  @Test
  void patchWithStanzasSortedByGeneration() {
    Patch p = (Patch) parse("{'nodename':'n1','kind':'patch','gen':{'n1':44},'deltas':{'44':[[['frozen'],1764147001.2]],"
        + "'43':[[['services','status','ns1/svc/web','resources','fs#1']]],'45':[]}}");
    assertThat(p.deltas().keySet()).containsExactly(43L, 44L, 45L);
    Stanzas s43 = (Stanzas) p.deltas().get(43L);
    assertThat(s43.stanzas().get(0).isDelete()).isTrue();
    assertThat(s43.stanzas().get(0).path()).isEqualTo(Path.of("services", "status", "ns1/svc/web", "resources", "fs#1"));
    assertThat(((Stanzas) p.deltas().get(45L)).isEmpty()).isTrue();
    assertThat(Json.compact(p.toJson())).isEqualTo(
        "{\"nodename\":\"n1\",\"kind\":\"patch\",\"gen\":{\"n1\":44},\"deltas\":{\"43\":[[[\"services\",\"status\",\"ns1/svc/web\","
            + "\"resources\",\"fs#1\"]]],\"44\":[[[\"frozen\"],1764147001.2]],\"45\":[]}}");
  }

  @Test
  void patchInRfc6902Format() {
    Patch p = (Patch) parse("{'kind':'patch','format':'rfc6902','nodename':'n1','gen':{'n1':44},"
        + "'deltas':{'44':[{'op':'replace','path':'/frozen','value':0}]}}");
    JsonPatch jp = (JsonPatch) p.deltas().get(44L);
    assertThat(jp.ops()).hasSize(1);
    assertThat(jp.ops().get(0).kind()).isEqualTo(Rfc6902.OpKind.REPLACE);
    assertThat(HeartbeatMessage.parse(p.toJson())).isEqualTo(p);
  }

  @Test
  void pingAndEvent() {
    Ping ping = (Ping) parse("{'nodename':'n1','kind':'ping','gen':{'n1':0},'monitor':{'status':'idle'}}");
    assertThat(ping.monitor().path("status").textValue()).isEqualTo("idle");
    NodeEvent e = (NodeEvent) parse("{'nodename':'n1','kind':'event','data':{'id':'node_freeze','reason':'target','rid':'fs#1'}}");
    assertThat(e.eventId()).isEqualTo("node_freeze");
    assertThat(e.data().path("rid").textValue()).isEqualTo("fs#1");
  }

  @Test
  void svcnameIsASynonymOfPath() {
    NodeEvent e = (NodeEvent) parse("{'nodename':'n1','kind':'event','data':{'id':'instance_stop','svcname':'ns1/svc/web'}}");
    assertThat(Json.compact(e.data())).isEqualTo("{\"id\":\"instance_stop\",\"svcname\":\"ns1/svc/web\",\"path\":\"ns1/svc/web\"}");
    NodeEvent both = (NodeEvent) parse("{'nodename':'n1','kind':'event','data':{'id':'x','svcname':'a','path':'b'}}");
    assertThat(both.data().path("path").textValue()).isEqualTo("b");
  }

  @Test
  void parseOfATreeDoesNotModifyIt() {
    var tree = ClusterStateTest.json("{'nodename':'n1','kind':'event','data':{'id':'x','svcname':'a'}}");
    String before = Json.compact(tree);
    HeartbeatMessage.parse(tree);
    assertThat(Json.compact(tree)).isEqualTo(before);
  }

  @Test
  void unknownTopLevelMembersAreIgnored() {
    assertThat(parse("{'nodename':'n1','kind':'ping','gen':{'n1':0},'monitor':{},'extra':1}")).isInstanceOf(Ping.class);
  }

  static Stream<Arguments> invalid() {
    String deep = "[".repeat(70) + "]".repeat(70);
    return Stream.of(
        Arguments.of("not json", Reason.NOT_JSON, "not JSON"),
        Arguments.of("", Reason.NOT_JSON, "empty"),
        Arguments.of("{'nodename':'n1'} x", Reason.NOT_JSON, "not JSON"),
        Arguments.of("[1]", Reason.NOT_OBJECT, "must be a JSON object, got a list"),
        Arguments.of("{'kind':'full'}", Reason.MISSING_NODENAME, "no \"nodename\""),
        Arguments.of("{'nodename':5,'kind':'full'}", Reason.BAD_NODENAME, "must be a string, got a number"),
        Arguments.of("{'nodename':'','kind':'full'}", Reason.BAD_NODENAME, "must not be empty"),
        Arguments.of("{'nodename':'a b','kind':'full'}", Reason.BAD_NODENAME, "spaces"),
        Arguments.of("{'nodename':'" + "x".repeat(256) + "','kind':'full'}", Reason.BAD_NODENAME, "256 characters"),
        Arguments.of("{'nodename':'n1'}", Reason.MISSING_KIND, "no \"kind\""),
        Arguments.of("{'nodename':'n1','kind':1}", Reason.BAD_TYPE, "\"kind\" must be a string"),
        Arguments.of("{'nodename':'n1','kind':'fool'}", Reason.UNKNOWN_KIND, "unknown \"kind\" \"fool\""),
        Arguments.of("{'nodename':'n1','kind':'full','data':{}}", Reason.MISSING_FIELD, "needs \"gen\""),
        Arguments.of("{'nodename':'n1','kind':'full','gen':{'n1':1}}", Reason.MISSING_FIELD, "needs \"data\""),
        Arguments.of("{'nodename':'n1','kind':'full','gen':{'n1':1},'data':[]}", Reason.BAD_TYPE, "\"data\" must be an object, got a list"),
        Arguments.of("{'nodename':'n1','kind':'full','gen':[1],'data':{}}", Reason.BAD_GEN, "\"gen\" must be an object"),
        Arguments.of("{'nodename':'n1','kind':'full','gen':{'n1':'1'},'data':{}}", Reason.BAD_GEN, "\"gen\".n1 must be a non-negative integer, got \"1\""),
        Arguments.of("{'nodename':'n1','kind':'full','gen':{'n1':-1},'data':{}}", Reason.BAD_GEN, "got -1"),
        Arguments.of("{'nodename':'n1','kind':'full','gen':{'n1':1.5},'data':{}}", Reason.BAD_GEN, "got 1.5"),
        Arguments.of("{'nodename':'n1','kind':'full','gen':{'n1':99999999999999999999},'data':{}}", Reason.BAD_GEN, "non-negative integer"),
        Arguments.of("{'nodename':'n1','kind':'full','gen':{'n2':1},'data':{}}", Reason.BAD_GEN, "no entry for the sender n1"),
        Arguments.of("{'nodename':'n1','kind':'full','gen':{'n1':0},'data':{}}", Reason.BAD_GEN, "at least 1"),
        Arguments.of("{'nodename':'n1','kind':'full','gen':{'':1,'n1':1},'data':{}}", Reason.BAD_GEN, "not a node name"),
        Arguments.of("{'nodename':'n1','kind':'ping','gen':{'n1':0}}", Reason.MISSING_FIELD, "needs \"monitor\""),
        Arguments.of("{'nodename':'n1','kind':'ping','gen':{'n1':0},'monitor':'idle'}", Reason.BAD_TYPE, "\"monitor\" must be an object"),
        Arguments.of("{'nodename':'n1','kind':'patch','gen':{'n1':1}}", Reason.MISSING_FIELD, "needs \"deltas\""),
        Arguments.of("{'nodename':'n1','kind':'patch','gen':{'n1':1},'deltas':[]}", Reason.BAD_TYPE, "\"deltas\" must be an object"),
        Arguments.of("{'nodename':'n1','kind':'patch','gen':{'n1':1},'deltas':{'x1':[]}}", Reason.BAD_DELTAS, "\"x1\" is not a generation"),
        Arguments.of("{'nodename':'n1','kind':'patch','gen':{'n1':1},'deltas':{'-1':[]}}", Reason.BAD_DELTAS, "is not a generation"),
        Arguments.of("{'nodename':'n1','kind':'patch','gen':{'n1':1},'deltas':{'0':[]}}", Reason.BAD_DELTAS, "start at 1"),
        Arguments.of("{'nodename':'n1','kind':'patch','gen':{'n1':1},'deltas':{'1':[],'01':[]}}", Reason.BAD_DELTAS, "generation 1 twice"),
        Arguments.of("{'nodename':'n1','kind':'patch','gen':{'n1':1},'deltas':{'1':{}}}", Reason.BAD_DELTAS, "\"deltas.1\" must be a list of stanzas"),
        Arguments.of("{'nodename':'n1','kind':'patch','format':'json','gen':{'n1':1},'deltas':{}}", Reason.BAD_FORMAT, "unknown \"format\""),
        Arguments.of("{'nodename':'n1','kind':'patch','format':1,'gen':{'n1':1},'deltas':{}}", Reason.BAD_TYPE, "\"format\" must be a string"),
        Arguments.of("{'nodename':'n1','kind':'patch','gen':{'n1':1},'deltas':{'1':[{}]}}", Reason.BAD_STANZA, "stanza deltas.1[0] must be [path, value] or [path], got an object"),
        Arguments.of("{'nodename':'n1','kind':'patch','gen':{'n1':1},'deltas':{'1':[[]]}}", Reason.BAD_STANZA, "got a list of 0"),
        Arguments.of("{'nodename':'n1','kind':'patch','gen':{'n1':1},'deltas':{'1':[[['a'],1,2]]}}", Reason.BAD_STANZA, "got a list of 3"),
        Arguments.of("{'nodename':'n1','kind':'patch','gen':{'n1':1},'deltas':{'1':[[[]]]}}", Reason.BAD_STANZA, "deletes the whole node data"),
        Arguments.of("{'nodename':'n1','kind':'patch','gen':{'n1':1},'deltas':{'1':[[[],1]]}}", Reason.BAD_STANZA, "node data must be an object"),
        Arguments.of("{'nodename':'n1','kind':'patch','gen':{'n1':1},'deltas':{'1':[['a',1]]}}", Reason.BAD_PATH, "path of stanza deltas.1[0] must be a list"),
        Arguments.of("{'nodename':'n1','kind':'patch','gen':{'n1':1},'deltas':{'1':[[['a',-1],1]]}}", Reason.BAD_PATH, "path element 1 of stanza deltas.1[0] must be a string key or a non-negative integer index, got -1"),
        Arguments.of("{'nodename':'n1','kind':'patch','gen':{'n1':1},'deltas':{'1':[[['a',1.5],1]]}}", Reason.BAD_PATH, "got 1.5"),
        Arguments.of("{'nodename':'n1','kind':'patch','gen':{'n1':1},'deltas':{'1':[[['a',true],1]]}}", Reason.BAD_PATH, "got true"),
        Arguments.of("{'nodename':'n1','kind':'patch','gen':{'n1':1},'deltas':{'1':[[['a',null],1]]}}", Reason.BAD_PATH, "got null"),
        Arguments.of("{'nodename':'n1','kind':'patch','gen':{'n1':1},'deltas':{'1':[[['a',3000000000],1]]}}", Reason.BAD_PATH, "got 3000000000"),
        Arguments.of("{'nodename':'n1','kind':'patch','gen':{'n1':1},'deltas':{'1':[[" + "['k'".repeat(1) + ",'k'".repeat(32) + "],1]]}}", Reason.BAD_PATH, "has 33 steps, at most 32"),
        Arguments.of("{'nodename':'n1','kind':'patch','format':'rfc6902','gen':{'n1':1},'deltas':{'1':[{'op':'jump','path':'/a'}]}}", Reason.BAD_OP, "unknown op \"jump\""),
        Arguments.of("{'nodename':'n1','kind':'patch','format':'rfc6902','gen':{'n1':1},'deltas':{'1':[{'op':'add','path':'/a'}]}}", Reason.BAD_OP, "has no \"value\""),
        Arguments.of("{'nodename':'n1','kind':'patch','format':'rfc6902','gen':{'n1':1},'deltas':{'1':[{'op':'move','path':'/a'}]}}", Reason.BAD_OP, "has no \"from\""),
        Arguments.of("{'nodename':'n1','kind':'patch','format':'rfc6902','gen':{'n1':1},'deltas':{'1':[{'op':'remove','path':'a'}]}}", Reason.BAD_OP, "not a JSON Pointer"),
        Arguments.of("{'nodename':'n1','kind':'patch','format':'rfc6902','gen':{'n1':1},'deltas':{'1':[{'op':'remove','path':'/a~2'}]}}", Reason.BAD_OP, "~ must be followed by 0 or 1"),
        Arguments.of("{'nodename':'n1','kind':'patch','format':'rfc6902','gen':{'n1':1},'deltas':{'1':[{'op':'remove'}]}}", Reason.BAD_OP, "has no \"path\""),
        Arguments.of("{'nodename':'n1','kind':'patch','format':'rfc6902','gen':{'n1':1},'deltas':{'1':[[1]]}}", Reason.BAD_OP, "operation 0 must be an object"),
        Arguments.of("{'nodename':'n1','kind':'event'}", Reason.MISSING_FIELD, "needs \"data\""),
        Arguments.of("{'nodename':'n1','kind':'event','data':{}}", Reason.MISSING_FIELD, "\"data.id\""),
        Arguments.of("{'nodename':'n1','kind':'event','data':{'id':3}}", Reason.BAD_TYPE, "\"data.id\" must be a non-empty string, got 3"),
        Arguments.of("{'nodename':'n1','kind':'event','data':{'id':'x','path':[1]}}", Reason.BAD_TYPE, "\"data.path\" must be a string"),
        Arguments.of("{'nodename':'n1','kind':'event','data':{'id':'x','svcname':1}}", Reason.BAD_TYPE, "\"data.svcname\" must be a string"),
        Arguments.of("{'nodename':'n1','kind':'event','data':{'id':'x','reason':{}}}", Reason.BAD_TYPE, "\"data.reason\" must be a string"),
        Arguments.of("{'nodename':'n1','kind':'full','gen':{'n1':1},'data':{'a':" + deep + "}}", Reason.TOO_DEEP, "deeper than 64"),
        Arguments.of("{'nodename':'n1','kind':'full','gen':{'n1':1},'data':{'a':'" + "x".repeat((1 << 20) + 1) + "'}}", Reason.TOO_LARGE, "exceeds the maximum"),
        Arguments.of("{'nodename':'n1','kind':'full','gen':{'n1':1},'data':{'a':1e99999}}", Reason.TOO_LARGE, "exponent"));
  }

  @ParameterizedTest
  @MethodSource("invalid")
  void invalidMessagesSayWhy(String message, Reason reason, String says) {
    InvalidMessageException e = catchThrowableOfType(InvalidMessageException.class, () -> parse(message));
    assertThat(e).as(message.length() > 200 ? message.substring(0, 200) : message).isNotNull();
    assertThat(e.kind()).as(e.getMessage()).isEqualTo(reason);
    assertThat(e.reason()).isEqualTo(reason.label()).matches("[a-z_]+");
    assertThat(e.getMessage()).contains(says);
  }

  @Test
  void treeInputIsBoundedLikeBytes() {
    var deep = Json.NODES.objectNode();
    var cur = deep;
    for (int i = 0; i < 70; i++) {
      cur = cur.putObject("d");
    }
    var msg = Json.NODES.objectNode().put("nodename", "n1").put("kind", "full");
    msg.putObject("gen").put("n1", 1);
    msg.set("data", deep);
    assertThatThrownBy(() -> HeartbeatMessage.parse(msg)).isInstanceOfSatisfying(InvalidMessageException.class,
        e -> assertThat(e.kind()).isEqualTo(Reason.TOO_DEEP));
    var big = Json.NODES.objectNode().put("nodename", "n1").put("kind", "event");
    big.putObject("data").put("id", "x").put("s", "y".repeat((1 << 20) + 1));
    assertThatThrownBy(() -> HeartbeatMessage.parse(big)).isInstanceOfSatisfying(InvalidMessageException.class,
        e -> assertThat(e.kind()).isEqualTo(Reason.TOO_LARGE));
    var nan = Json.NODES.objectNode().put("nodename", "n1").put("kind", "event");
    nan.putObject("data").put("id", "x").put("v", Double.NaN);
    assertThatThrownBy(() -> HeartbeatMessage.parse(nan)).isInstanceOfSatisfying(InvalidMessageException.class,
        e -> assertThat(e.kind()).isEqualTo(Reason.BAD_TYPE));
    assertThatThrownBy(() -> HeartbeatMessage.parse((com.fasterxml.jackson.databind.JsonNode) null))
        .isInstanceOf(InvalidMessageException.class);
  }

  @Test
  void everyReasonIsExercised() {
    assertThat(invalid().map(a -> (Reason) a.get()[1]).distinct()).containsExactlyInAnyOrder(Reason.values());
  }

  @Test
  void aPatchHoldsStanzasOrOperationsNotBoth() {
    Stanzas stanzas = new Stanzas(java.util.List.of());
    JsonPatch ops = new JsonPatch(java.util.List.of());
    assertThatThrownBy(() -> new Patch("n1", java.util.Map.of("n1", 2L),
        new java.util.TreeMap<>(java.util.Map.of(1L, stanzas, 2L, ops))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not both");
    assertThat(new Patch("n1", java.util.Map.of("n1", 2L), new java.util.TreeMap<>(java.util.Map.of(1L, ops, 2L, ops)))
        .deltas()).hasSize(2);
  }
}
