package io.svcgate.state;

import com.fasterxml.jackson.databind.JsonNode;
import io.svcgate.state.NodeInfo.Liveness;

/**
 * The mutable bookkeeping of one node (docs/model.md §2): its merged generation, whether
 * it awaits a full, its liveness, when it was last seen and asked for a full, its
 * counters, and the size of its data. Only the cluster-state core touches it; readers get
 * a {@link NodeInfo}.
 */
final class NodeBook {

  static final Path MONITOR_NODES = Path.of("monitor", "nodes");

  final String nodename;
  /** {@code monitor.nodes.<nodename>}. */
  final Path base;
  long merged;
  boolean needsFull = true;
  boolean beating = true;
  double lastSeen;
  double lastAsk = Double.NEGATIVE_INFINITY;
  long heartbeats;
  long nodeEvents;
  long patchesApplied;
  long fullsApplied;
  long ignoredFulls;
  long resyncs;
  long skippedGenerations;
  /** Values in the node's data, itself included ({@link DocumentEdit#size}); -1 until counted. */
  long keys = -1;

  NodeBook(String nodename) {
    this.nodename = nodename;
    this.base = MONITOR_NODES.child(nodename);
  }

  /** The node must send a full: its merged generation is forgotten and a resync counted. */
  void resync(double now) {
    merged = 0;
    needsFull = true;
    resyncs++;
    lastAsk = now;
  }

  /** The row readers see, with the node's {@code frozen} from its data (null when none). */
  NodeInfo info(JsonNode frozen) {
    return new NodeInfo(nodename, merged, needsFull, beating ? Liveness.BEATING : Liveness.STALE, lastSeen,
        frozen, heartbeats, nodeEvents, patchesApplied, fullsApplied, ignoredFulls, resyncs, skippedGenerations);
  }
}
