package io.svcgate.state.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.svcgate.state.Json;
import java.util.List;

/** How matched values are shown to people (docs/filters.md, "Output of status --filter"). */
public final class Values {

  private Values() {
  }

  /**
   * A value as the CLI prints it: a string as is, a number in plain decimal
   * notation ({@code 0}, {@code 1764147001.2}, never an exponent), {@code true},
   * {@code false}, {@code null}, an object or list as indented JSON.
   */
  public static String plain(JsonNode value) {
    if (value == null || value.isMissingNode()) {
      return "";
    }
    if (value.isTextual()) {
      return value.textValue();
    }
    if (value.isNumber()) {
      if (value.isIntegralNumber()) {
        return value.bigIntegerValue().toString();
      }
      if ((value.isDouble() || value.isFloat()) && !Double.isFinite(value.doubleValue())) {
        return Double.toString(value.doubleValue());
      }
      return value.decimalValue().toPlainString();
    }
    if (value.isBoolean() || value.isNull()) {
      return value.asText();
    }
    return Json.pretty(value);
  }

  /** The JSON list of all matched values, as {@code --format json} prints it. */
  public static ArrayNode list(List<Match> matches) {
    ArrayNode a = Json.NODES.arrayNode(matches.size());
    for (Match m : matches) {
      a.add(m.value());
    }
    return a;
  }
}
