package io.svcgate.state;

import static io.svcgate.state.ClusterStateTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DiffTest {

  private static String diff(String a, String b) {
    List<Stanza> s = Diff.diff(Path.of("r"), a == null ? null : json(a), b == null ? null : json(b));
    return Json.compact(Event.patch(1, 0, "n", s).data());
  }

  @Test
  void equalValuesGiveNothing() {
    assertThat(diff("{'a':[1,{'b':null}],'c':1.5}", "{'c':1.5,'a':[1,{'b':null}]}")).isEqualTo("[]");
  }

  @Test
  void objectsRecurseDeletesFirstThenSetsInTheNewOrder() {
    assertThat(diff("{'a':1,'b':{'x':1,'y':2},'c':3}", "{'z':0,'b':{'x':1,'y':3},'a':1}"))
        .isEqualTo("[[[\"r\",\"c\"]],[[\"r\",\"z\"],0],[[\"r\",\"b\",\"y\"],3]]");
  }

  @Test
  void listsRecurseOnTheCommonPrefixThenAppend() {
    assertThat(diff("[1,{'a':1}]", "[2,{'a':2},3,4]"))
        .isEqualTo("[[[\"r\",0],2],[[\"r\",1,\"a\"],2],[[\"r\",2],3],[[\"r\",3],4]]");
  }

  @Test
  void listDeletesGoHighestIndexFirst() {
    assertThat(diff("[1,2,3,4]", "[1]")).isEqualTo("[[[\"r\",3]],[[\"r\",2]],[[\"r\",1]]]");
  }

  @Test
  void aTypeChangeIsOneSetOfTheWholeValue() {
    assertThat(diff("{'a':{'b':1}}", "{'a':[1]}")).isEqualTo("[[[\"r\",\"a\"],[1]]]");
    assertThat(diff("{'a':[1]}", "{'a':'s'}")).isEqualTo("[[[\"r\",\"a\"],\"s\"]]");
    assertThat(diff("{'a':null}", "{'a':{}}")).isEqualTo("[[[\"r\",\"a\"],{}]]");
    assertThat(diff("{'a':1}", "{'a':'1'}")).isEqualTo("[[[\"r\",\"a\"],\"1\"]]");
  }

  @Test
  void numbersDifferWhenWrittenDifferently() {
    assertThat(diff("{'a':1}", "{'a':1.0}")).isEqualTo("[[[\"r\",\"a\"],1.0]]");
    assertThat(diff("{'a':1.0}", "{'a':1.00}")).isEqualTo("[[[\"r\",\"a\"],1.00]]");
    assertThat(diff("{'a':1.50}", "{'a':1.50}")).isEqualTo("[]");
    assertThat(Diff.diff(Path.ROOT, Json.NODES.numberNode(5), Json.NODES.numberNode(5L))).isEmpty();
  }

  @Test
  void absentValues() {
    assertThat(diff(null, "{'a':1}")).isEqualTo("[[[\"r\"],{\"a\":1}]]");
    assertThat(diff("{'a':1}", null)).isEqualTo("[[[\"r\"]]]");
    assertThat(diff(null, null)).isEqualTo("[]");
  }
}
