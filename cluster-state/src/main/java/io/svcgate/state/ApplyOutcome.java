package io.svcgate.state;

import java.util.List;
import java.util.Objects;

/**
 * What {@link ClusterState#apply} did with one heartbeat message.
 *
 * @param status       what happened
 * @param nodename     the sender
 * @param events       the new events, consecutive ids, in order (possibly some even
 *                     when the status is not {@link Status#APPLIED}: generations
 *                     applied before a failing one, a {@code cluster.nodes} change,
 *                     an {@code hb_beating}); the caller appends them to the history
 *                     and publishes them
 * @param merged       the sender's merged generation after the message (0: needs a full)
 * @param error        why the message (or its remainder) was not applied; null when it was
 * @param askFull      true when the gateway should publish an ask-full request for
 *                     the sender now (on {@code svcgate.hb.askfull})
 * @param derivedError when the {@link DerivedState} failed after this change: why
 *                     (its stanzas were not applied); null otherwise
 */
public record ApplyOutcome(Status status, String nodename, List<Event> events, long merged, String error,
                           boolean askFull, String derivedError) {

  /** What happened to a message. */
  public enum Status {
    /** Applied (a no-op is applied too: an unchanged full, an empty generation, an empty patch). */
    APPLIED,
    /** A full not newer than the merged generation, or a patch of generations all already merged: nothing done. */
    IGNORED_STALE,
    /** A patch generation does not follow the merged one: the sender now needs a full. */
    GAP,
    /** A stanza or operation does not apply: that generation was not applied and the sender now needs a full. */
    FAILED,
    /** The sender needs a full; its patches are dropped until one arrives. */
    AWAITING_FULL,
    /** The sender is not in the configured {@code cluster.nodes}: nothing done. */
    REFUSED,
    /**
     * The change would make the sender's node data larger than its bound
     * ({@code ingest.max-node-keys}): that generation was not applied and the sender
     * now needs a full.
     */
    TOO_LARGE
  }

  public ApplyOutcome {
    Objects.requireNonNull(status, "status");
    events = List.copyOf(events);
  }

  /** True when the status is {@link Status#APPLIED} or {@link Status#IGNORED_STALE} (nothing wrong with the message). */
  public boolean ok() {
    return status == Status.APPLIED || status == Status.IGNORED_STALE;
  }
}
