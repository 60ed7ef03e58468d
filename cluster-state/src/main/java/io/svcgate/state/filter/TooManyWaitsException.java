package io.svcgate.state.filter;

/** A wait was refused because the configured maximum of pending waits is reached. */
public final class TooManyWaitsException extends IllegalStateException {

  private final int max;

  public TooManyWaitsException(int max) {
    super("too many pending waits: at most " + max + " may wait at once; retry later or raise the limit");
    this.max = max;
  }

  /** The configured maximum. */
  public int max() {
    return max;
  }
}
