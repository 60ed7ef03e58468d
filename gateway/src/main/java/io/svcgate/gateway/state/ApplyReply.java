package io.svcgate.gateway.state;

/**
 * What became of one heartbeat message, as the ingest paths answer it.
 *
 * @param status  the HTTP status that says it: 202 accepted, 400 invalid or a stanza
 *                that cannot apply, 403 node not in the configured cluster, 409 out of
 *                sequence (gap, or the node awaits a full), 503 overloaded
 * @param id      the last event id once the message's events are durable
 * @param nodename the sender
 * @param merged  the sender's generation as the gateway has it
 * @param error   what is wrong, in words; null when accepted
 */
public record ApplyReply(int status, long id, String nodename, long merged, String error) {

  public boolean accepted() {
    return status == 202;
  }

  /**
   * The replies to a {@code Committed.Batch} entry, one per message in the entry's order.
   */
  public record Batch(java.util.List<ApplyReply> replies) {

    public Batch {
      replies = java.util.List.copyOf(replies);
    }
  }
}
