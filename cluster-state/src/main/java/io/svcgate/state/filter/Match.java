package io.svcgate.state.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.svcgate.state.Json;
import io.svcgate.state.Path;
import java.util.Objects;

/**
 * One value selected by a {@link PathExpression}: where it is and what it is.
 * The value is the document's own node: never mutate it.
 *
 * @param path  the concrete location, from the root the expression was applied to
 * @param value the value found there (never null; may be a JSON null)
 */
public record Match(Path path, JsonNode value) {

  public Match {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(value, "value");
  }

  /** {@code {"path": [...], "value": v}}, the form of the HTTP status answer (docs/filters.md). */
  public ObjectNode toJson() {
    ObjectNode o = Json.NODES.objectNode();
    o.set("path", path.toJson());
    o.set("value", value);
    return o;
  }
}
