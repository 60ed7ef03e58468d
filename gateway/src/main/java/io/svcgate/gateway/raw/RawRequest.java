package io.svcgate.gateway.raw;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.svcgate.state.Json;

/**
 * One decrypted raw request, as handlers see it.
 *
 * @param sender   the node name of the envelope
 * @param join     true when the envelope's cluster name was {@code join} (relay traffic)
 * @param address  the client's IP address
 * @param key      the key the request was encrypted with; its reply uses it too
 * @param method   {@code GET}, {@code POST}, or null for old clients that send none
 * @param action   the handler name, without a leading {@code /}
 * @param options  the handler arguments, an object (empty when the request had none)
 */
record RawRequest(String sender, boolean join, String address, RawKey key, String method, String action,
    ObjectNode options) {

  /**
   * The request of a decrypted payload.
   *
   * @throws RawException {@link RawException#BAD_REQUEST} when it is not an object with a string action
   */
  static RawRequest of(RawCodec.Envelope env, boolean join, String address, RawKey key, JsonNode payload)
      throws RawException {
    if (payload == null || !payload.isObject()) {
      throw new RawException(RawException.BAD_REQUEST, "the request is not a JSON object");
    }
    JsonNode a = payload.get("action");
    if (a == null || !a.isTextual()) {
      throw new RawException(RawException.BAD_REQUEST, "the request has no string 'action'");
    }
    String action = a.textValue();
    while (action.startsWith("/")) {
      action = action.substring(1);
    }
    JsonNode m = payload.get("method");
    String method = m != null && m.isTextual() ? m.textValue().toUpperCase(java.util.Locale.ROOT) : null;
    JsonNode o = payload.get("options");
    ObjectNode options = o != null && o.isObject() ? (ObjectNode) o : Json.NODES.objectNode();
    return new RawRequest(env.nodename(), join, address, key, method, action, options);
  }

  /** The option {@code name} as a string, or null when missing, null or not a string. */
  String string(String name) {
    JsonNode v = options.get(name);
    return v != null && v.isTextual() ? v.textValue() : null;
  }

  /** The option {@code name} as a boolean (OpenSVC's truthiness), false when missing. */
  boolean flag(String name) {
    JsonNode v = options.get(name);
    return v != null && (v.isBoolean() ? v.booleanValue() : v.isNumber() ? v.asDouble() != 0
        : v.isTextual() && java.util.List.of("true", "yes", "y", "1").contains(v.textValue().toLowerCase(java.util.Locale.ROOT)));
  }
}
