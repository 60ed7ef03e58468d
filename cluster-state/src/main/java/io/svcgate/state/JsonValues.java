package io.svcgate.state;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Map;
import java.util.function.BiPredicate;

/** Value comparisons and bounded copies shared by the core. Stateless. */
final class JsonValues {

  private JsonValues() {
  }

  /**
   * True when two scalars would be written the same way: same type, and for
   * numbers the same integer, or the same decimal including its scale
   * ({@code 1.0} is not {@code 1.00}, {@code 1} is not {@code 1.0}). The
   * gateway keeps node data exactly as sent, so a change of notation is a change.
   * Containers are never "same" here (callers recurse into them).
   */
  static boolean sameScalar(JsonNode a, JsonNode b) {
    if (a.isContainerNode() || b.isContainerNode()) {
      return false;
    }
    if (a.isNumber() && b.isNumber()) {
      if (a.isIntegralNumber() != b.isIntegralNumber()) {
        return false;
      }
      if (a.isIntegralNumber()) {
        return a.isBigInteger() || b.isBigInteger()
            ? a.bigIntegerValue().equals(b.bigIntegerValue())
            : a.longValue() == b.longValue();
      }
      return a.decimalValue().equals(b.decimalValue());
    }
    if (a.getNodeType() != b.getNodeType()) {
      return false;
    }
    return a.equals(b);
  }

  /** Deep equality with {@link #sameScalar} for leaves, member order ignored. */
  static boolean same(JsonNode a, JsonNode b) {
    return deepEquals(a, b, JsonValues::sameScalar);
  }

  /**
   * Equality of RFC 6902 {@code test}: numbers equal when numerically equal
   * ({@code 1 == 1.0}), objects regardless of member order, lists in order.
   */
  static boolean jsonEquals(JsonNode a, JsonNode b) {
    return deepEquals(a, b, (x, y) -> x.isNumber() && y.isNumber()
        ? x.decimalValue().compareTo(y.decimalValue()) == 0
        : x.equals(y));
  }

  /** Objects equal member by member in any order, lists element by element, leaves by {@code leaf}. */
  private static boolean deepEquals(JsonNode a, JsonNode b, BiPredicate<JsonNode, JsonNode> leaf) {
    if (a.isObject() && b.isObject()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (Map.Entry<String, JsonNode> e : a.properties()) {
        JsonNode o = b.get(e.getKey());
        if (o == null || !deepEquals(e.getValue(), o, leaf)) {
          return false;
        }
      }
      return true;
    }
    if (a.isArray() && b.isArray()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (int i = 0; i < a.size(); i++) {
        if (!deepEquals(a.get(i), b.get(i), leaf)) {
          return false;
        }
      }
      return true;
    }
    return leaf.test(a, b);
  }

  /** Container nesting of a value: 0 for a scalar, 1 for {@code {}} or {@code []}. */
  static int depth(JsonNode v) {
    if (!v.isContainerNode()) {
      return 0;
    }
    int max = 0;
    for (JsonNode c : v) {
      max = Math.max(max, depth(c));
    }
    return max + 1;
  }

  /** Thrown by {@link #copy} when a value nests deeper than allowed. */
  static final class TooDeepException extends Exception {
    TooDeepException() {
      super(null, null, false, false);
    }
  }

  /**
   * A deep copy of {@code v} sharing only immutable scalar nodes.
   *
   * @param maxDepth the container nesting allowed for {@code v} (see {@link #depth})
   * @throws TooDeepException when {@code v} nests deeper
   */
  static JsonNode copy(JsonNode v, int maxDepth) throws TooDeepException {
    if (v.isObject()) {
      if (maxDepth < 1) {
        throw new TooDeepException();
      }
      ObjectNode o = Json.NODES.objectNode();
      for (Map.Entry<String, JsonNode> e : v.properties()) {
        o.set(e.getKey(), copy(e.getValue(), maxDepth - 1));
      }
      return o;
    }
    if (v.isArray()) {
      if (maxDepth < 1) {
        throw new TooDeepException();
      }
      ArrayNode a = Json.NODES.arrayNode(v.size());
      for (JsonNode c : v) {
        a.add(copy(c, maxDepth - 1));
      }
      return a;
    }
    return v;
  }

  /** A short description of a value's JSON type, for messages: "an object", "a string", … */
  static String typeOf(JsonNode v) {
    if (v == null || v.isMissingNode()) {
      return "nothing";
    }
    return switch (v.getNodeType()) {
      case OBJECT -> "an object";
      case ARRAY -> "a list";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> "a " + v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  /** A value abbreviated for an error message. */
  static String brief(JsonNode v) {
    String s = Json.compact(v);
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }

  /**
   * Writes a tree with the generator as {@link com.fasterxml.jackson.databind.ObjectMapper}
   * serializes it with {@link Json#MAPPER}'s settings (members in their order, nulls and
   * empty lists kept, each number by its own type), byte for byte, without the mapper's
   * serializer lookups. A node of another kind (binary, POJO) is left to the mapper.
   */
  static void write(JsonGenerator g, JsonNode v) throws IOException {
    switch (v.getNodeType()) {
      case OBJECT -> {
        g.writeStartObject();
        for (Map.Entry<String, JsonNode> e : v.properties()) {
          g.writeFieldName(e.getKey());
          write(g, e.getValue());
        }
        g.writeEndObject();
      }
      case ARRAY -> {
        g.writeStartArray();
        for (int i = 0, n = v.size(); i < n; i++) {
          write(g, v.get(i));
        }
        g.writeEndArray();
      }
      case STRING -> g.writeString(v.textValue());
      case NUMBER -> writeNumber(g, v);
      case BOOLEAN -> g.writeBoolean(v.booleanValue());
      case NULL -> g.writeNull();
      default -> g.writeTree(v);
    }
  }

  private static void writeNumber(JsonGenerator g, JsonNode v) throws IOException {
    switch (v.numberType()) {
      case INT -> g.writeNumber(v.intValue());
      case LONG -> g.writeNumber(v.longValue());
      case BIG_INTEGER -> g.writeNumber(v.bigIntegerValue());
      case FLOAT -> g.writeNumber(v.floatValue());
      case DOUBLE -> g.writeNumber(v.doubleValue());
      default -> g.writeNumber(v.decimalValue());
    }
  }
}
