package io.svcgate.jmx;

/**
 * The gateway as a whole: {@code svcgate:type=Gateway}. Also a
 * {@link javax.management.NotificationEmitter}: every node event becomes a
 * notification of type {@code svcgate.event.<id>} whose sequence number is the
 * event id and whose user data is the envelope JSON.
 */
public interface GatewayMXBean {

  /** The gateway's version. */
  String getVersion();

  /** The gateway's own node name. */
  String getNodeName();

  /** The history epoch: event ids are comparable only within one epoch. */
  String getEpoch();

  /** Id of the last event emitted. */
  long getLastEventId();

  /** When the gateway started, milliseconds since the Unix epoch. */
  long getStartTime();

  /** Whole seconds since the gateway started. */
  long getUptimeSeconds();

  /** Nodes the gateway knows (the rows of {@code /api/nodes}). */
  int getNodeCount();

  /** Heartbeat messages received, accepted or not. */
  long getHeartbeatsReceived();

  /** Heartbeat messages rejected (malformed, out of sequence, refused, overloaded). */
  long getHeartbeatsRejected();

  /** Patch generations applied. */
  long getPatchesApplied();

  /** Full messages applied. */
  long getFullsApplied();

  /** Times a node was asked to send a full. */
  long getResyncs();

  /** Events emitted (patches and events). */
  long getEventsEmitted();

  /**
   * The state at this moment: with a filter (docs/filters.md path expression), JSON
   * {@code {"id", "matches": [{"path", "value"}]}}; with an empty one, the whole document.
   *
   * @throws IllegalArgumentException when the filter does not parse
   */
  String status(String filter);

  /**
   * Waits until a condition (docs/filters.md) holds on the state or the duration passes
   * (capped by {@code wait.max}). Generic JMX clients see a {@code CompositeData} with
   * the items {@code satisfied} (boolean), {@code elapsed} (seconds, double) and {@code id}
   * (the event id at which it was decided, long).
   *
   * @throws IllegalArgumentException when the condition or the duration does not parse
   */
  WaitOutcome waitFor(String condition, String duration);
}
