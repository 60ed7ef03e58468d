package io.svcgate.gateway.raw;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.svcgate.state.HeartbeatMessage;
import io.svcgate.state.InvalidMessageException;
import io.svcgate.state.Json;

/**
 * Turns the heartbeat payload an OpenSVC node sends through its relay into the
 * gateway's heartbeat message (docs/opensvc.md, "What the relay feeds"), then
 * validates it with the same parser as every other way in. OpenSVC sends three kinds:
 * a {@code ping} ({@code kind}, {@code gen}, {@code monitor}); a {@code patch}
 * ({@code kind}, {@code gen}, {@code deltas}); and a full, which has no {@code kind}:
 * the payload <em>is</em> the node's data, its {@code gen} map inside. The sender is
 * the node named in the inner envelope. Stateless.
 */
final class RelayMessages {

  private RelayMessages() {
  }

  /**
   * The message of {@code payload} from {@code nodename}.
   *
   * @throws InvalidMessageException as the heartbeat parser does (reason and words)
   */
  static HeartbeatMessage toHeartbeat(String nodename, JsonNode payload) {
    if (payload == null || !payload.isObject()) {
      throw new InvalidMessageException(InvalidMessageException.Reason.NOT_OBJECT,
          "the relayed heartbeat is not a JSON object");
    }
    ObjectNode m = Json.NODES.objectNode();
    m.put("nodename", nodename);
    JsonNode kind = payload.get("kind");
    if (kind == null) {
      m.put("kind", "full");
      m.set("gen", payload.get("gen"));
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
      throw new InvalidMessageException(InvalidMessageException.Reason.UNKNOWN_KIND,
          "the relayed heartbeat has kind " + kind + "; OpenSVC sends ping, patch or a full without kind");
    }
    return HeartbeatMessage.parse(m);
  }
}
