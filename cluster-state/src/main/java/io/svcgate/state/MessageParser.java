package io.svcgate.state;

import static io.svcgate.state.InvalidMessageException.Reason.BAD_DELTAS;
import static io.svcgate.state.InvalidMessageException.Reason.BAD_FORMAT;
import static io.svcgate.state.InvalidMessageException.Reason.BAD_GEN;
import static io.svcgate.state.InvalidMessageException.Reason.BAD_NODENAME;
import static io.svcgate.state.InvalidMessageException.Reason.BAD_OP;
import static io.svcgate.state.InvalidMessageException.Reason.BAD_PATH;
import static io.svcgate.state.InvalidMessageException.Reason.BAD_STANZA;
import static io.svcgate.state.InvalidMessageException.Reason.BAD_TYPE;
import static io.svcgate.state.InvalidMessageException.Reason.MISSING_FIELD;
import static io.svcgate.state.InvalidMessageException.Reason.MISSING_KIND;
import static io.svcgate.state.InvalidMessageException.Reason.MISSING_NODENAME;
import static io.svcgate.state.InvalidMessageException.Reason.NOT_JSON;
import static io.svcgate.state.InvalidMessageException.Reason.NOT_OBJECT;
import static io.svcgate.state.InvalidMessageException.Reason.TOO_DEEP;
import static io.svcgate.state.InvalidMessageException.Reason.TOO_LARGE;
import static io.svcgate.state.InvalidMessageException.Reason.UNKNOWN_KIND;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Turns raw JSON into {@link HeartbeatMessage}s, or says precisely why not. Stateless. */
final class MessageParser {

  /** Largest decimal scale (either sign) of a number: beyond it, plain notation cannot be written. */
  static final int MAX_NUMBER_SCALE = 9999;

  private MessageParser() {
  }

  static HeartbeatMessage parse(byte[] bytes, HeartbeatMessage.Limits limits) {
    JsonNode tree;
    try {
      tree = Json.parse(bytes);
    } catch (StreamConstraintsException e) {
      String m = e.getOriginalMessage();
      boolean deep = m != null && m.toLowerCase(java.util.Locale.ROOT).contains("depth");
      throw new InvalidMessageException(deep ? TOO_DEEP : TOO_LARGE,
          (deep ? "message nests deeper than " + Json.MAX_DEPTH + " levels" : "message over a size limit")
              + ": " + m + at(e.getLocation()));
    } catch (JsonProcessingException e) {
      throw new InvalidMessageException(NOT_JSON, "not JSON: " + e.getOriginalMessage() + at(e.getLocation()));
    } catch (IOException e) {
      throw new InvalidMessageException(NOT_JSON, "not JSON: " + e.getMessage());
    }
    if (tree == null || tree.isMissingNode()) {
      throw new InvalidMessageException(NOT_JSON, "not JSON: the message is empty");
    }
    return parse(tree, limits);
  }

  private static String at(JsonLocation loc) {
    return loc == null || loc.getLineNr() < 0 ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
  }

  static HeartbeatMessage parse(JsonNode m, HeartbeatMessage.Limits limits) {
    if (m == null || m.isMissingNode()) {
      throw new InvalidMessageException(NOT_JSON, "not JSON: the message is empty");
    }
    if (!m.isObject()) {
      throw new InvalidMessageException(NOT_OBJECT, "a heartbeat message must be a JSON object, got " + JsonValues.typeOf(m));
    }
    long keys = checkBounds(m, 1, new ArrayList<>(), new long[] {limits.maxKeys()});
    if (keys < 0) {
      throw new InvalidMessageException(TOO_LARGE, "the message holds more than " + limits.maxKeys()
          + " keys and list elements (ingest.max-keys)", 413);
    }
    JsonNode nn = m.get("nodename");
    if (nn == null || nn.isNull()) {
      throw new InvalidMessageException(MISSING_NODENAME, "the message has no \"nodename\" (the sender)");
    }
    if (!nn.isTextual()) {
      throw new InvalidMessageException(BAD_NODENAME, "\"nodename\" must be a string, got " + JsonValues.typeOf(nn));
    }
    String nodename = nn.textValue();
    String why = nodenameProblem(nodename);
    if (why != null) {
      throw new InvalidMessageException(BAD_NODENAME, "\"nodename\" " + why);
    }
    JsonNode k = m.get("kind");
    if (k == null || k.isNull()) {
      throw new InvalidMessageException(MISSING_KIND, "the message has no \"kind\" (expected full, patch, ping or event)");
    }
    if (!k.isTextual()) {
      throw new InvalidMessageException(BAD_TYPE, "\"kind\" must be a string (full, patch, ping or event), got " + JsonValues.typeOf(k));
    }
    return switch (k.textValue()) {
      case "full" -> new HeartbeatMessage.Full(nodename, gen(m, nodename, true), object(m, "data"));
      case "patch" -> patch(m, nodename, limits.maxStanzas());
      case "ping" -> new HeartbeatMessage.Ping(nodename, gen(m, nodename, false), object(m, "monitor"));
      case "event" -> event(m, nodename);
      default -> throw new InvalidMessageException(UNKNOWN_KIND, "unknown \"kind\" " + JsonValues.brief(k)
          + ", expected full, patch, ping or event");
    };
  }

