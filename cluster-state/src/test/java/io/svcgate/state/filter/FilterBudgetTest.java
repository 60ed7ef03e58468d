package io.svcgate.state.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.svcgate.state.Json;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The RE2 engine behind '~' and the work budget of one evaluation (docs/filters.md, "Cost"). */
class FilterBudgetTest {

  /** A document of {@code nodes} nodes with {@code keys} string values each. */
  private static ObjectNode document(int nodes, int keys) {
    ObjectNode root = Json.NODES.objectNode();
    ObjectNode n = root.putObject("monitor").putObject("nodes");
    for (int i = 0; i < nodes; i++) {
      ObjectNode node = n.putObject("n" + i);
      for (int k = 0; k < keys; k++) {
        node.put("k" + k, "aaaaaaaaaaaaaaaaaaaa");
      }
    }
    return root;
  }

  @Test
  void theCatastrophicPatternOfTheIssueIsBoundedByTheBudget() {
    ObjectNode doc = document(50, 200);
    Condition c = Condition.parse("$~(.*a)ZZZQ");
    FilterBudget budget = FilterBudget.of(1_000_000);
    assertThatThrownBy(() -> c.test(doc, budget)).isInstanceOf(FilterBudgetException.class)
        .hasMessageContaining("filter.max-cost").hasNoCause();
    assertThat(budget.spent()).isEqualTo(1_000_000);
    // on a small part of the document it simply evaluates
    assertThat(Condition.parse("monitor.nodes.n1.k1~(.*a)ZZZQ").test(doc, FilterBudget.of(1_000_000))).isFalse();
    assertThat(Condition.parse("monitor.nodes.n1.k1~(.*a)a$").test(doc, FilterBudget.of(1_000_000))).isTrue();
  }

  @Test
  void writingALargeObjectForTildeStopsWithTheBudget() {
    ObjectNode doc = document(20, 100);
    FilterBudget budget = FilterBudget.of(5_000);
    assertThatThrownBy(() -> Condition.parse("monitor~ZZZQ").test(doc, budget)).isInstanceOf(FilterBudgetException.class);
    assertThatThrownBy(() -> Condition.parse("monitor.nodes.*~ZZZQ").test(doc, FilterBudget.of(5_000)))
        .isInstanceOf(FilterBudgetException.class);
  }

  @Test
  void aWalkCostsOneUnitPerValueVisited() {
    ObjectNode doc = document(10, 10);
    // root + monitor + nodes + 10 nodes + 100 values
    FilterBudget all = FilterBudget.of(1_000);
    assertThat(PathExpression.parse("..*").select(doc, all)).hasSize(112);
    assertThat(all.spent()).isEqualTo(113);
    assertThatThrownBy(() -> PathExpression.parse("..*").select(doc, FilterBudget.of(112)))
        .isInstanceOf(FilterBudgetException.class);
    FilterBudget one = FilterBudget.of(1_000);
    PathExpression.parse("monitor.nodes.n3.k4").select(doc, one);
    assertThat(one.spent()).as("a literal path walks its own steps only").isEqualTo(5);
  }

  @Test
  void searchingCostsTheCharactersTimesThePatternSize() {
    JsonNode doc = json("{'s': 'abcdefghij', 'o': {'a': [1, 2, 3]}}");
    FilterBudget b = FilterBudget.of(1_000);
    assertThat(Condition.parse("s~x|j").test(doc, b)).isTrue();
    long search = b.spent() - 2;
    assertThat(search).isEqualTo(10 * RegexPattern.compile("", "x|j", 0).costPerChar());
    FilterBudget o = FilterBudget.of(1_000);
    assertThat(Condition.parse("o~\\[1,2,3\\]").test(doc, o)).isTrue();
    assertThat(o.spent()).as("writing the object as text is charged too").isGreaterThan(2 + 15);
  }

