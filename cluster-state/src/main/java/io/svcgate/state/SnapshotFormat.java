package io.svcgate.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The bytes of a state snapshot (docs/model.md, the history's snapshot): a JSON object
 * with {@code format} ({@link ClusterState#SNAPSHOT_FORMAT}), {@code last_id}, the
 * {@code document}, and one row per known node ({@code nodename}, {@code status},
 * {@code needs_full}, {@code last_seen}, {@code counters}, {@code merged}). Reading checks
 * the shape and refuses a newer format.
 */
final class SnapshotFormat {

  /** What a snapshot holds. */
  record Contents(long lastId, ObjectNode document, List<NodeBook> books) {
  }

  private SnapshotFormat() {
  }

  /** The snapshot bytes; made at once, independent of later changes. */
  static byte[] write(long lastId, ObjectNode document, Collection<NodeBook> books) {
    ObjectNode s = Json.NODES.objectNode();
    s.put("format", ClusterState.SNAPSHOT_FORMAT);
    s.put("last_id", lastId);
    s.set("document", document);
    ArrayNode rows = s.putArray("nodes");
    for (NodeBook b : books) {
      ObjectNode r = b.info(null).toJson();
      r.remove("gen");
      r.remove("frozen");
      r.put("merged", b.merged);
      r.put("last_seen", b.lastSeen);
      rows.add(r);
    }
    return Json.bytes(s);
  }

  /**
   * Reads snapshot bytes.
   *
   * @throws NewerFormatException     when the snapshot is of a format newer than this one
   * @throws IllegalArgumentException when the bytes are not a snapshot
   */
  static Contents read(byte[] snapshot) {
    JsonNode s;
    try {
      s = Json.parse(snapshot);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a cluster-state snapshot: " + e.getMessage(), e);
    }
    int format = ClusterState.SNAPSHOT_FORMAT;
    if (s != null && s.isObject() && s.path("format").isIntegralNumber() && s.path("format").asInt() > format) {
      throw new NewerFormatException("the state snapshot", s.path("format").asInt(), format);
    }
    if (s == null || !s.isObject() || s.path("format").asInt(-1) != format) {
      throw new IllegalArgumentException("not a cluster-state snapshot of format " + format);
    }
    JsonNode id = s.get("last_id");
    if (id == null || !id.isIntegralNumber() || !id.canConvertToLong() || id.longValue() < 0) {
      throw new IllegalArgumentException("snapshot: last_id must be a non-negative integer");
    }
    JsonNode doc = s.get("document");
    if (doc == null || !doc.isObject() || !doc.path("cluster").isObject() || !doc.path("cluster").path("nodes").isArray()
        || !doc.path("gateway").isObject() || !doc.path("monitor").isObject()
        || !doc.path("monitor").path("services").isObject() || !doc.path("monitor").path("nodes").isObject()) {
      throw new IllegalArgumentException("snapshot: document lacks cluster.nodes, gateway, monitor.services or monitor.nodes");
    }
    JsonNode rows = s.path("nodes");
    if (!rows.isArray()) {
      throw new IllegalArgumentException("snapshot: nodes must be a list");
    }
    List<NodeBook> books = new ArrayList<>(rows.size());
    for (JsonNode r : rows) {
      JsonNode name = r.get("nodename");
      if (name == null || !name.isTextual()) {
        throw new IllegalArgumentException("snapshot: a node row has no nodename");
      }
      NodeBook b = new NodeBook(name.textValue());
      b.merged = r.path("merged").asLong(0);
      b.needsFull = r.path("needs_full").asBoolean(true) || b.merged == 0;
      b.beating = !"stale".equals(r.path("status").asText());
      b.lastSeen = r.path("last_seen").asDouble(0);
      JsonNode c = r.path("counters");
      b.heartbeats = c.path("heartbeats").asLong();
      b.nodeEvents = c.path("events").asLong();
      b.patchesApplied = c.path("patches_applied").asLong();
      b.fullsApplied = c.path("fulls_applied").asLong();
      b.ignoredFulls = c.path("ignored_fulls").asLong();
      b.resyncs = c.path("resyncs").asLong();
      b.skippedGenerations = c.path("skipped_generations").asLong();
      books.add(b);
    }
    return new Contents(id.longValue(), (ObjectNode) doc, books);
  }
}
