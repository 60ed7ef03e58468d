package io.svcgate.state.filter;

/**
 * A path or condition that does not parse. The message reads
 * {@code at position N: <what was expected>}; {@link #position()} is the 0-based
 * index into {@link #input()} where the problem was found.
 */
public final class FilterSyntaxException extends IllegalArgumentException {

  private final String input;
  private final int position;
  private final String reason;

  public FilterSyntaxException(String input, int position, String reason) {
    super("at position " + position + ": " + reason);
    this.input = input;
    this.position = position;
    this.reason = reason;
  }

  /** The text that was parsed. */
  public String input() {
    return input;
  }

  /** 0-based index into {@link #input()} of the offending character (its length when the input ended too early). */
  public int position() {
    return position;
  }

  /** What was wrong or expected, without the position. */
  public String reason() {
    return reason;
  }
}
