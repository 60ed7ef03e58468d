package io.svcgate.state.filter;

import static io.svcgate.state.filter.Docs.CLUSTER;
import static io.svcgate.state.filter.Docs.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.svcgate.state.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathExpressionTest {

  private static List<Path> paths(String expr, JsonNode doc) {
    return PathExpression.parse(expr).select(doc).stream().map(Match::path).toList();
  }

  private static List<String> values(String expr, JsonNode doc) {
    return PathExpression.parse(expr).select(doc).stream().map(m -> Values.plain(m.value())).toList();
  }

  @Test
  void hyphensAreFineInIdentifiers() {
    assertThat(values("monitor.nodes.nuc-cva.frozen", CLUSTER)).containsExactly("1764147001.2");
    assertThat(paths("monitor.nodes.nuc-cva.frozen", CLUSTER))
        .containsExactly(Path.of("monitor", "nodes", "nuc-cva", "frozen"));
  }

  @Test
  void quotedKeysHoldSlashes() {
    assertThat(values("monitor.services.'ns1/svc/web'.avail", CLUSTER)).containsExactly("up");
    assertThat(values("monitor.services.\"ns1/svc/web\".avail", CLUSTER)).containsExactly("up");
    assertThat(values("monitor.nodes.n1.services.status.'ns1/svc/web'.resources.'fs#1'.status", CLUSTER))
        .containsExactly("up");
  }

  @Test
  void doubledQuoteIsALiteralQuote() {
    com.fasterxml.jackson.databind.node.ObjectNode doc = io.svcgate.state.Json.NODES.objectNode();
    doc.putObject("a").put("it's", 1).put("say \"hi\"", 2);
    assertThat(values("a.'it''s'", doc)).containsExactly("1");
    assertThat(values("a.\"say \"\"hi\"\"\"", doc)).containsExactly("2");
    assertThat(values("a.\"it's\"", doc)).containsExactly("1");
  }

  @Test
  void quotedKeysStartingWithADigitOrHoldingDotsColons() {
    JsonNode doc = json("{'1a': {'x.y': {'c:d': 3}}}");
    assertThat(values("'1a'.'x.y'.'c:d'", doc)).containsExactly("3");
  }

  @Test
  void starMatchesEveryMemberInDocumentOrder() {
    assertThat(paths("monitor.nodes.*.frozen", CLUSTER)).containsExactly(
        Path.of("monitor", "nodes", "n1", "frozen"),
        Path.of("monitor", "nodes", "n2", "frozen"),
        Path.of("monitor", "nodes", "nuc-cva", "frozen"));
    assertThat(values("monitor.nodes.*.frozen", CLUSTER)).containsExactly("0", "0.0", "1764147001.2");
    assertThat(values("cluster.nodes[*]", CLUSTER)).containsExactly("n1", "n2", "nuc-cva");
    assertThat(values("cluster.nodes.*", CLUSTER)).containsExactly("n1", "n2", "nuc-cva");
    assertThat(values("monitor.nodes[*].speaker", CLUSTER)).containsExactly("true", "false", "false");
  }

  @Test
  void recursiveDescentMatchesAtAnyDepthBelow() {
    assertThat(paths("monitor.nodes.n1..status", CLUSTER)).containsExactly(
        Path.of("monitor", "nodes", "n1", "monitor", "status"),
        Path.of("monitor", "nodes", "n1", "services", "status"),
        Path.of("monitor", "nodes", "n1", "services", "status", "ns1/svc/web", "monitor", "status"),
        Path.of("monitor", "nodes", "n1", "services", "status", "ns1/svc/web", "resources", "fs#1", "status"));
  }

  @Test
  void descentThenMoreStepsEachLocationOnceInDocumentOrder() {
    JsonNode doc = json("{'a': {'b': {'b': {'c': 1}, 'c': 2}, 'x': {'b': {'c': 3}}}}");
    assertThat(values("..b.c", doc)).containsExactly("1", "2", "3");
    assertThat(values("a..b..c", doc)).containsExactly("1", "2", "3");
    assertThat(values("..*", json("{'a': [1, {'b': 2}]}")))
        .containsExactly("[ 1, {\n  \"b\" : 2\n} ]", "1", "{\n  \"b\" : 2\n}", "2");
    assertThat(values("..'b'", doc)).hasSize(3);
  }

  @Test
  void indexesCountFromTheEndWhenNegative() {
    assertThat(values("cluster.nodes[0]", CLUSTER)).containsExactly("n1");
    assertThat(values("cluster.nodes[2]", CLUSTER)).containsExactly("nuc-cva");
    assertThat(values("cluster.nodes[-1]", CLUSTER)).containsExactly("nuc-cva");
    assertThat(values("cluster.nodes[-3]", CLUSTER)).containsExactly("n1");
    assertThat(paths("cluster.nodes[-1]", CLUSTER)).containsExactly(Path.of("cluster", "nodes", 2));
  }

  @Test
  void indexOnANonListOrOutOfRangeMatchesNothing() {
    assertThat(values("cluster.nodes[3]", CLUSTER)).isEmpty();
    assertThat(values("cluster.nodes[-4]", CLUSTER)).isEmpty();
    assertThat(values("cluster[0]", CLUSTER)).isEmpty();
    assertThat(values("cluster.name[0]", CLUSTER)).isEmpty();
    assertThat(values("cluster.name.x", CLUSTER)).isEmpty();
    assertThat(values("cluster.nodes.x", CLUSTER)).isEmpty();
    assertThat(values("nothing.here", CLUSTER)).isEmpty();
  }

  @Test
  void leadingRootMarkersAreIgnored() {
    for (String p : List.of("$.cluster.name", "$['cluster']['name']", ".cluster.name", "cluster.name",
        "$['cluster'].name", "  cluster.name  ")) {
      assertThat(values(p, CLUSTER)).as(p).containsExactly("demo");
    }
    assertThat(values("$..name", CLUSTER)).containsExactly("demo");
    assertThat(values("..name", CLUSTER)).containsExactly("demo");
    assertThat(PathExpression.parse("$").select(CLUSTER)).singleElement()
        .satisfies(m -> assertThat(m.path()).isEqualTo(Path.ROOT));
  }

  @Test
  void jsonPointer() {
    assertThat(values("/monitor/nodes/n1/frozen", CLUSTER)).containsExactly("0");
    assertThat(values("/monitor/services/ns1~1svc~1web/avail", CLUSTER)).containsExactly("up");
    JsonNode doc = json("{'a~b': {'0': 'key', '*': 'star'}, 'l': ['x', 'y'], '': {'': 5}}");
    assertThat(values("/a~0b/0", doc)).containsExactly("key");
    assertThat(values("/a~0b/*", doc)).containsExactly("star");
    assertThat(values("/l/1", doc)).containsExactly("y");
    assertThat(values("/l/01", doc)).isEmpty();
    assertThat(values("//", doc)).containsExactly("5");
    assertThat(paths("/l/1", doc)).containsExactly(Path.of("l", 1));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "\"\"                        | 0  | expected a path",
      "\"   \"                     | 3  | expected a path",
      "monitor.                    | 8  | expected a key, a quoted key or '*' after '.'",
      "monitor.nodes.              | 14 | expected a key, a quoted key or '*' after '.'",
      "monitor..                   | 9  | expected a key, a quoted key or '*' after '..'",
      "monitor...x                 | 9  | expected a key, a quoted key or '*' after '..', got '.'",
      "monitor.nodes.1             | 14 | quote a key that starts with a digit",
      "monitor.nodes.ns1/svc       | 17 | expected '.', '[' or the end of the path, got '/'",
      "monitor.'ns1/svc            | 8  | unterminated quoted key: no closing '",
      "a[                          | 2  | expected an index, '*' or a quoted key after '['",
      "a[1                         | 3  | expected ']'",
      "a[x]                        | 2  | expected an index, '*' or a quoted key after '[', got 'x'",
      "a[1:2]                      | 3  | slices ([start:end]) are not supported",
      "a[:2]                       | 2  | slices ([start:end]) are not supported",
      "a[-:2]                      | 3  | slices ([start:end]) are not supported",
      "a[1,2]                      | 3  | unions ([a,b]) are not supported",
      "a[?(@.x==1)]                | 2  | filter expressions ([?(...)]) are not supported",
      "a[(@.length-1)]             | 2  | script expressions ([(...)]) are not supported",
      "a[99999999999]              | 2  | index out of range",
      "a[-]                        | 3  | expected digits after '-'",
      "a.[0]                       | 2  | write an index as a[0], without a dot",
      "$x                          | 1  | expected '.', '[' or the end of the path after '$'",
      "$.                          | 2  | after '$.'",
      "a b                         | 1  | got a space",
      "a.é                         | 2  | quote keys holding other characters",
      "/a/b~2                      | 4  | expected 0 or 1 after '~' in a JSON Pointer",
      "/a/b~                       | 4  | expected 0 or 1 after '~' in a JSON Pointer",
  })
  void syntaxErrorsSayWhereAndWhat(String input, int position, String message) {
    assertThatThrownBy(() -> PathExpression.parse(input))
        .isInstanceOf(FilterSyntaxException.class)
        .hasMessageStartingWith("at position " + position + ": ")
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(((FilterSyntaxException) e).position()).isEqualTo(position));
  }

  @Test
  void tooManySteps() {
    String ok = "a" + ".a".repeat(PathExpression.MAX_STEPS - 1);
    assertThat(PathExpression.parse(ok).fixedPrefix().size()).isEqualTo(PathExpression.MAX_STEPS);
    assertThatThrownBy(() -> PathExpression.parse(ok + ".a"))
        .isInstanceOf(FilterSyntaxException.class)
        .hasMessageContaining("path too long");
    String deep = "{'a':".repeat(PathExpression.MAX_STEPS) + "1" + "}".repeat(PathExpression.MAX_STEPS);
    assertThat(values(ok, json(deep))).containsExactly("1");
  }

  @Test
  void fixedPrefixIsTheLeadingLiteralSteps() {
    assertThat(PathExpression.parse("monitor.nodes.n1.frozen").fixedPrefix())
        .isEqualTo(Path.of("monitor", "nodes", "n1", "frozen"));
    assertThat(PathExpression.parse("monitor.nodes.*.frozen").fixedPrefix()).isEqualTo(Path.of("monitor", "nodes"));
    assertThat(PathExpression.parse("monitor.nodes.n1..status").fixedPrefix())
        .isEqualTo(Path.of("monitor", "nodes", "n1"));
    assertThat(PathExpression.parse("cluster.nodes[1].x").fixedPrefix()).isEqualTo(Path.of("cluster", "nodes", 1, "x"));
    assertThat(PathExpression.parse("cluster.nodes[-1]").fixedPrefix()).isEqualTo(Path.of("cluster", "nodes"));
    assertThat(PathExpression.parse("/a/b~1c/0/d").fixedPrefix()).isEqualTo(Path.of("a", "b/c"));
    assertThat(PathExpression.parse("..x").fixedPrefix()).isEqualTo(Path.ROOT);
    assertThat(PathExpression.parse("$").fixedPrefix()).isEqualTo(Path.ROOT);
    assertThat(PathExpression.parse("a.b[2]").literalPath()).contains(Path.of("a", "b", 2));
    assertThat(PathExpression.parse("a.*").literalPath()).isEmpty();
    assertThat(PathExpression.parse("/a/0").literalPath()).isEmpty();
  }

  @Test
  void touchedByIsTrueForPrefixesAndExtensionsOfWhatCanMatch() {
    PathExpression e = PathExpression.parse("monitor.nodes.*.frozen");
    assertThat(e.touchedBy(Path.of("monitor", "nodes", "n1", "frozen"))).isTrue();
    assertThat(e.touchedBy(Path.of("monitor", "nodes", "n1"))).isTrue();
    assertThat(e.touchedBy(Path.of("monitor"))).isTrue();
    assertThat(e.touchedBy(Path.ROOT)).isTrue();
    assertThat(e.touchedBy(Path.of("monitor", "nodes", "n1", "frozen", "x"))).isTrue();
    assertThat(e.touchedBy(Path.of("monitor", "nodes", "n1", "stats", "score"))).isFalse();
    assertThat(e.touchedBy(Path.of("cluster"))).isFalse();
    PathExpression list = PathExpression.parse("a.l[3].x");
    assertThat(list.touchedBy(Path.of("a", "l", 0))).as("a delete at [0] shifts [3]").isTrue();
    assertThat(list.touchedBy(Path.of("a", "l", "k"))).isFalse();
    PathExpression descent = PathExpression.parse("a..status");
    assertThat(descent.touchedBy(Path.of("a", "x", "y", "status", "z"))).isTrue();
    assertThat(descent.touchedBy(Path.of("a", "x", "y"))).isTrue();
    assertThat(descent.touchedBy(Path.of("b", "status"))).isFalse();
  }

  @Test
  void selectsPrefixOf() {
    assertThat(PathExpression.parse("monitor.nodes.n1").selectsPrefixOf(Path.of("monitor", "nodes", "n1", "frozen")))
        .isTrue();
    assertThat(PathExpression.parse("monitor.nodes.n1").selectsPrefixOf(Path.of("monitor", "nodes", "n1"))).isTrue();
    assertThat(PathExpression.parse("monitor.nodes.n1").selectsPrefixOf(Path.of("monitor", "nodes"))).isFalse();
    assertThat(PathExpression.parse("monitor.nodes.n1").selectsPrefixOf(Path.of("monitor", "nodes", "n10"))).isFalse();
    assertThat(PathExpression.parse("/a/0").selectsPrefixOf(Path.of("a", 0, "b"))).isTrue();
    assertThat(PathExpression.parse("/a/0").selectsPrefixOf(Path.of("a", "0"))).isTrue();
    assertThat(PathExpression.parse("a[0]").selectsPrefixOf(Path.of("a", "0"))).isFalse();
    assertThat(PathExpression.parse("a[-1]").selectsPrefixOf(Path.of("a", 0))).isFalse();
    assertThat(PathExpression.parse("monitor.nodes.*.frozen").selectsPrefixOf(Path.of("monitor", "nodes", "n2", "frozen")))
        .isTrue();
  }

  @Test
  void textIsKept() {
    assertThat(PathExpression.parse("  monitor.nodes.*  ").toString()).isEqualTo("monitor.nodes.*");
    assertThat(PathExpression.parse("monitor.nodes").equals(PathExpression.parse("$.monitor.nodes"))).isTrue();
  }
}
