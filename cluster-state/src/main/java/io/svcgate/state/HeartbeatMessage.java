package io.svcgate.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A validated heartbeat message from a node (docs/model.md §2): {@link Full},
 * {@link Patch}, {@link Ping} or {@link NodeEvent}.
 *
 * <p>Immutable by contract: the JSON values inside (node data, stanza values,
 * event data) belong to the message and are never mutated, by anyone, once it is
 * parsed. {@link #parse(JsonNode)} takes ownership of the tree it is given.
 */
public sealed interface HeartbeatMessage
    permits HeartbeatMessage.Full, HeartbeatMessage.Patch, HeartbeatMessage.Ping, HeartbeatMessage.NodeEvent {

  /** The most steps a stanza path may have (relative to the node data). */
  int MAX_PATH_STEPS = 32;
  /** The longest node name, in characters. */
  int MAX_NODENAME_LENGTH = 255;

  /** The sender. */
  String nodename();

  /** {@code full}, {@code patch}, {@code ping} or {@code event}. */
  String kind();

  /** The message as JSON, as a node would send it. */
  ObjectNode toJson();

  /**
   * How large one message may be, beyond the fixed JSON bounds (nesting, string
   * length): checked while parsing, so that no message can hold the state's single
   * writer for long (docs/security.md, "One message cannot hold the writer").
   *
   * @param maxKeys    object members and list elements in the whole message, at every
   *                   level (a full's data, stanza values, the stanzas themselves)
   * @param maxStanzas stanzas (or RFC 6902 operations) in one patch generation
   * @param maxBatch   messages in one JSON array (a batch posted at once)
   */
  record Limits(int maxKeys, int maxStanzas, int maxBatch) {

    /** The defaults: the defaults of ingest.max-keys, ingest.max-stanzas and ingest.max-batch. */
    public static final Limits DEFAULTS = new Limits(100_000, 10_000, 1_000);

    public Limits {
      if (maxKeys < 1 || maxStanzas < 1 || maxBatch < 1) {
        throw new IllegalArgumentException("message limits must be at least 1, got keys " + maxKeys + ", stanzas "
            + maxStanzas + ", batch " + maxBatch);
      }
    }
  }

  /**
   * Parses and validates one message, within {@link Limits#DEFAULTS}.
   *
   * @throws InvalidMessageException with a reason label and a precise message
   */
  static HeartbeatMessage parse(byte[] json) {
    return MessageParser.parse(json, Limits.DEFAULTS);
  }

  /**
   * Parses and validates one message within {@code limits}.
   *
   * @throws InvalidMessageException with a reason label and a precise message
   */
  static HeartbeatMessage parse(byte[] json, Limits limits) {
    return MessageParser.parse(json, limits);
  }

  /**
   * Validates one message given as a tree, taking ownership of it (the caller
   * must not modify it afterwards). Nesting, string and number sizes are checked
   * here as they are when parsing bytes.
   *
   * @throws InvalidMessageException with a reason label and a precise message
   */
  static HeartbeatMessage parse(JsonNode json) {
    return MessageParser.parse(json, Limits.DEFAULTS);
  }

  /**
   * As {@link #parse(JsonNode)}, within {@code limits}.
   *
   * @throws InvalidMessageException with a reason label and a precise message
   */
  static HeartbeatMessage parse(JsonNode json, Limits limits) {
    return MessageParser.parse(json, limits);
  }

  /**
   * {@code kind: "full"}: the sender's whole node data.
   *
   * @param gen  the generation map, holding the sender with a generation ≥ 1
   * @param data the node data, an object
   */
  record Full(String nodename, Map<String, Long> gen, ObjectNode data) implements HeartbeatMessage {
    public Full {
      Objects.requireNonNull(nodename, "nodename");
      gen = Collections.unmodifiableMap(new LinkedHashMap<>(gen));
      Objects.requireNonNull(data, "data");
    }

    /** The sender's own generation, {@code gen[nodename]}. */
    public long generation() {
      return gen.getOrDefault(nodename, 0L);
    }

    @Override
    public String kind() {
      return "full";
    }

    @Override
    public ObjectNode toJson() {
      ObjectNode o = head(nodename, kind());
      o.set("gen", genJson(gen));
      o.set("data", data);
      return o;
    }
  }

  /**
   * {@code kind: "patch"}: changes to the sender's node data, per generation.
   *
   * @param deltas generation → its changes, in generation order; all {@link Stanzas}
   *               or all {@link JsonPatch} (one message has one {@code format})
   */
  record Patch(String nodename, Map<String, Long> gen, SortedMap<Long, Delta> deltas) implements HeartbeatMessage {
    public Patch {
      Objects.requireNonNull(nodename, "nodename");
      gen = Collections.unmodifiableMap(new LinkedHashMap<>(gen));
      deltas = Collections.unmodifiableSortedMap(new TreeMap<>(deltas));
      int rfc = 0;
      for (Delta d : deltas.values()) {
        if (d instanceof JsonPatch) {
          rfc++;
        }
      }
      if (rfc != 0 && rfc != deltas.size()) {
        throw new IllegalArgumentException("a patch holds either stanzas or RFC 6902 operations, not both");
      }
    }

    /** The sender's own generation, {@code gen[nodename]}. */
    public long generation() {
      return gen.getOrDefault(nodename, 0L);
    }

    @Override
    public String kind() {
      return "patch";
    }

    @Override
    public ObjectNode toJson() {
      ObjectNode o = head(nodename, kind());
      boolean rfc = !deltas.isEmpty() && deltas.values().stream().allMatch(d -> d instanceof JsonPatch);
      if (rfc) {
        o.put("format", "rfc6902");
      }
      o.set("gen", genJson(gen));
      ObjectNode d = o.putObject("deltas");
      for (Map.Entry<Long, Delta> e : deltas.entrySet()) {
        d.set(Long.toString(e.getKey()), e.getValue().toJson());
      }
      return o;
    }
  }

  /**
   * {@code kind: "ping"}: alive with no dataset; replaces the sender's {@code monitor}.
   *
   * @param monitor the node monitor state, an object
   */
  record Ping(String nodename, Map<String, Long> gen, ObjectNode monitor) implements HeartbeatMessage {
    public Ping {
      Objects.requireNonNull(nodename, "nodename");
      gen = Collections.unmodifiableMap(new LinkedHashMap<>(gen));
      Objects.requireNonNull(monitor, "monitor");
    }

    @Override
    public String kind() {
      return "ping";
    }

    @Override
    public ObjectNode toJson() {
      ObjectNode o = head(nodename, kind());
      o.set("gen", genJson(gen));
      o.set("monitor", monitor);
      return o;
    }
  }

  /**
   * {@code kind: "event"}: a node daemon event (docs/model.md §4), not merged into the state.
   *
   * @param data the event data: a string {@code id}; {@code path} added from
   *             {@code svcname} when only the latter was sent
   */
  record NodeEvent(String nodename, ObjectNode data) implements HeartbeatMessage {
    public NodeEvent {
      Objects.requireNonNull(nodename, "nodename");
      Objects.requireNonNull(data, "data");
      if (!data.path("id").isTextual()) {
        throw new IllegalArgumentException("event data needs a string id");
      }
    }

    /** {@code data.id}, e.g. {@code node_freeze}. */
    public String eventId() {
      return data.get("id").textValue();
    }

    @Override
    public String kind() {
      return "event";
    }

    @Override
    public ObjectNode toJson() {
      ObjectNode o = head(nodename, kind());
      o.set("data", data);
      return o;
    }
  }

  /** The changes of one patch generation: {@link Stanzas} or an RFC 6902 {@link JsonPatch}. */
  sealed interface Delta permits Stanzas, JsonPatch {
    /** The delta as sent. */
    ArrayNode toJson();

    /** True when the generation changes nothing by construction (no stanza, no op). */
    boolean isEmpty();
  }

  /** Stanzas with paths relative to the sender's node data. */
  record Stanzas(List<Stanza> stanzas) implements Delta {
    public Stanzas {
      stanzas = List.copyOf(stanzas);
    }

    @Override
    public ArrayNode toJson() {
      ArrayNode a = Json.NODES.arrayNode(stanzas.size());
      stanzas.forEach(s -> a.add(s.toJson()));
      return a;
    }

    @Override
    public boolean isEmpty() {
      return stanzas.isEmpty();
    }
  }

  /** RFC 6902 operations relative to the sender's node data ({@code "format": "rfc6902"}). */
  record JsonPatch(List<Rfc6902.Op> ops) implements Delta {
    public JsonPatch {
      ops = List.copyOf(ops);
    }

    @Override
    public ArrayNode toJson() {
      ArrayNode a = Json.NODES.arrayNode(ops.size());
      ops.forEach(op -> a.add(op.toJson()));
      return a;
    }

    @Override
    public boolean isEmpty() {
      return ops.isEmpty();
    }
  }

  private static ObjectNode head(String nodename, String kind) {
    ObjectNode o = Json.NODES.objectNode();
    o.put("nodename", nodename);
    o.put("kind", kind);
    return o;
  }

  private static ObjectNode genJson(Map<String, Long> gen) {
    ObjectNode g = Json.NODES.objectNode();
    gen.forEach(g::put);
    return g;
  }
}
