package io.svcgate.gateway;

/**
 * Event-bus addresses of the gateway. The public ones are the contract of
 * docs/api.md ("Event-bus addresses"); the internal ones carry local objects
 * between the gateway's own verticles and are not part of any contract.
 */
public final class Addresses {

  /** Heartbeat messages in: send, request or publish a message (JSON). */
  public static final String HB_RX = "svcgate.hb.rx";
  /**
   * Every event envelope, in id order, published by the state verticle as a
   * {@code JsonObject} (for Vert.x applications in the cluster and TCP-bridge clients).
   */
  public static final String EVENTS = "svcgate.events";
  /** {@code {"nodename": n}}: that node should send a full. */
  public static final String HB_ASKFULL = "svcgate.hb.askfull";
  /** {@code {"filter": P}} → as {@code GET /api/daemon/status?filter=}. */
  public static final String STATE_QUERY = "svcgate.state.query";
  /** {@code {"filter": C, "duration": D, "after": N}} → as {@code GET /api/wait}. */
  public static final String STATE_WAIT = "svcgate.state.wait";

  /**
   * Internal: the same events as {@link #EVENTS}, as immutable {@code Event} objects
   * to local consumers only (HTTP streams, hooks, JMX): no copy, serialized once.
   */
  public static final String EVENT_FEED = "svcgate.internal.events";
  /** Internal: a validated {@code HeartbeatMessage} to apply; replies an {@code ApplyReply}. */
  public static final String APPLY = "svcgate.internal.apply";
  /** Internal: a status query (filter or null); replies a {@code StatusReply}. */
  public static final String STATUS = "svcgate.internal.status";
  /** Internal: the nodes table; replies JSON bytes. */
  public static final String NODES = "svcgate.internal.nodes";
  /** Internal: a {@code WaitRequest}; replies a {@code WaitResult}. */
  public static final String WAIT = "svcgate.internal.wait";
  /** Internal: cancels a wait by its id (the client went away). */
  public static final String WAIT_CANCEL = "svcgate.internal.wait.cancel";
  /** Internal: forget a node; replies the id of the last event or fails with 404. */
  public static final String FORGET = "svcgate.internal.forget";
  /** Internal: mark a node as needing a full; fails with 404 for an unknown node. */
  public static final String ASK_FULL = "svcgate.internal.askfull";
  /**
   * Internal, cluster mode only: a {@code cluster.Committed} Raft entry for the state
   * verticle to apply in log order; replies an {@code ApplyReply} once its changes are
   * durable here (a forget or ask-full: the id of the last event, status 200).
   */
  public static final String APPLY_COMMITTED = "svcgate.internal.apply.committed";
  /**
   * Internal, cluster mode only, asked by the leader: the leader's clock in epoch
   * milliseconds; replies a JSON object {@code {"started": bool, "stale": [names]}}: whether
   * the cluster's history has started, and the beating nodes not heard from for
   * {@code hb.timeout} at that time (what the leader's next tick entry marks stale).
   */
  public static final String STALE_CANDIDATES = "svcgate.internal.stale.candidates";

  private Addresses() {
  }
}
