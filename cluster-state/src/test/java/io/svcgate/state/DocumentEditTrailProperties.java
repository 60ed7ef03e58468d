package io.svcgate.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The stanzas of one change applied together (each starting from where the last one
 * went through) do what each applied alone, in turn, does: the same document, the same
 * op hints, the same failure, and nothing of a change that fails.
 */
class DocumentEditTrailProperties {

  private static final String[] KEYS = {"a", "b"};

  @Test
  void aStanzaBelowWhatTheLastOneReplacedOrShiftedReadsTheNewValue() throws Exception {
    ObjectNode d = (ObjectNode) Json.parse("{\"a\":{\"b\":{\"c\":1},\"l\":[{\"x\":1},{\"x\":2}]}}");
    ChangeWriter w = new ChangeWriter(d, 0);
    String hints = w.stage(List.of(
        Stanza.set(Path.of("a", "b"), Json.parse("{\"c\":2}")),
        Stanza.set(Path.of("a", "b", "d"), Json.NODES.numberNode(3)),
        Stanza.delete(Path.of("a", "l", 0)),
        Stanza.set(Path.of("a", "l", 0, "y"), Json.NODES.numberNode(4)),
        Stanza.set(Path.of("a"), Json.parse("{\"z\":{}}")),
        Stanza.set(Path.of("a", "z", "q"), Json.NODES.numberNode(5))), 0);
    w.commit();
    assertThat(hints).isEqualTo("radara");
    assertThat(Json.compact(d)).isEqualTo("{\"a\":{\"z\":{\"q\":5}}}");
  }

  @Property(tries = 500)
  void togetherAsEachAloneInTurn(@ForAll long seed) throws Exception {
    Random rnd = new Random(seed);
    ObjectNode start = (ObjectNode) randomValue(rnd, 0, true);
    List<Stanza> stanzas = new ArrayList<>();
    for (int i = 1 + rnd.nextInt(8); i > 0; i--) {
      List<Object> steps = new ArrayList<>();
      for (int s = 1 + rnd.nextInt(4); s > 0; s--) {
        steps.add(rnd.nextInt(4) == 0 ? (Object) rnd.nextInt(3) : KEYS[rnd.nextInt(KEYS.length)]);
      }
      Path p = Path.of(steps);
      stanzas.add(rnd.nextInt(4) == 0 ? Stanza.delete(p) : Stanza.set(p, randomValue(rnd, 2, false)));
    }

    ObjectNode alone = start.deepCopy();
    StringBuilder aloneHints = new StringBuilder();
    int aloneFailure = -1;
    for (int i = 0; i < stanzas.size() && aloneFailure < 0; i++) {
      ChangeWriter w = new ChangeWriter(alone, 0);
      try {
        aloneHints.append(w.stage(List.of(stanzas.get(i)), 0));
        w.commit();
      } catch (ChangeWriter.Failure f) {
        aloneFailure = i;
      }
    }

    ObjectNode together = start.deepCopy();
    ChangeWriter w = new ChangeWriter(together, 0);
    try {
      String hints = w.stage(stanzas, 0);
      w.commit();
      assertThat(aloneFailure).as("failed alone at").isEqualTo(-1);
      assertThat(hints).isEqualTo(aloneHints.toString());
      assertThat(Json.compact(together)).isEqualTo(Json.compact(alone));
    } catch (ChangeWriter.Failure f) {
      assertThat(f.index).isEqualTo(aloneFailure);
      assertThat(Json.compact(together)).isEqualTo(Json.compact(start));
    }
  }

  private static JsonNode randomValue(Random rnd, int depth, boolean object) {
    int kind = object ? 3 : depth >= 3 ? rnd.nextInt(2) : rnd.nextInt(4);
    switch (kind) {
      case 0:
        return Json.NODES.numberNode(rnd.nextInt(3));
      case 1:
        return Json.NODES.textNode("x" + rnd.nextInt(3));
      case 2: {
        ArrayNode a = Json.NODES.arrayNode();
        for (int i = rnd.nextInt(3); i > 0; i--) {
          a.add(randomValue(rnd, depth + 1, false));
        }
        return a;
      }
      default: {
        ObjectNode o = Json.NODES.objectNode();
        for (String k : KEYS) {
          if (rnd.nextInt(3) > 0) {
            o.set(k, randomValue(rnd, depth + 1, false));
          }
        }
        return o;
      }
    }
  }
}
