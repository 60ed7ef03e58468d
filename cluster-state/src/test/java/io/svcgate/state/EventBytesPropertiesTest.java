package io.svcgate.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * A patch event's bytes, written straight from its stanzas, are those of its envelope
 * as a tree written by the mapper, for any stanzas (seeded random paths and values:
 * decimals, unicode and escapes, nesting, deletes), and its data reads back as that tree.
 */
class EventBytesPropertiesTest {

  @Property(tries = 300)
  void patchBytesAreThoseOfTheEnvelopeTree(@ForAll @IntRange(min = 0, max = 99_999) int seed) throws Exception {
    Random r = new Random(seed);
    List<Stanza> stanzas = new ArrayList<>();
    for (int k = r.nextInt(5); k >= 0; k--) {
      List<Object> steps = new ArrayList<>();
      for (int d = r.nextInt(6); d >= 0; d--) {
        steps.add(r.nextBoolean() ? key(r) : r.nextInt(20));
      }
      stanzas.add(r.nextInt(4) == 0 ? Stanza.delete(Path.of(steps)) : Stanza.set(Path.of(steps), value(r, 3)));
    }
    double ts = 1764147000 + r.nextInt(1_000_000) / 1000.0;
    Event e = Event.patch(1 + r.nextInt(1000), ts, key(r), stanzas);
    ObjectNode tree = Json.NODES.objectNode();
    tree.put("id", e.id());
    tree.put("ts", BigDecimal.valueOf(Math.round(ts * 1_000_000d), 6).stripTrailingZeros());
    tree.put("nodename", e.nodename());
    tree.put("kind", "patch");
    ArrayNode data = tree.putArray("data");
    stanzas.forEach(s -> data.add(s.toJson()));
    assertThat(e.jsonString()).isEqualTo(Json.compact(tree));
    assertThat(e.data()).isEqualTo(data);
    assertThat(Json.compact(Event.fromJson(e.json()).data())).isEqualTo(Json.compact(data));
  }

  private static String key(Random r) {
    String[] keys = {"a", "monitor", "ns1/svc/web", "é\"\\\n", "\u2028x", "", "0", "sim-n17"};
    return keys[r.nextInt(keys.length)];
  }

  private static JsonNode value(Random r, int depth) {
    switch (depth == 0 ? r.nextInt(6) : r.nextInt(8)) {
      case 0:
        return Json.NODES.textNode(key(r));
      case 1:
        return Json.NODES.numberNode(new BigDecimal(BigDecimal.valueOf(r.nextLong() % 100000, r.nextInt(8)).toPlainString()));
      case 2:
        return Json.NODES.numberNode(r.nextLong());
      case 3:
        return Json.NODES.booleanNode(r.nextBoolean());
      case 4:
        return Json.NODES.nullNode();
      case 5:
        return Json.NODES.numberNode(new BigDecimal("1764147001.20"));
      case 6: {
        ObjectNode o = Json.NODES.objectNode();
        for (int i = r.nextInt(4); i > 0; i--) {
          o.set(key(r), value(r, depth - 1));
        }
        return o;
      }
      default: {
        ArrayNode a = Json.NODES.arrayNode();
        for (int i = r.nextInt(4); i > 0; i--) {
          a.add(value(r, depth - 1));
        }
        return a;
      }
    }
  }
}