  /** Why a name is not a node name, or null when it is one. */
  static String nodenameProblem(String n) {
    if (n.isEmpty()) {
      return "must not be empty";
    }
    if (n.length() > HeartbeatMessage.MAX_NODENAME_LENGTH) {
      return "is " + n.length() + " characters long, at most " + HeartbeatMessage.MAX_NODENAME_LENGTH + " are allowed";
    }
    for (int i = 0; i < n.length(); i++) {
      char c = n.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        return "must not hold spaces or control characters, got " + JsonValues.brief(Json.NODES.textNode(n));
      }
    }
    return null;
  }

  /**
   * Checks nesting, string and number sizes. {@code steps} is the path from the
   * root (keys and indexes), made into a pointer only for an error message, so a
   * valid message costs no string building. {@code left[0]} is how many more keys and
   * list elements may follow; the walk stops, returning -1, as soon as it goes negative.
   *
   * @return 0, or -1 when the message holds too many keys and list elements
   */
  private static long checkBounds(JsonNode n, int depth, List<Object> steps, long[] left) {
    if (n.isContainerNode()) {
      left[0] -= n.size();
      if (left[0] < 0) {
        return -1;
      }
      if (depth > Json.MAX_DEPTH) {
        throw new InvalidMessageException(TOO_DEEP, "message nests deeper than " + Json.MAX_DEPTH + " levels (at "
            + where(steps) + ")");
      }
      if (n.isObject()) {
        for (Map.Entry<String, JsonNode> e : n.properties()) {
          if (e.getKey().length() > Json.MAX_STRING_LENGTH) {
            throw new InvalidMessageException(TOO_LARGE, "a key at " + ptr(where(steps)) + " is longer than "
                + Json.MAX_STRING_LENGTH + " characters");
          }
          JsonNode v = e.getValue();
          if (v.isContainerNode() || v.isTextual() || v.isNumber()) {
            steps.add(e.getKey());
            long r = checkBounds(v, depth + 1, steps, left);
            steps.remove(steps.size() - 1);
            if (r < 0) {
              return r;
            }
          }
        }
      } else {
        int i = 0;
        for (JsonNode c : n) {
          if (c.isContainerNode() || c.isTextual() || c.isNumber()) {
            steps.add(i);
            long r = checkBounds(c, depth + 1, steps, left);
            steps.remove(steps.size() - 1);
            if (r < 0) {
              return r;
            }
          }
          i++;
        }
      }
    } else if (n.isTextual()) {
      if (n.textValue().length() > Json.MAX_STRING_LENGTH) {
        throw new InvalidMessageException(TOO_LARGE, "the string at " + ptr(where(steps)) + " is longer than "
            + Json.MAX_STRING_LENGTH + " characters");
      }
    } else if (n.isDouble() || n.isFloat()) {
      if (!Double.isFinite(n.doubleValue())) {
        throw new InvalidMessageException(BAD_TYPE, "the number at " + ptr(where(steps)) + " is not finite");
      }
    } else if (n.isBigDecimal()) {
      BigDecimal d = n.decimalValue();
      if (Math.abs((long) d.scale()) > MAX_NUMBER_SCALE) {
        throw new InvalidMessageException(TOO_LARGE, "the number at " + ptr(where(steps)) + " has an exponent beyond ±"
            + MAX_NUMBER_SCALE);
      }
    }
    return 0;
  }

  /** The steps as the pointer-like text of the error messages: {@code /key/0/…}, empty for the root. */
  private static String where(List<Object> steps) {
    StringBuilder sb = new StringBuilder();
    for (Object s : steps) {
      sb.append('/').append(s instanceof String k ? escape(k) : s.toString());
    }
    return sb.toString();
  }

  private static String escape(String key) {
    if (key.length() > 40) {
      key = key.substring(0, 37) + "...";
    }
    return key.replace("~", "~0").replace("/", "~1");
  }

  private static String ptr(String where) {
    return where.isEmpty() ? "the message root" : where;
  }

  private static JsonNode required(JsonNode m, String field, String expected) {
    JsonNode v = m.get(field);
    if (v == null) {
      throw new InvalidMessageException(MISSING_FIELD, "a " + m.get("kind").textValue() + " message needs \"" + field + "\" (" + expected + ")");
    }
    return v;
  }

  private static ObjectNode object(JsonNode m, String field) {
    JsonNode v = required(m, field, "an object");
    if (!v.isObject()) {
      throw new InvalidMessageException(BAD_TYPE, "\"" + field + "\" must be an object, got " + JsonValues.typeOf(v));
    }
    return (ObjectNode) v;
  }

  private static Map<String, Long> gen(JsonNode m, String sender, boolean needsPositive) {
    JsonNode g = required(m, "gen", "an object of node names to generations");
    if (!g.isObject()) {
      throw new InvalidMessageException(BAD_GEN, "\"gen\" must be an object of node names to generations, got " + JsonValues.typeOf(g));
    }
    Map<String, Long> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : g.properties()) {
      String why = nodenameProblem(e.getKey());
      if (why != null) {
        throw new InvalidMessageException(BAD_GEN, "\"gen\" key " + JsonValues.brief(Json.NODES.textNode(e.getKey())) + " is not a node name: it " + why);
      }
      JsonNode v = e.getValue();
      if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
        throw new InvalidMessageException(BAD_GEN, "\"gen\"." + e.getKey() + " must be a non-negative integer, got " + JsonValues.brief(v));
      }
      out.put(e.getKey(), v.longValue());
    }
    Long own = out.get(sender);
    if (own == null) {
      throw new InvalidMessageException(BAD_GEN, "\"gen\" has no entry for the sender " + sender);
    }
    if (needsPositive && own == 0) {
      throw new InvalidMessageException(BAD_GEN, "\"gen\"." + sender + " must be at least 1 in a " + m.get("kind").textValue()
          + " (0 means no dataset)");
    }
    return out;
  }

  private static HeartbeatMessage.Patch patch(JsonNode m, String nodename, int maxStanzas) {
    boolean rfc = false;
    JsonNode f = m.get("format");
    if (f != null && !f.isNull()) {
      if (!f.isTextual()) {
        throw new InvalidMessageException(BAD_TYPE, "\"format\" must be a string, got " + JsonValues.typeOf(f));
      }
      if (!"rfc6902".equals(f.textValue())) {
        throw new InvalidMessageException(BAD_FORMAT, "unknown \"format\" " + JsonValues.brief(f)
            + ": leave it out for stanzas, or use \"rfc6902\"");
      }
      rfc = true;
    }
    Map<String, Long> gen = gen(m, nodename, true);
    JsonNode d = required(m, "deltas", "an object of generations to changes");
    if (!d.isObject()) {
      throw new InvalidMessageException(BAD_TYPE, "\"deltas\" must be an object of generations to changes, got " + JsonValues.typeOf(d));
    }
    TreeMap<Long, HeartbeatMessage.Delta> deltas = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : d.properties()) {
      String key = e.getKey();
      long g = generation(key);
      if (deltas.containsKey(g)) {
        throw new InvalidMessageException(BAD_DELTAS, "\"deltas\" gives generation " + g + " twice");
      }
      JsonNode list = e.getValue();
      String at = "deltas." + g;
      if (!list.isArray()) {
        throw new InvalidMessageException(BAD_DELTAS, "\"" + at + "\" must be a list of "
            + (rfc ? "RFC 6902 operations" : "stanzas") + ", got " + JsonValues.typeOf(list));
      }
      if (list.size() > maxStanzas) {
        throw new InvalidMessageException(TOO_LARGE, "\"" + at + "\" holds " + list.size() + " "
            + (rfc ? "operations" : "stanzas") + ", at most " + maxStanzas + " are accepted in one generation "
            + "(ingest.max-stanzas)", 413);
      }
      if (rfc) {
        try {
          deltas.put(g, new HeartbeatMessage.JsonPatch(Rfc6902.parse(list)));
        } catch (IllegalArgumentException ex) {
          throw new InvalidMessageException(BAD_OP, "\"" + at + "\": " + ex.getMessage());
        }
      } else {
        List<Stanza> stanzas = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
          stanzas.add(stanza(list.get(i), at + "[" + i + "]"));
        }
        deltas.put(g, new HeartbeatMessage.Stanzas(stanzas));
      }
    }
    return new HeartbeatMessage.Patch(nodename, gen, deltas);
  }

  private static long generation(String key) {
    boolean digits = !key.isEmpty() && key.length() <= 18 && key.chars().allMatch(c -> c >= '0' && c <= '9');
    if (!digits) {
      throw new InvalidMessageException(BAD_DELTAS, "\"deltas\" key " + JsonValues.brief(Json.NODES.textNode(key))
          + " is not a generation (a decimal string like \"43\")");
    }
    long g = Long.parseLong(key);
    if (g < 1) {
      throw new InvalidMessageException(BAD_DELTAS, "\"deltas\" key \"" + key + "\": generations start at 1");
    }
    return g;
  }

  static Stanza stanza(JsonNode s, String at) {
    if (!s.isArray()) {
      throw new InvalidMessageException(BAD_STANZA, "stanza " + at + " must be [path, value] or [path], got " + JsonValues.typeOf(s));
    }
    if (s.size() < 1 || s.size() > 2) {
      throw new InvalidMessageException(BAD_STANZA, "stanza " + at + " must be [path, value] or [path], got a list of " + s.size());
    }
    JsonNode p = s.get(0);
    if (!p.isArray()) {
      throw new InvalidMessageException(BAD_PATH, "the path of stanza " + at + " must be a list of keys and indexes, got " + JsonValues.typeOf(p));
    }
    if (p.size() > HeartbeatMessage.MAX_PATH_STEPS) {
      throw new InvalidMessageException(BAD_PATH, "the path of stanza " + at + " has " + p.size() + " steps, at most "
          + HeartbeatMessage.MAX_PATH_STEPS + " are allowed");
    }
    for (int i = 0; i < p.size(); i++) {
      JsonNode step = p.get(i);
      boolean ok = step.isTextual() || (step.isIntegralNumber() && step.canConvertToInt() && step.intValue() >= 0);
      if (!ok) {
        throw new InvalidMessageException(BAD_PATH, "path element " + i + " of stanza " + at
            + " must be a string key or a non-negative integer index, got " + JsonValues.brief(step));
      }
    }
    Path path = Path.fromJson(p);
    if (s.size() == 1) {
      if (path.isEmpty()) {
        throw new InvalidMessageException(BAD_STANZA, "stanza " + at + " deletes the whole node data (empty path); send a full instead");
      }
      return Stanza.delete(path);
    }
    JsonNode v = s.get(1);
    if (path.isEmpty() && !v.isObject()) {
      throw new InvalidMessageException(BAD_STANZA, "stanza " + at + " sets the whole node data (empty path) to "
          + JsonValues.typeOf(v) + "; node data must be an object");
    }
    return Stanza.set(path, v);
  }

  private static HeartbeatMessage.NodeEvent event(JsonNode m, String nodename) {
    ObjectNode data = object(m, "data");
    JsonNode id = data.get("id");
    if (id == null) {
      throw new InvalidMessageException(MISSING_FIELD, "an event message needs \"data.id\" (the event id, a string)");
    }
    if (!id.isTextual() || id.textValue().isEmpty()) {
      throw new InvalidMessageException(BAD_TYPE, "\"data.id\" must be a non-empty string, got " + JsonValues.brief(id));
    }
    for (String f : new String[] {"reason", "path", "svcname"}) {
      JsonNode v = data.get(f);
      if (v != null && !v.isTextual() && !v.isNull()) {
        throw new InvalidMessageException(BAD_TYPE, "\"data." + f + "\" must be a string or null, got " + JsonValues.typeOf(v));
      }
    }
    if (data.path("svcname").isTextual() && !data.has("path")) {
      ObjectNode copy = Json.NODES.objectNode();
      copy.setAll(data);
      copy.set("path", data.get("svcname"));
      data = copy;
    }
    return new HeartbeatMessage.NodeEvent(nodename, data);
  }
}
