package io.svcgate.state.filter;

import static io.svcgate.state.filter.Docs.CLUSTER;
import static io.svcgate.state.filter.Docs.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.svcgate.state.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConditionTest {

  private static boolean holds(String condition, JsonNode doc) {
    return Condition.parse(condition).test(doc);
  }

  /** {"v": <json>}: a one-value document to test coercions. */
  private static JsonNode v(String json) {
    return json("{'v': " + json + "}");
  }

  // ---- the examples of docs/filters.md, verbatim

  @Test
  void specExamplePathsAsConditions() {
    assertThat(holds("monitor.nodes.nuc-cva.frozen", CLUSTER)).isTrue();
    assertThat(holds("monitor.nodes.n1.frozen", CLUSTER)).isFalse();
    assertThat(holds("monitor.services.'ns1/svc/web'.avail", CLUSTER)).isTrue();
    assertThat(holds("monitor.services.'ns1/svc/web'.avail=up", CLUSTER)).isTrue();
    assertThat(holds("monitor.nodes.*.frozen", CLUSTER)).isTrue();
    assertThat(holds("monitor.nodes.n1..status", CLUSTER)).isTrue();
    assertThat(holds("/monitor/nodes/n1/frozen=0", CLUSTER)).isTrue();
  }

  @Test
  void regexSearchExamples() {
    assertThat(holds("overall~ar", json("{'overall': 'warn'}"))).isTrue();
    assertThat(holds("status~x|dl", json("{'status': 'idle'}"))).isTrue();
    assertThat(holds("status~x|dl", json("{'status': 'thawing'}"))).isFalse();
    assertThat(holds("monitor.services.*.overall~ar", CLUSTER)).isTrue();
    assertThat(holds("monitor.nodes.*.monitor.status~x|dl", CLUSTER)).isTrue();
    assertThat(holds("v~^ar", json("{'v': 'warn'}"))).as("anchored").isFalse();
    assertThat(holds("v~^wa", json("{'v': 'warn'}"))).isTrue();
    assertThat(holds("v~rn$", json("{'v': 'warn'}"))).isTrue();
  }

  @Test
  void negationOfAnAbsentNode() {
    assertThat(holds("!monitor.nodes.n3", CLUSTER)).isTrue();
    assertThat(holds("!monitor.nodes.n1", CLUSTER)).isFalse();
    assertThat(holds("monitor.nodes.n3", CLUSTER)).isFalse();
  }

  @Test
  void secondEqualsSignIsASyntaxError() {
    assertThatThrownBy(() -> Condition.parse("a.b=c=d"))
        .isInstanceOf(FilterSyntaxException.class)
        .hasMessageStartingWith("at position 3: expected '.', '[' or the end of the path, got '='")
        .hasMessageContaining("one operator");
  }

  // ---- operators and their order

  @Test
  void operatorsAreTriedInOrderAndSplitAtTheRightmostOccurrence() {
    JsonNode doc = json("{'n': 5, 's': 'b'}");
    assertThat(holds("n>=5", doc)).isTrue();
    assertThat(holds("n>=6", doc)).isFalse();
    assertThat(holds("n<=5", doc)).isTrue();
    assertThat(holds("n<=4", doc)).isFalse();
    assertThat(holds("n!=5", doc)).isFalse();
    assertThat(holds("n!=4", doc)).isTrue();
    assertThat(holds("n=5", doc)).isTrue();
    assertThat(holds("n>4", doc)).isTrue();
    assertThat(holds("n>5", doc)).isFalse();
    assertThat(holds("n<6", doc)).isTrue();
    assertThat(holds("n<5", doc)).isFalse();
    assertThat(holds("s~b", doc)).isTrue();
    assertThat(holds("s in a, b", doc)).isTrue();
    Condition c = Condition.parse("s=>b");
    assertThat(c.operator()).contains("=");
    assertThat(c.value()).isEqualTo(">b");
    Condition ge = Condition.parse("s>=b=c");
    assertThat(ge.operator()).contains(">=");
    assertThat(ge.value()).isEqualTo("b=c");
  }

  @Test
  void spacesAroundTheOperatorAndTheValueAreIgnored() {
    JsonNode doc = json("{'a': {'b': 'x y'}, 'e': ''}");
    assertThat(holds("a.b = x y", doc)).isTrue();
    assertThat(holds("  a.b=   x y  ", doc)).isTrue();
    assertThat(holds("a.b != x y ", doc)).isFalse();
    assertThat(holds("e=", doc)).as("an empty value is the empty string").isTrue();
    assertThat(holds("e = ", doc)).isTrue();
    assertThat(holds("a.b=", doc)).isFalse();
    assertThat(Condition.parse(" ! a.b = x ").negated()).isTrue();
    assertThat(Condition.parse("a.b = x").path().toString()).isEqualTo("a.b");
  }

  @Test
  void inNeedsItsOwnSpaces() {
    JsonNode doc = json("{'a': 'up', 'main': 'x'}");
    assertThat(holds("a in up, warn", doc)).isTrue();
    assertThat(holds("main", doc)).as("'in' inside a key is not the operator").isTrue();
    assertThatThrownBy(() -> Condition.parse("a in")).isInstanceOf(FilterSyntaxException.class);
  }

  // ---- truthiness

  @ParameterizedTest
  @ValueSource(strings = {"0", "0.0", "-0.0", "''", "[]", "{}", "null", "false"})
  void falsyValues(String value) {
    assertThat(holds("v", v(value))).isFalse();
    assertThat(holds("!v", v(value))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "0.1", "-2", "'0'", "' '", "'false'", "[0]", "{'a': null}", "true", "1764147001.2"})
  void truthyValues(String value) {
    assertThat(holds("v", v(value))).isTrue();
    assertThat(holds("!v", v(value))).isFalse();
  }

  @Test
  void withoutAnOperatorSomeMatchMustBeTruthy() {
    assertThat(holds("l[*]", json("{'l': [0, '', 3]}"))).isTrue();
    assertThat(holds("l[*]", json("{'l': [0, '', null]}"))).isFalse();
    assertThat(holds("l[*]", json("{'l': []}"))).isFalse();
  }

  // ---- coercion: number

  @Test
  void numberComparisonIsNumeric() {
    assertThat(holds("frozen=0", json("{'frozen': 0}"))).isTrue();
    assertThat(holds("frozen=0", json("{'frozen': 0.0}"))).isTrue();
    assertThat(holds("frozen=0.0", json("{'frozen': 0}"))).isTrue();
    assertThat(holds("frozen>0", json("{'frozen': 1764147001.2}"))).isTrue();
    assertThat(holds("frozen>0", json("{'frozen': 0}"))).isFalse();
    assertThat(holds("monitor.nodes.*.frozen>0", CLUSTER)).isTrue();
    assertThat(holds("monitor.nodes.n1.frozen>0", CLUSTER)).isFalse();
    assertThat(holds("n=10", json("{'n': 1e1}"))).isTrue();
    assertThat(holds("n>9", json("{'n': 10}"))).as("numeric, not lexicographic").isTrue();
    assertThat(holds("n<100", json("{'n': 20}"))).isTrue();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "0.5   | .5",
      "0.5   | 0.5",
      "0.5   | +.5",
      "-3    | -3",
      "5     | 5.",
      "1000  | 1e3",
      "1000  | 1E+3",
      "0.001 | 1e-3",
  })
  void decimalNumberForms(String doc, String value) {
    assertThat(holds("n=" + value, json("{'n': " + doc + "}"))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"inf", "nan", "1_0", "abc", "0x10", "1e", "--1", "Infinity", "."})
  void notNumbers(String value) {
    JsonNode doc = json("{'n': 10, 'z': 0}");
    assertThat(holds("n=" + value, doc)).isFalse();
    assertThat(holds("n>" + value, doc)).isFalse();
    assertThat(holds("n<" + value, doc)).isFalse();
    assertThat(holds("n>=" + value, doc)).isFalse();
    assertThat(holds("n!=" + value, doc)).as("!= is the negation of =").isTrue();
  }

  @Test
  void unconvertibleValueDoesNotMatchAndIsNoError() {
    assertThat(holds("frozen=abc", json("{'frozen': 0}"))).isFalse();
    assertThat(holds("monitor.nodes.*.frozen=abc", CLUSTER)).isFalse();
    assertThat(holds("speaker=maybe", json("{'speaker': true}"))).isFalse();
    assertThat(holds("o={not json", json("{'o': {}}"))).isFalse();
  }

  // ---- coercion: boolean

  @ParameterizedTest
  @ValueSource(strings = {"yes", "y", "true", "t", "1", "YES", "True", "T", "Y"})
  void trueWords(String word) {
    assertThat(holds("b=" + word, json("{'b': true}"))).isTrue();
    assertThat(holds("b=" + word, json("{'b': false}"))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"no", "n", "false", "f", "0", "0.0", "", "none", "[]", "{}", "NO", "False", "None"})
  void falseWords(String word) {
    assertThat(holds("b=" + word, json("{'b': false}"))).isTrue();
    assertThat(holds("b=" + word, json("{'b': true}"))).isFalse();
  }

  @Test
  void booleansOrderFalseBeforeTrue() {
    assertThat(holds("b>false", json("{'b': true}"))).isTrue();
    assertThat(holds("b<true", json("{'b': false}"))).isTrue();
    assertThat(holds("b>true", json("{'b': true}"))).isFalse();
    assertThat(holds("b>=yes", json("{'b': true}"))).isTrue();
    assertThat(holds("b<=n", json("{'b': false}"))).isTrue();
    assertThat(holds("b!=no", json("{'b': false}"))).isFalse();
  }

  // ---- coercion: string

  @Test
  void stringsCompareAsStrings() {
    assertThat(holds("s=idle", json("{'s': 'idle'}"))).isTrue();
    assertThat(holds("s=Idle", json("{'s': 'idle'}"))).isFalse();
    assertThat(holds("s=10", json("{'s': '10'}"))).isTrue();
    assertThat(holds("s=10.0", json("{'s': '10'}"))).as("no numeric conversion for a string").isFalse();
    assertThat(holds("s>9", json("{'s': '10'}"))).as("lexicographic").isFalse();
    assertThat(holds("s<b", json("{'s': 'a'}"))).isTrue();
    assertThat(holds("s>ab", json("{'s': 'abc'}"))).isTrue();
    assertThat(holds("s<B", json("{'s': 'a'}"))).as("by code point: 'a' > 'B'").isFalse();
    // by code point, not UTF-16 unit: U+1F600 (a surrogate pair) is greater than U+FFFD
    assertThat(holds("s>\uFFFD", json("{'s': '\uD83D\uDE00'}"))).isTrue();
    assertThat(holds("s=", json("{'s': ''}"))).isTrue();
  }

  // ---- coercion: null

  @Test
  void nullEqualsNullOrNone() {
    JsonNode doc = json("{'g': null}");
    assertThat(holds("g=null", doc)).isTrue();
    assertThat(holds("g=None", doc)).isTrue();
    assertThat(holds("g=NULL", doc)).isTrue();
    assertThat(holds("g=", doc)).isFalse();
    assertThat(holds("g=0", doc)).isFalse();
    assertThat(holds("g!=null", doc)).isFalse();
    assertThat(holds("g!=x", doc)).isTrue();
    assertThat(holds("g>null", doc)).isFalse();
    assertThat(holds("g<=null", doc)).isFalse();
    assertThat(holds("g>=a", doc)).isFalse();
    assertThat(holds("monitor.nodes.n1.monitor.global_expect=none", CLUSTER)).isTrue();
    assertThat(holds("s=null", json("{'s': 'null'}"))).as("a string 'null' compares as a string").isTrue();
  }

  // ---- coercion: object or list

  @Test
  void objectsAndListsCompareWithTheValueParsedAsJson() {
    assertThat(holds("l=[\"n1\", \"n2\"]", json("{'l': ['n1', 'n2']}"))).isTrue();
    assertThat(holds("l=[\"n2\",\"n1\"]", json("{'l': ['n1', 'n2']}"))).isFalse();
    assertThat(holds("o={\"az\": \"fr1\"}", json("{'o': {'az': 'fr1'}}"))).isTrue();
    assertThat(holds("o={\"a\": 1.0}", json("{'o': {'a': 1}}"))).as("numbers by value").isTrue();
    assertThat(holds("o={}", json("{'o': {}}"))).isTrue();
    assertThat(holds("o!={}", json("{'o': {'a': 1}}"))).isTrue();
    assertThat(holds("l=[]", json("{'l': []}"))).isTrue();
    assertThat(holds("l>[]", json("{'l': [1]}"))).as("ordering is false").isFalse();
    assertThat(holds("monitor.nodes.n1.labels={\"az\":\"fr1\"}", CLUSTER)).isTrue();
  }

  // ---- regular expressions

  @Test
  void regexSearchesTheStringFormOfNonStrings() {
    assertThat(holds("n~^17641", json("{'n': 1764147001.2}"))).isTrue();
    assertThat(holds("n~E", json("{'n': 1764147001.2}"))).as("plain decimals, no exponent").isFalse();
    assertThat(holds("b~^true$", json("{'b': true}"))).isTrue();
    assertThat(holds("g~^null$", json("{'g': null}"))).isTrue();
    assertThat(holds("l~\"n2\"", json("{'l': ['n1', 'n2']}"))).isTrue();
    assertThat(holds("o~^\\{\"a\":1\\}$", json("{'o': {'a': 1}}"))).as("compact JSON").isTrue();
    assertThat(holds("s~", json("{'s': ''}"))).as("the empty pattern matches everything").isTrue();
  }

  @Test
  void invalidRegexIsAnErrorAtParseTime() {
    assertThatThrownBy(() -> Condition.parse("status~(idle"))
        .isInstanceOf(FilterSyntaxException.class)
        .hasMessageStartingWith("at position ")
        .hasMessageContaining("invalid regular expression after '~'");
    assertThatThrownBy(() -> Condition.parse("status~*x"))
        .isInstanceOf(FilterSyntaxException.class)
        .satisfies(e -> assertThat(((FilterSyntaxException) e).position()).isEqualTo(7));
  }

  // ---- in

  @Test
  void inWithAJsonListOrACommaList() {
    JsonNode doc = json("{'a': 'warn', 'n': 2, 'b': true, 'g': null, 'o': {'x': 1}}");
    assertThat(holds("a in [\"up\",\"warn\"]", doc)).isTrue();
    assertThat(holds("a in [\"up\"]", doc)).isFalse();
    assertThat(holds("a in up, warn", doc)).isTrue();
    assertThat(holds("a in up,warn", doc)).isTrue();
    assertThat(holds("a in up , down", doc)).isFalse();
    assertThat(holds("n in 1, 2.0", doc)).isTrue();
    assertThat(holds("n in [1, 2]", doc)).isTrue();
    assertThat(holds("n in [\"2\"]", doc)).isTrue();
    assertThat(holds("b in [true]", doc)).isTrue();
    assertThat(holds("b in no, yes", doc)).isTrue();
    assertThat(holds("g in [null]", doc)).isTrue();
    assertThat(holds("o in [{\"x\": 1}]", doc)).isTrue();
    assertThat(holds("a in []", doc)).isFalse();
    assertThat(holds("!a in up, down", doc)).isTrue();
  }

  @Test
  void inWithABracketThatIsNotAJsonListIsAnError() {
    assertThatThrownBy(() -> Condition.parse("a in [up, warn]"))
        .isInstanceOf(FilterSyntaxException.class)
        .hasMessageStartingWith("at position 5: expected a JSON list after ' in '");
    assertThatThrownBy(() -> Condition.parse("a in [\"up\"] x"))
        .isInstanceOf(FilterSyntaxException.class)
        .hasMessageStartingWith("at position 5: expected a JSON list after ' in '");
  }

  // ---- some match, negation, no match

  @Test
  void withAnOperatorSomeMatchMustSatisfyIt() {
    assertThat(holds("monitor.nodes.*.monitor.status=thawing", CLUSTER)).isTrue();
    assertThat(holds("monitor.nodes.*.monitor.status=frozen", CLUSTER)).isFalse();
    assertThat(holds("monitor.nodes.*.monitor.status!=idle", CLUSTER)).as("n2 is thawing").isTrue();
    assertThat(holds("!monitor.nodes.*.monitor.status=thawing", CLUSTER)).isFalse();
    assertThat(Condition.parse("monitor.nodes.*.stats.score>50").matches(CLUSTER))
        .extracting(Match::path)
        .containsExactly(Path.of("monitor", "nodes", "n1", "stats", "score"));
  }

  @Test
  void noMatchIsFalseAndNeverAnError() {
    for (String c : new String[] {"x.y=1", "x.y!=1", "x.y>1", "x.y~.", "x.y in 1", "x.y", "cluster.name[0]=d"}) {
      assertThat(holds(c, CLUSTER)).as(c).isFalse();
      assertThat(holds("!" + c, CLUSTER)).as("!" + c).isTrue();
    }
  }

  @Test
  void operatorCharactersInsideQuotedKeysBelongToTheKey() {
    com.fasterxml.jackson.databind.node.ObjectNode doc = io.svcgate.state.Json.NODES.objectNode();
    doc.putObject("a").put("x=y", "1").put("p>=q", "2").put("r~s", "3").put("t in u", "4").put("it's=", "5");
    assertThat(holds("a.'x=y'", doc)).isTrue();
    assertThat(holds("a.'x=y'=1", doc)).isTrue();
    assertThat(holds("a.'x=y' = 2", doc)).isFalse();
    assertThat(holds("a.\"p>=q\">=2", doc)).isTrue();
    assertThat(holds("a['r~s']~3", doc)).isTrue();
    assertThat(holds("a.'t in u' in 3, 4", doc)).isTrue();
    assertThat(holds("a.'it''s='=5", doc)).isTrue();
    assertThat(Condition.parse("a=x'y").value()).as("quotes in the value are not special").isEqualTo("x'y");
    assertThatThrownBy(() -> Condition.parse("a='x=y'")).isInstanceOf(FilterSyntaxException.class);
    assertThatThrownBy(() -> Condition.parse("a.b='c=d'")).isInstanceOf(FilterSyntaxException.class);
  }

  // ---- JSON Pointer with ~

  @Test
  void jsonPointerEscapesAreNotTheRegexOperator() {
    JsonNode doc = json("{'ns1/svc/web': {'avail': 'up'}, 'a~b': 'x'}");
    assertThat(holds("/ns1~1svc~1web/avail", doc)).isTrue();
    assertThat(holds("/ns1~1svc~1web/avail=up", doc)).isTrue();
    assertThat(holds("/ns1~1svc~1web/avail~^u", doc)).isTrue();
    assertThat(holds("/a~0b", doc)).isTrue();
    assertThat(holds("/a~0b~x", doc)).isTrue();
    assertThat(Condition.parse("/a~0b~ 1").value()).isEqualTo("1");
    assertThat(holds("/a~0b~1", doc)).as("~1 is an escape: the key 'a~b/'").isFalse();
  }

  // ---- errors

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "\"\"            | 0 | expected a path",
      "!               | 1 | expected a path",
      "=1              | 0 | expected a path before '='",
      "!=1             | 1 | expected a path before '='",
      "\"  >= 3\"      | 2 | expected a path before '>='",
      "\" in x\"       | 1 | expected a path before 'in'",
      "a.=1            | 2 | expected a key, a quoted key or '*' after '.'",
      "a.b==1          | 3 | expected '.', '[' or the end of the path, got '='",
      "a>b=1           | 1 | expected '.', '[' or the end of the path, got '>'",
      "!!a             | 1 | expected a key, a quoted key or '*', got '!'",
      "monitor.nodes.'n1 | 14 | unterminated quoted key",
      "a[1:2]=3        | 3 | slices ([start:end]) are not supported",
      "a[?(@.x)]=3     | 2 | filter expressions",
  })
  void errorsNameThePositionAndWhatWasExpected(String input, int position, String message) {
    assertThatThrownBy(() -> Condition.parse(input))
        .isInstanceOf(FilterSyntaxException.class)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("at position " + position + ": ")
        .hasMessageContaining(message)
        .satisfies(e -> {
          FilterSyntaxException f = (FilterSyntaxException) e;
          assertThat(f.position()).isEqualTo(position);
          assertThat(f.input()).isEqualTo(input);
        });
  }

  @Test
  void toStringIsTheOriginalText() {
    assertThat(Condition.parse(" monitor.nodes.n1.frozen >= 1 ").toString()).isEqualTo(" monitor.nodes.n1.frozen >= 1 ");
    assertThat(Condition.parse("!a").toString()).isEqualTo("!a");
  }
}