  @Test
  void re2SyntaxAndItsLimits() {
    assertThat(Condition.parse("v~^(?i)WA").test(json("{'v': 'warn'}"))).isTrue();
    assertThat(Condition.parse("v~(?:ar)n").test(json("{'v': 'warn'}"))).isTrue();
    assertThat(Condition.parse("v~\\p{L}+$").test(json("{'v': 'warn'}"))).isTrue();
    for (String unsupported : List.of("v~(a)\\1", "v~(?!a)", "v~a*+", "v~a\\Z")) {
      assertThatThrownBy(() -> Condition.parse(unsupported)).as(unsupported).isInstanceOf(FilterSyntaxException.class)
          .hasMessageContaining("invalid regular expression after '~'").hasMessageContaining("RE2");
    }
    assertThatThrownBy(() -> Condition.parse("v~(a{1000}){1000}")).isInstanceOf(FilterSyntaxException.class)
        .hasMessageContaining("too large");
    assertThatThrownBy(() -> Condition.parse("v~((a{100}){100}){100}")).isInstanceOf(FilterSyntaxException.class)
        .hasMessageContaining("too large");
    assertThatThrownBy(() -> Condition.parse("v~" + "a".repeat(RegexPattern.MAX_LENGTH + 1)))
        .isInstanceOf(FilterSyntaxException.class).hasMessageContaining("too long");
    assertThat(RegexPattern.compile("", "[a-z]{500}Z", 0).costPerChar()).isBetween(500L, 1_000L);
    assertThat(RegexPattern.compile("", "(.*a)ZZZQ", 0).costPerChar()).isLessThan(20L);
  }

  // ---- a budget never changes an answer, it only stops an evaluation

  @Provide
  Arbitrary<JsonNode> documents() {
    Arbitrary<JsonNode> leaf = Arbitraries.oneOf(
        Arbitraries.strings().withChars("abz").ofMaxLength(6).map(s -> (JsonNode) Json.NODES.textNode(s)),
        Arbitraries.integers().between(0, 3).map(i -> (JsonNode) Json.NODES.numberNode(i)));
    return Arbitraries.recursive(() -> leaf, inner -> Arbitraries.oneOf(
        inner.list().ofMaxSize(4).map(l -> {
          ArrayNode a = Json.NODES.arrayNode();
          l.forEach(a::add);
          return (JsonNode) a;
        }),
        inner.list().ofMaxSize(4).map(l -> {
          ObjectNode o = Json.NODES.objectNode();
          for (int i = 0; i < l.size(); i++) {
            o.set(i % 2 == 0 ? "a" + i : "b" + i, l.get(i));
          }
          return (JsonNode) o;
        })), 4);
  }

  @Provide
  Arbitrary<String> conditions() {
    return Arbitraries.of("..a0", "*", "a0.*", "..*~z", "$~ab", "..b1~^a+$", "a0[*]~[0-9]", "..*", "!..a2~b");
  }

  @Property(seed = "20261206")
  void aLargeEnoughBudgetGivesTheUnboundedAnswerAndASmallerOneStops(@ForAll("documents") JsonNode doc,
                                                                     @ForAll("conditions") String text) {
    Condition c = Condition.parse(text);
    boolean free = c.test(doc);
    FilterBudget enough = FilterBudget.of(1_000_000);
    assertThat(c.test(doc, enough)).isEqualTo(free);
    long cost = enough.spent();
    assertThat(cost).isPositive();
    assertThat(c.test(doc, FilterBudget.of(cost))).as("exactly its cost is enough").isEqualTo(free);
    if (cost > 1) {
      boolean stopped = false;
      try {
        c.test(doc, FilterBudget.of(cost - 1));
      } catch (FilterBudgetException e) {
        stopped = true;
      }
      // an evaluation that found its answer early may stop short of its full cost: only ever one way
      if (!stopped) {
        assertThat(c.test(doc, FilterBudget.of(cost - 1))).isEqualTo(free);
      }
    }
  }

  private static JsonNode json(String singleQuoted) {
    try {
      return Json.parse(singleQuoted.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }
}
