package io.svcgate.state;

/**
 * Stored data written by a newer version, in a format this one does not read: not
 * damage. The message says which format was found and which this version reads, so
 * an operator who rolled back knows to run the newer version again or restore the
 * backup made before the upgrade (docs/operations.md, "Upgrade").
 */
public final class NewerFormatException extends IllegalArgumentException {

  private final int found;
  private final int readable;

  public NewerFormatException(String what, int found, int readable) {
    super(what + " has format " + found + ", written by a newer svcgate; this one reads format " + readable
        + " and older");
    this.found = found;
    this.readable = readable;
  }

  /** The format the data has. */
  public int found() {
    return found;
  }

  /** The newest format this version reads. */
  public int readable() {
    return readable;
  }
}
