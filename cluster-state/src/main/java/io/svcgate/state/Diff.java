package io.svcgate.state;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The stanzas that turn one JSON value into another (docs/model.md §3: a full is
 * emitted as the diff between the old and the new node data).
 *
 * <p>Objects are compared member by member (deleted members first, in the old
 * order, then changed and new members in the new order); lists share their
 * common prefix element by element, then get appends, or deletes of their
 * trailing items highest index first; a change of type (object, list, scalar)
 * is one set of the whole new value. Scalars are the same when written the same
 * way ({@code 1.0} and {@code 1.00} differ: node data is kept as sent). Equal
 * values give no stanza.
 *
 * <p>The stanzas' values are the nodes of {@code after} (not copies); applying
 * the stanzas in order to {@code before} gives a value equal to {@code after}
 * where object members absent before are added at the end, in {@code after}'s order.
 * Stateless and thread-safe.
 */
public final class Diff {

  private Diff() {
  }

  /**
   * The stanzas turning {@code before} into {@code after}, with paths under {@code base}.
   *
   * @param base   where the value lives (e.g. {@code ["monitor","nodes","n1"]})
   * @param before the old value; null when absent (then one set of {@code after})
   * @param after  the new value; null when it goes (then one delete of {@code base})
   */
  public static List<Stanza> diff(Path base, JsonNode before, JsonNode after) {
    List<Stanza> out = new ArrayList<>();
    diff(base, before, after, out);
    return out;
  }

  /** Appends to {@code out} the stanzas turning {@code before} into {@code after} (see {@link #diff(Path, JsonNode, JsonNode)}). */
  public static void diff(Path base, JsonNode before, JsonNode after, List<Stanza> out) {
    if (before == null && after == null) {
      return;
    }
    if (after == null) {
      out.add(Stanza.delete(base));
      return;
    }
    if (before == null) {
      out.add(Stanza.set(base, after));
      return;
    }
    if (before == after) {
      return;
    }
    if (before.isObject() && after.isObject()) {
      for (Map.Entry<String, JsonNode> e : before.properties()) {
        if (!after.has(e.getKey())) {
          out.add(Stanza.delete(base.child(e.getKey())));
        }
      }
      for (Map.Entry<String, JsonNode> e : after.properties()) {
        JsonNode old = before.get(e.getKey());
        if (old == null) {
          out.add(Stanza.set(base.child(e.getKey()), e.getValue()));
        } else {
          diff(base.child(e.getKey()), old, e.getValue(), out);
        }
      }
      return;
    }
    if (before.isArray() && after.isArray()) {
      int common = Math.min(before.size(), after.size());
      for (int i = 0; i < common; i++) {
        diff(base.child(i), before.get(i), after.get(i), out);
      }
      for (int i = common; i < after.size(); i++) {
        out.add(Stanza.set(base.child(i), after.get(i)));
      }
      for (int i = before.size() - 1; i >= after.size(); i--) {
        out.add(Stanza.delete(base.child(i)));
      }
      return;
    }
    if (!JsonValues.sameScalar(before, after)) {
      out.add(Stanza.set(base, after));
    }
  }
}
