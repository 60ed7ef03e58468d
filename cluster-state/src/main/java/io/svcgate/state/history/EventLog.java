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
   * As {@link #readAfter(long, int)}, and at most about {@code maxBytes} of envelopes
   * ({@link Event#json()}): the page stops after the event that reaches the bound, so it
   * always holds at least one event when there is one. For readers that must bound their
   * memory (a stream's replay). The default reads the whole page, then cuts it; a store
   * that reads from disk overrides it to stop reading at the bound.
   */
  default List<Event> readAfter(long after, int limit, long maxBytes) {
    return cut(readAfter(after, limit), maxBytes);
  }

  /** The prefix of {@code page} that holds {@code maxBytes} of envelopes, at least one event. */
  static List<Event> cut(List<Event> page, long maxBytes) {
    long bytes = 0;
    for (int i = 0; i < page.size(); i++) {
      bytes += page.get(i).json().length;
      if (bytes >= maxBytes) {
        return page.subList(0, i + 1);
      }
    }
    return page;
  }

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
