package io.svcgate.gateway.hooks;

/**
 * The hooks file cannot be used: it cannot be read, or a line of it is malformed.
 * The message says where ({@code line N: }) and what is wrong.
 */
public final class HooksFileException extends Exception {

  private final int line;

  /** An error at a line of the file (1-based), or 0 for the file as a whole. */
  public HooksFileException(int line, String message) {
    super(line > 0 ? "line " + line + ": " + message : message);
    this.line = line;
  }

  /** The line the error is on, 1-based; 0 when it is about the whole file. */
  public int line() {
    return line;
  }
}
