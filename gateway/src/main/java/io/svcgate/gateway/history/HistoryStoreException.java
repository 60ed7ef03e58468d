package io.svcgate.gateway.history;

/** The history store could not do what was asked: I/O error, store error, closed store. */
public class HistoryStoreException extends RuntimeException {

  public HistoryStoreException(String message) {
    super(message);
  }

  public HistoryStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
