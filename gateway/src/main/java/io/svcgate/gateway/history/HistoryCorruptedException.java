package io.svcgate.gateway.history;

/**
 * The stored history is damaged in a way that cannot be repaired without losing or
 * inventing events (a gap in ids, a value that is not an envelope, a checksum
 * mismatch before the tail). The gateway must not start on it: the message says what
 * is wrong and where, for the operator to decide (restore a backup, or wipe the data
 * directory, which starts a new epoch).
 */
public final class HistoryCorruptedException extends HistoryStoreException {

  public HistoryCorruptedException(String message) {
    super(message);
  }

  public HistoryCorruptedException(String message, Throwable cause) {
    super(message, cause);
  }
}
