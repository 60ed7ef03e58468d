package io.svcgate.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * A tree written by {@link JsonValues#write} has the bytes the mapper gives it, for every
 * kind of node a tree may hold: each number type, nulls, empty containers, escapes, and
 * the kinds left to the mapper (binary, POJO).
 */
class JsonValuesWriteProperties {

  @Property(tries = 300)
  void theBytesOfTheMapper(@ForAll long seed) throws Exception {
    JsonNode tree = value(new Random(seed), 3);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = Json.MAPPER.createGenerator(out)) {
      JsonValues.write(g, tree);
    }
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(Json.compact(tree));
  }

  private static JsonNode value(Random r, int depth) {
    switch (r.nextInt(depth == 0 ? 13 : 15)) {
      case 0:
        return Json.NODES.textNode(List.of("a", "é\"\\\n", "\u2028x", "", "ns1/svc/web").get(r.nextInt(5)));
      case 1:
        return Json.NODES.numberNode(r.nextInt());
      case 2:
        return Json.NODES.numberNode(r.nextLong());
      case 3:
        return Json.NODES.numberNode(BigInteger.valueOf(r.nextLong()).multiply(BigInteger.TEN.pow(r.nextInt(30))));
      case 4:
        return Json.NODES.numberNode(r.nextDouble() * Math.pow(10, r.nextInt(40) - 20));
      case 5:
        return Json.NODES.numberNode(r.nextFloat());
      case 6:
        return Json.NODES.numberNode(BigDecimal.valueOf(r.nextLong() % 100000, r.nextInt(12) - 4));
      case 7:
        return Json.NODES.numberNode(new BigDecimal("1764147001.20"));
      case 8:
        return Json.NODES.numberNode((short) r.nextInt(Short.MAX_VALUE));
      case 9:
        return Json.NODES.booleanNode(r.nextBoolean());
      case 10:
        return Json.NODES.nullNode();
      case 11:
        return Json.NODES.binaryNode(new byte[] {1, 2, (byte) r.nextInt(256)});
      case 12:
        return Json.NODES.pojoNode(List.of("pojo", r.nextInt(10)));
      case 13: {
        ObjectNode o = Json.NODES.objectNode();
        for (int i = r.nextInt(4); i > 0; i--) {
          o.set("k" + r.nextInt(6), value(r, depth - 1));
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
