package io.svcgate.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.Objects;

/**
 * One change: {@code [path, value]} sets, {@code [path]} deletes. The value, when
 * present, is never mutated once the stanza is built. Immutable.
 *
 * @param path  where, relative to the sender's node data (in heartbeats) or absolute
 *              from the document root (in events)
 * @param value the new value; {@code null} for a delete
 */
public record Stanza(Path path, JsonNode value) {

  public Stanza {
    Objects.requireNonNull(path, "path");
  }

  public static Stanza set(Path path, JsonNode value) {
    return new Stanza(path, Objects.requireNonNull(value, "value"));
  }

  public static Stanza delete(Path path) {
    return new Stanza(path, null);
  }

  public boolean isDelete() {
    return value == null;
  }

  /** The same change under another root: {@code prefix + path}. */
  public Stanza under(Path prefix) {
    return new Stanza(prefix.concat(path), value);
  }

  /**
   * Reads {@code [path, value]} or {@code [path]}.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static Stanza fromJson(JsonNode node) {
    if (node == null || !node.isArray()) {
      throw new IllegalArgumentException("stanza must be a JSON array [path, value] or [path]");
    }
    if (node.size() < 1 || node.size() > 2) {
      throw new IllegalArgumentException("stanza must have 1 or 2 elements, got " + node.size());
    }
    Path p = Path.fromJson(node.get(0));
    return node.size() == 2 ? set(p, node.get(1)) : delete(p);
  }

  /** {@code [path, value]} or {@code [path]} as JSON. */
  public ArrayNode toJson() {
    ArrayNode a = Json.NODES.arrayNode(2);
    a.add(path.toJson());
    if (value != null) {
      a.add(value);
    }
    return a;
  }
}
