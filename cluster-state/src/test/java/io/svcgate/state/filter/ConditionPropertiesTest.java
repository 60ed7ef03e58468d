package io.svcgate.state.filter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.svcgate.state.Json;
import java.math.BigDecimal;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.BigRange;
import net.jqwik.api.constraints.Scale;

class ConditionPropertiesTest {

  @Provide
  Arbitrary<JsonNode> scalars() {
    return Arbitraries.oneOf(
        Arbitraries.bigDecimals().between(BigDecimal.valueOf(-1000), BigDecimal.valueOf(1000)).ofScale(2)
            .map(d -> (JsonNode) Json.NODES.numberNode(d)),
        Arbitraries.integers().between(-3, 3).map(i -> (JsonNode) Json.NODES.numberNode(i)),
        Arbitraries.of(true, false).map(b -> (JsonNode) Json.NODES.booleanNode(b)),
        Arbitraries.just(Json.NODES.nullNode()),
        Arbitraries.of("", "idle", "up", "0", "1", "none", "null", "true", "Ab", "é").map(s -> (JsonNode) Json.NODES.textNode(s)));
  }

  @Provide
  Arbitrary<String> values() {
    return Arbitraries.of("0", "0.0", "1", "-1", ".5", "1e2", "2.50", "abc", "idle", "up", "", "yes", "no", "T", "F",
        "none", "None", "null", "true", "false", "Ab", "é", "{}", "[]", "1_0", "inf");
  }

  private static JsonNode doc(JsonNode v) {
    ObjectNode o = Json.NODES.objectNode();
    o.set("v", v);
    return o;
  }

  @Property
  void notEqualIsTheNegationOfEqual(@ForAll("scalars") JsonNode v, @ForAll("values") String w) {
    JsonNode d = doc(v);
    assertThat(Condition.parse("v!=" + w).test(d)).isEqualTo(!Condition.parse("v=" + w).test(d));
    assertThat(Condition.parse("!v=" + w).test(d)).isEqualTo(!Condition.parse("v=" + w).test(d));
  }

  @Property
  void inOneMemberIsEqual(@ForAll("scalars") JsonNode v, @ForAll("values") String w) {
    JsonNode d = doc(v);
    boolean eq = Condition.parse("v=" + w).test(d);
    if (!w.startsWith("[")) {
      assertThat(Condition.parse("v in " + w).test(d)).isEqualTo(eq);
      assertThat(Condition.parse("v in zzz, " + w + " ,zzz").test(d)).isEqualTo(eq);
    }
  }

  @Property
  void orderingIsConsistent(@ForAll("scalars") JsonNode v, @ForAll("values") String w) {
    JsonNode d = doc(v);
    boolean gt = Condition.parse("v>" + w).test(d);
    boolean lt = Condition.parse("v<" + w).test(d);
    boolean eq = Condition.parse("v=" + w).test(d);
    boolean ge = Condition.parse("v>=" + w).test(d);
    boolean le = Condition.parse("v<=" + w).test(d);
    assertThat(gt && lt).isFalse();
    if (gt || lt) {
      assertThat(eq).isFalse();
    }
    if (gt || lt || ge || le) {
      // comparable: a total order
      assertThat(ge).isEqualTo(!lt);
      assertThat(le).isEqualTo(!gt);
      assertThat(ge && le).isEqualTo(eq);
    }
  }

  @Property
  void numbersCompareByValueWhateverTheirNotation(
      @ForAll @BigRange(min = "-1000000", max = "1000000") @Scale(3) BigDecimal a,
      @ForAll @BigRange(min = "-1000000", max = "1000000") @Scale(2) BigDecimal b) {
    JsonNode d = doc(Json.NODES.numberNode(a));
    int c = a.compareTo(b);
    for (String w : new String[] {b.toPlainString(), b.toString(), b.stripTrailingZeros().toString(),
        b.stripTrailingZeros().toEngineeringString()}) {
      assertThat(Condition.parse("v>" + w).test(d)).as(w).isEqualTo(c > 0);
      assertThat(Condition.parse("v=" + w).test(d)).as(w).isEqualTo(c == 0);
      assertThat(Condition.parse("v<=" + w).test(d)).as(w).isEqualTo(c <= 0);
    }
  }
}
