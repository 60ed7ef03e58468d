package io.svcgate.state;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One event envelope (docs/model.md §3): {@code {"id", "ts", "nodename", "kind", "data"}}.
 *
 * <p>Immutable and thread-safe. The envelope is serialized once, when the event is
 * made; every subscriber, the history and the store share {@link #json()}. Nobody
 * may mutate {@link #data()}.
 */
public final class Event {

  /** Kind of an applied change; data is a list of stanzas with absolute paths. */
  public static final String PATCH = "patch";
  /** Kind of a node or gateway event; data is an object with at least {@code id}. */
  public static final String EVENT = "event";

  private final long id;
  private final long tsMicros;
  private final String nodename;
  private final String kind;
  /** The data; for a patch made here, built from the stanzas when first asked for. */
  private volatile JsonNode data;
  private final List<Stanza> stanzas;
  private final String eventId;
  private final String opHints;
  private final byte[] json;

  private Event(long id, long tsMicros, String nodename, String kind, JsonNode data,
                List<Stanza> stanzas, String opHints, byte[] json) {
    this.id = id;
    this.tsMicros = tsMicros;
    this.nodename = Objects.requireNonNull(nodename, "nodename");
    this.kind = Objects.requireNonNull(kind, "kind");
    this.data = PATCH.equals(kind) && data == null ? null : Objects.requireNonNull(data, "data");
    this.stanzas = stanzas;
    JsonNode eid = EVENT.equals(kind) ? data.get("id") : null;
    this.eventId = eid != null && eid.isTextual() ? eid.textValue() : null;
    this.opHints = opHints;
    this.json = json != null ? json : Json.bytes(envelope());
  }

  /** A patch event of the stanzas actually applied, with absolute paths. */
  public static Event patch(long id, double ts, String nodename, List<Stanza> stanzas) {
    return patch(id, ts, nodename, stanzas, null);
  }

  /**
   * A patch event of the stanzas actually applied, with the RFC 6902 op hint of
   * each stanza, known when it was applied: {@code a} (a set that created a
   * member or appended: {@code add}), {@code r} (a set that replaced a value:
   * {@code replace}), {@code d} (a delete: {@code remove}). The hints are not part
   * of the envelope or its bytes.
   *
   * @param opHints one letter per stanza, or null when unknown
   */
  public static Event patch(long id, double ts, String nodename, List<Stanza> stanzas, String opHints) {
    if (opHints != null && opHints.length() != stanzas.size()) {
      throw new IllegalArgumentException("opHints has " + opHints.length() + " letters for " + stanzas.size() + " stanzas");
    }
    List<Stanza> copy = Collections.unmodifiableList(new ArrayList<>(stanzas));
    long micros = micros(ts);
    return new Event(id, micros, nodename, PATCH, null, copy, opHints, patchJson(id, micros, nodename, copy));
  }

  /**
   * The envelope of a patch written straight from its stanzas, without a tree of it:
   * the same bytes as {@link Json#bytes} of {@link #envelope()} (the values are written
   * with the same settings, {@link JsonValues#write}).
   */
  private static byte[] patchJson(long id, long tsMicros, String nodename, List<Stanza> stanzas) {
    // the buffer is the mapper's recycled one, taken as its writeValueAsBytes takes it: only the result is new
    try (ByteArrayBuilder out = new ByteArrayBuilder(Json.MAPPER.getFactory()._getBufferRecycler())) {
      try (JsonGenerator g = Json.MAPPER.createGenerator(out)) {
        writePatch(g, id, tsMicros, nodename, stanzas);
      }
      byte[] bytes = out.toByteArray();
      out.release();
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writePatch(JsonGenerator g, long id, long tsMicros, String nodename, List<Stanza> stanzas)
      throws IOException {
    g.writeStartObject();
    g.writeNumberField("id", id);
    g.writeFieldName("ts");
    g.writeNumber(ts(tsMicros));
    g.writeStringField("nodename", nodename);
    g.writeStringField("kind", PATCH);
    g.writeFieldName("data");
    g.writeStartArray();
    for (Stanza st : stanzas) {
      g.writeStartArray();
      g.writeStartArray();
      Path p = st.path();
      for (int i = 0, n = p.size(); i < n; i++) {
        Object step = p.get(i);
        if (step instanceof Integer index) {
          g.writeNumber(index);
        } else {
          g.writeString((String) step);
        }
      }
      g.writeEndArray();
      if (!st.isDelete()) {
        JsonValues.write(g, st.value());
      }
      g.writeEndArray();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static BigDecimal ts(long tsMicros) {
    return BigDecimal.valueOf(tsMicros, 6).stripTrailingZeros();
  }

  /** An event of kind "event"; {@code data} must hold a string {@code id} and is not copied. */
  public static Event event(long id, double ts, String nodename, ObjectNode data) {
    JsonNode eid = data.get("id");
    if (eid == null || !eid.isTextual()) {
      throw new IllegalArgumentException("event data needs a string id");
    }
    return new Event(id, micros(ts), nodename, EVENT, data, List.of(), null, null);
  }

  /**
   * Reads an envelope back from its bytes (the history store), keeping the bytes.
   *
   * @throws IOException when the bytes are not an envelope
   */
  public static Event fromJson(byte[] json) throws IOException {
    JsonNode n = Json.parse(json);
    if (!n.isObject() || !n.path("id").canConvertToLong() || !n.path("kind").isTextual()
        || !n.path("nodename").isTextual() || !n.path("ts").isNumber() || !n.has("data")) {
      throw new IOException("not an event envelope");
    }
    String kind = n.get("kind").textValue();
    JsonNode data = n.get("data");
    List<Stanza> stanzas = List.of();
    if (PATCH.equals(kind)) {
      List<Stanza> s = new ArrayList<>(data.size());
      for (JsonNode st : data) {
        s.add(Stanza.fromJson(st));
      }
      stanzas = Collections.unmodifiableList(s);
    }
    long micros = n.get("ts").decimalValue().movePointRight(6).longValue();
    return new Event(n.get("id").longValue(), micros, n.get("nodename").textValue(), kind, data, stanzas, null, json);
  }

  private static long micros(double ts) {
    return Math.round(ts * 1_000_000d);
  }

  /** The sequence number: 1, 2, 3, … with no gaps, kept across restarts. */
  public long id() {
    return id;
  }

  /** The gateway's clock when the event was made, epoch seconds. */
  public double ts() {
    return tsMicros / 1_000_000d;
  }

  /** The gateway's clock when the event was made, epoch microseconds. */
  public long tsMicros() {
    return tsMicros;
  }

  /** The node the change came from; the gateway's own name for its own changes. */
  public String nodename() {
    return nodename;
  }

  /** {@link #PATCH} or {@link #EVENT}. */
  public String kind() {
    return kind;
  }

  public boolean isPatch() {
    return PATCH.equals(kind);
  }

  /** The data as sent in the envelope. Never mutate it. */
  public JsonNode data() {
    JsonNode d = data;
    if (d == null) {
      // a patch made here: its stanzas as a tree, made once (two threads racing make equal trees)
      ArrayNode a = Json.NODES.arrayNode(stanzas.size());
      for (Stanza s : stanzas) {
        a.add(s.toJson());
      }
      data = d = a;
    }
    return d;
  }

  /** For a patch, its stanzas (absolute paths); empty for an event. */
  public List<Stanza> stanzas() {
    return stanzas;
  }

  /**
   * For a patch made by the state, one RFC 6902 op hint per stanza ({@code a}
   * add, {@code r} replace, {@code d} remove); null when unknown (an event read
   * back with {@link #fromJson}, or made without hints). Not serialized.
   */
  public String opHints() {
    return opHints;
  }

  /** For an event, its {@code data.id} (e.g. {@code node_freeze}); null for a patch. */
  public String eventId() {
    return eventId;
  }

  /** The envelope as compact UTF-8 JSON, made once. Do not modify the array. */
  public byte[] json() {
    return json;
  }

  /** The envelope as a string. */
  public String jsonString() {
    return new String(json, StandardCharsets.UTF_8);
  }

  /** A fresh tree of the envelope; the caller owns it. */
  public ObjectNode envelope() {
    ObjectNode o = Json.NODES.objectNode();
    o.put("id", id);
    o.put("ts", ts(tsMicros));
    o.put("nodename", nodename);
    o.put("kind", kind);
    o.set("data", data());
    return o;
  }

  @Override
  public String toString() {
    return jsonString();
  }
}
