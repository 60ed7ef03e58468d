package io.svcgate.state.history;

/** The events a reader asked for are older than what the history keeps. */
public final class HistoryGoneException extends RuntimeException {

  private final long oldest;
  private final long last;

  public HistoryGoneException(long after, long oldest, long last) {
    super("events after " + after + " are gone: the oldest event kept is " + oldest);
    this.oldest = oldest;
    this.last = last;
  }

  /** The oldest id kept when the read was refused. */
  public long oldest() {
    return oldest;
  }

  /** The last id when the read was refused. */
  public long last() {
    return last;
  }
}
