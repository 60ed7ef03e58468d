package io.svcgate.gateway.ingest;

/**
 * A heartbeat message (or a batch) that the gateway did not take, with the HTTP
 * status that says why: 400 malformed or a stanza that cannot apply, 403 a sender
 * outside {@code cluster.nodes}, 409 out of sequence, 503 overloaded or not ready.
 * Nothing of the refused message changed the state; in a batch, the messages before
 * it ({@link #accepted()}) were applied.
 */
public final class IngestException extends RuntimeException {

  private final int status;
  private final String reason;
  private final String nodename;
  private final long merged;
  private final int accepted;
  private final long id;

  /**
   * @param status   the HTTP status
   * @param reason   a rejection label (such as {@code bad_gen}) for a malformed message, else null
   * @param message  what is wrong, in words
   * @param nodename the sender, when known
   * @param merged   the sender's generation as the gateway has it, or -1 when not applicable
   * @param accepted messages of the batch applied before this one
   * @param id       the last event id of those, or 0
   */
  public IngestException(int status, String reason, String message, String nodename, long merged, int accepted,
                         long id) {
    super(message, null, false, false);
    this.status = status;
    this.reason = reason;
    this.nodename = nodename;
    this.merged = merged;
    this.accepted = accepted;
    this.id = id;
  }

  /** The HTTP status: 400, 403, 409 or 503 (413 is the transport's, before parsing). */
  public int status() {
    return status;
  }

  /** The rejection label of a malformed message (docs/metrics.md), or null when it was refused by the state. */
  public String reason() {
    return reason;
  }

  /** The sender, or null when the message did not say. */
  public String nodename() {
    return nodename;
  }

  /** The sender's generation as the gateway has it, or -1 for a malformed message. */
  public long merged() {
    return merged;
  }

  /** How many messages of the batch were applied before this one. */
  public int accepted() {
    return accepted;
  }

  /** The last event id of the messages applied before this one, or 0. */
  public long id() {
    return id;
  }

  /** True when the message was refused by the state (sequence, sender, load), not for its form. */
  public boolean refusedByState() {
    return reason == null;
  }
}
