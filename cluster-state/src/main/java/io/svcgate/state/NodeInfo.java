package io.svcgate.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;

/**
 * The gateway's bookkeeping about one node, at one moment (the rows of
 * {@code /api/nodes}). Immutable.
 *
 * @param nodename           the node
 * @param merged             the last generation applied; 0 when none (a full is needed)
 * @param needsFull          true when the node's patches are dropped until a full arrives
 * @param status             liveness
 * @param lastSeen           when a message of the node was last accepted, epoch seconds (0: not since restore)
 * @param frozen             {@code frozen} from the node data ({@code 0} or a freeze time); null when absent
 * @param heartbeats         full, patch and ping messages accepted
 * @param nodeEvents         event messages accepted
 * @param patchesApplied     patch generations applied
 * @param fullsApplied       fulls applied
 * @param ignoredFulls       fulls ignored as not newer than the merged generation
 * @param resyncs            times the node was put back to needing a full (gap, failure, ask)
 * @param skippedGenerations patch generations skipped as already merged
 */
public record NodeInfo(String nodename, long merged, boolean needsFull, Liveness status, double lastSeen,
                       JsonNode frozen, long heartbeats, long nodeEvents, long patchesApplied, long fullsApplied,
                       long ignoredFulls, long resyncs, long skippedGenerations) {

  /** Whether the node is heard. */
  public enum Liveness {
    /** Heard within the heartbeat timeout. */
    BEATING,
    /** Silent for longer than the heartbeat timeout. */
    STALE;

    /** {@code beating} or {@code stale}. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * The {@code /api/nodes} row: {@code nodename}, {@code gen} (merged),
   * {@code status}, {@code needs_full}, {@code last_seen}, {@code frozen}, and
   * {@code counters}.
   */
  public ObjectNode toJson() {
    ObjectNode o = Json.NODES.objectNode();
    o.put("nodename", nodename);
    o.put("gen", merged);
    o.put("status", status.label());
    o.put("needs_full", needsFull);
    o.put("last_seen", BigDecimal.valueOf(Math.round(lastSeen * 1_000_000d), 6).stripTrailingZeros().max(BigDecimal.ZERO));
    o.set("frozen", frozen == null ? Json.NODES.nullNode() : frozen.deepCopy());
    ObjectNode c = o.putObject("counters");
    c.put("heartbeats", heartbeats);
    c.put("events", nodeEvents);
    c.put("patches_applied", patchesApplied);
    c.put("fulls_applied", fullsApplied);
    c.put("ignored_fulls", ignoredFulls);
    c.put("resyncs", resyncs);
    c.put("skipped_generations", skippedGenerations);
    return o;
  }
}
