package io.svcgate.gateway.state;

import io.svcgate.state.Event;
import io.svcgate.state.history.EventLog;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The gateway's history as the state verticle writes it: appends complete once
 * durable, never blocking the caller; reads go to {@link #log()} from any thread.
 */
public interface History extends AutoCloseable {

  /** The log to read; safe for concurrent readers. */
  EventLog log();

  /**
   * Appends events (consecutive ids after the last appended). Completes, in
   * append order, once they are durable; fails with {@link HistoryFullException}
   * when too many appends are pending.
   */
  CompletionStage<Void> append(List<Event> events);

  @Override
  void close();

  /** A history in memory only: appends complete at once. */
  static History inMemory(EventLog log) {
    return new History() {
      @Override
      public EventLog log() {
        return log;
      }

      @Override
      public CompletionStage<Void> append(List<Event> events) {
        try {
          log.append(events);
          return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
          return CompletableFuture.failedFuture(e);
        }
      }

      @Override
      public void close() {
        log.close();
      }
    };
  }

  /** Too many appends wait for the disk; the sender should retry later. */
  final class HistoryFullException extends RuntimeException {
    public HistoryFullException(String message) {
      super(message);
    }
  }
}
