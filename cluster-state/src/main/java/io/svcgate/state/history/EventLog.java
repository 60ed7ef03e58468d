package io.svcgate.state.history;

import io.svcgate.state.Event;
import java.util.List;

/**
 * The ordered, bounded history of events (docs/model.md §5).
 *
 * <p>Ids are consecutive: each append continues at {@link #lastId()} + 1. One
 * writer appends and retains; readers may read concurrently from any thread.
 * A durable implementation has made the events durable when {@link #append}
 * returns.
 */
public interface EventLog extends AutoCloseable {

  /** Identifies this history; changes only when the history is wiped. */
  String epoch();

  /** The id of the last event appended; 0 when there was never any. */
  long lastId();

  /** The id of the oldest event kept; {@code lastId() + 1} when none is kept. */
  long oldestId();

  /** How many events are kept. */
  long size();

  /**
   * Appends events whose ids continue {@link #lastId()} without a gap.
   *
   * @throws IllegalArgumentException when the ids do not continue the log
   */
  void append(List<Event> events);

  /**
   * Up to {@code limit} events with id &gt; {@code after}, in id order.
   *
   * @throws HistoryGoneException when events after {@code after} are no longer kept
   *                              ({@code after < oldestId() - 1})
   */
  List<Event> readAfter(long after, int limit);

  /**
   * Drops the oldest events beyond {@code maxEvents} and those older than
   * {@code minTsMicros} (epoch microseconds; 0 for no age bound); the last event
   * is always kept.
   *
   * @return how many events were dropped
   */
  long retain(long maxEvents, long minTsMicros);

  @Override
  void close();
}
