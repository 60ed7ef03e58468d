package io.svcgate.state.filter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.svcgate.state.Json;
import io.svcgate.state.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Assume;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class PathRoundTripTest {

  @Provide
  Arbitrary<Path> paths() {
    Arbitrary<Object> key = Arbitraries.oneOf(
        Arbitraries.strings().withChars("abcXYZ_@-0123456789").ofMinLength(1).ofMaxLength(8),
        Arbitraries.strings().withChars("ab./#'\"=<>!~ []*$:,?é漢\uD83D\uDE00").ofMaxLength(8),
        Arbitraries.strings().all().ofMaxLength(6),
        Arbitraries.of("ns1/svc/web", "fs#1", "it's", "a.b", "", "*", "..", "0", "-1", "$", "nuc-cva", "@x", "in"))
        .map(s -> (Object) s);
    Arbitrary<Object> index = Arbitraries.integers().between(0, 4).map(i -> (Object) i);
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(3, key),
            net.jqwik.api.Tuple.of(1, index))
        .list().ofMinSize(1).ofMaxSize(8)
        .map(Path::of);
  }

  @Property(tries = 500)
  void filterSyntaxParsesBackToALiteralExpressionSelectingExactlyThatPath(@ForAll("paths") Path path) {
    String text = path.toFilterSyntax();
    PathExpression e = PathExpression.parse(text);
    assertThat(e.literalPath()).as(text).contains(path);
    assertThat(e.fixedPrefix()).isEqualTo(path);
    JsonNode doc = documentWith(path);
    List<Match> matches = e.select(doc);
    assertThat(matches).extracting(Match::path).containsExactly(path);
    assertThat(matches.get(0).value().textValue()).isEqualTo("here");
    assertThat(Condition.parse(text).test(doc)).isTrue();
    assertThat(Condition.parse(text + "=here").test(doc)).as(text).isTrue();
    assertThat(Condition.parse("!" + text + " != here").test(doc)).as(text).isTrue();
    assertThat(Condition.parse(text + " in here, there").test(doc)).as(text).isTrue();
    assertThat(Condition.parse(text + "~^h").test(doc)).as(text).isTrue();
  }

  @Property(tries = 300)
  void jsonPointerSelectsThePath(@ForAll("paths") Path path) {
    String pointer = path.toPointer();
    // documented: surrounding whitespace is ignored, so a pointer cannot end in it
    Assume.that(pointer.isEmpty() || !Character.isWhitespace(pointer.charAt(pointer.length() - 1)));
    JsonNode doc = documentWith(path);
    List<Match> matches = PathExpression.parse(pointer).select(doc);
    assertThat(matches).extracting(Match::path).containsExactly(path);
  }

  /** A document where {@code path} leads to "here", with siblings that must not match. */
  static JsonNode documentWith(Path path) {
    JsonNode root = path.get(0) instanceof Integer ? Json.NODES.arrayNode() : Json.NODES.objectNode();
    JsonNode cur = root;
    for (int i = 0; i < path.size(); i++) {
      Object step = path.get(i);
      boolean last = i == path.size() - 1;
      JsonNode child = last ? Json.NODES.textNode("here")
          : path.get(i + 1) instanceof Integer ? Json.NODES.arrayNode() : Json.NODES.objectNode();
      if (step instanceof Integer idx) {
        ArrayNode a = cur.isArray() ? (ArrayNode) cur : null;
        if (a == null) {
          throw new IllegalStateException();
        }
        for (int k = 0; k < idx; k++) {
          a.add("sibling");
        }
        a.add(child);
        a.add("after");
      } else {
        ObjectNode o = (ObjectNode) cur;
        o.put(step + "x", "sibling");
        o.set((String) step, child);
      }
      cur = child;
    }
    return root;
  }
}
