package io.svcgate.gateway.history;

/** Another svcgate (another process, or another history in this one) holds the data directory. */
public final class DataDirectoryInUseException extends HistoryStoreException {

  public DataDirectoryInUseException(String message) {
    super(message);
  }
}
