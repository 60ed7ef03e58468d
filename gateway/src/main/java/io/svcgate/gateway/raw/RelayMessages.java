package io.svcgate.gateway.raw;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.svcgate.state.Json;

/**
 * Turns the heartbeat payload an OpenSVC node sends through its relay into the
 * gateway's heartbeat message (docs/opensvc.md, "Making svcgate the relay"), to be
 * validated by the same parser as every other way in. OpenSVC sends three kinds: a
 * {@code ping} ({@code kind}, {@code gen}, {@code monitor}); a {@code patch}
 * ({@code kind}, {@code gen}, {@code deltas}); and a full, which has no {@code kind}:
 * the payload <em>is</em> the node's data, its {@code gen} map inside. The sender is
 * the node named in the inner envelope. Anything else is passed on as it is, for the
 * parser to refuse with its reason. Stateless.
 */
final class RelayMessages {

  private RelayMessages() {
  }

  /** The heartbeat message (not yet validated) of {@code payload} from {@code nodename}. */
  static ObjectNode toMessage(String nodename, JsonNode payload) {
    ObjectNode m = Json.NODES.objectNode();
    m.put("nodename", nodename);
    JsonNode kind = payload.isObject() ? payload.get("kind") : null;
    if (kind == null) {
      m.put("kind", "full");
      m.set("gen", payload.isObject() ? payload.get("gen") : null);
      m.set("data", payload);
    } else if (kind.isTextual() && kind.textValue().equals("patch")) {
      m.put("kind", "patch");
      m.set("gen", payload.get("gen"));
      m.set("deltas", payload.get("deltas"));
    } else if (kind.isTextual() && kind.textValue().equals("ping")) {
      m.put("kind", "ping");
      m.set("gen", payload.get("gen"));
      m.set("monitor", payload.get("monitor"));
    } else {
      m.set("kind", kind);
    }
    return m;
  }
}
