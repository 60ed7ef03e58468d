package io.svcgate.gateway.cluster;

import io.svcgate.state.HeartbeatMessage;

/**
 * One committed Raft entry, handed by the Raft state machine to the state verticle
 * (on {@code Addresses.APPLY_COMMITTED}) in log order, on every member. Everything it
 * needs to apply deterministically is in it: the message and the leader's clock.
 *
 * @param term         the entry's Raft term
 * @param index        the entry's Raft log index; recorded with the changes it makes, so a
 *                     restarted member knows where to resume the log
 * @param leaderMillis the leader's wall clock when it accepted the entry: the time used for
 *                     every {@code ts}, liveness and {@code updated} the entry decides
 * @param command      what to apply
 */
public record Committed(long term, long index, long leaderMillis, Command command) {

  /** What a Raft entry asks of the state. */
  public sealed interface Command {
  }

  /** A validated heartbeat message from any ingest door. */
  public record Heartbeat(HeartbeatMessage message) implements Command {
  }

  /**
   * Heartbeat messages proposed together (group commit, docs/clustering.md "The Raft
   * log"): applied in order at the entry's leader time, each exactly as its own
   * {@link Heartbeat} entry would be, with one history write for the whole entry.
   * Between 2 and {@link EntryCodec#MAX_BATCH_MESSAGES} messages.
   */
  public record Batch(java.util.List<HeartbeatMessage> messages) implements Command {

    public Batch {
      messages = java.util.List.copyOf(messages);
    }
  }

  /** {@code DELETE /api/nodes/{node}}: forget a decommissioned node. */
  public record Forget(String nodename) implements Command {
  }

  /** An operator asked for a node's full. */
  public record AskFull(String nodename) implements Command {
  }

  /**
   * The leader's liveness decision: the nodes it found not heard from for
   * {@code hb.timeout} at its clock go stale (those still beating when the entry
   * applies), at {@code leaderMillis}. The leader decides, from its own state, and the
   * decision is carried in the log: every member marks the same nodes, whatever its
   * own record of when it last heard them (which a restart can move). Proposed by the
   * leader only; an empty list changes nothing (the first one starts the history).
   */
  public record Tick(java.util.List<String> stale) implements Command {

    public Tick {
      stale = java.util.List.copyOf(stale);
    }

    /** A tick that marks nothing. */
    public Tick() {
      this(java.util.List.of());
    }
  }
}
