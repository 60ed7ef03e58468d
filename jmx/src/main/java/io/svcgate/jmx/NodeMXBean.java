package io.svcgate.jmx;

/**
 * One node the gateway knows: {@code svcgate:type=Node,name=<nodename>}. Registered
 * when the node appears, unregistered when it is forgotten. Values are the
 * gateway's bookkeeping at most about a second old; after {@link #askFull()}
 * returns, the next read shows what it did.
 */
public interface NodeMXBean {

  /** The last generation of the node merged; 0 when none. */
  long getGen();

  /** Liveness: {@code beating} or {@code stale}. */
  String getStatus();

  /** True while the node's patches are dropped until it sends a full. */
  boolean isNeedsFull();

  /** When a message of the node was last accepted, epoch seconds; 0 when not since start. */
  double getLastSeen();

  /** When the node was frozen, epoch seconds; 0 when it is not frozen. */
  double getFrozen();

  /** Patch generations of the node applied. */
  long getPatchesApplied();

  /** Times the node was put back to needing a full. */
  long getResyncs();

  /**
   * Marks the node as needing a full and asks it for one (on {@code svcgate.hb.askfull}).
   * Returns once that is done and visible: the next {@link #isNeedsFull()} is true.
   *
   * @throws IllegalStateException when the gateway no longer knows the node
   */
  void askFull();
}
