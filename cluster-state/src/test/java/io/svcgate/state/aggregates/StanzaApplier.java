package io.svcgate.state.aggregates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.svcgate.state.Path;
import io.svcgate.state.Stanza;
import java.util.List;

/** Applies stanzas with absolute paths to a document, strictly, for tests of the aggregator alone. */
final class StanzaApplier {

  private StanzaApplier() {
  }

  static void apply(JsonNode document, List<Stanza> stanzas) {
    for (Stanza s : stanzas) {
      apply(document, s);
    }
  }

  static void apply(JsonNode document, Stanza s) {
    Path path = s.path();
    if (path.isEmpty()) {
      throw new IllegalArgumentException("cannot replace the root");
    }
    JsonNode parent = document;
    for (int i = 0; i < path.size() - 1; i++) {
      Object step = path.get(i);
      parent = step instanceof Integer idx ? parent.get(idx) : parent.get((String) step);
      if (parent == null) {
        throw new IllegalArgumentException("no parent for " + path);
      }
    }
    Object last = path.last();
    if (last instanceof String key) {
      ObjectNode o = (ObjectNode) parent;
      if (s.isDelete()) {
        if (o.remove(key) == null) {
          throw new IllegalArgumentException("delete of a missing path " + path);
        }
      } else {
        o.set(key, s.value().deepCopy());
      }
    } else {
      ArrayNode a = (ArrayNode) parent;
      int idx = (Integer) last;
      if (s.isDelete()) {
        a.remove(idx);
      } else if (idx == a.size()) {
        a.add(s.value().deepCopy());
      } else {
        a.set(idx, s.value().deepCopy());
      }
    }
  }
}
