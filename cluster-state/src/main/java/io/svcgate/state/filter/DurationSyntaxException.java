package io.svcgate.state.filter;

/**
 * A duration that does not parse. The message names the input, the position and
 * what was expected; {@link #position()} is the 0-based index into {@link #input()}.
 */
public final class DurationSyntaxException extends IllegalArgumentException {

  private final String input;
  private final int position;

  public DurationSyntaxException(String input, int position, String reason) {
    super("invalid duration '" + input + "' at position " + position + ": " + reason);
    this.input = input;
    this.position = position;
  }

  /** The text that was parsed. */
  public String input() {
    return input;
  }

  /** 0-based index into {@link #input()} where the problem was found. */
  public int position() {
    return position;
  }
}
