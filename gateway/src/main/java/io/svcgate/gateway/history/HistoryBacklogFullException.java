package io.svcgate.gateway.history;

/**
 * An append was refused because the events waiting to be written already reach the
 * bound ({@link HistoryOptions#getMaxQueuedEvents()}). The refused append took no id:
 * the history still expects the same first id. Ingest answers 503 with
 * {@code Retry-After: }{@link #retryAfterSeconds()}.
 */
public final class HistoryBacklogFullException extends HistoryStoreException {

  private final int queued;

  public HistoryBacklogFullException(int queued, int refused, int bound) {
    super("the history write backlog is full: " + queued + " events are waiting to be written, "
        + refused + " more would pass the bound of " + bound);
    this.queued = queued;
  }

  /** Events waiting to be written when the append was refused. */
  public int queued() {
    return queued;
  }

  /** Seconds a sender should wait before it retries. */
  public int retryAfterSeconds() {
    return 1;
  }
}
