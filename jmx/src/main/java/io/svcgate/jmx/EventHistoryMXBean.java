package io.svcgate.jmx;

/** The event history: {@code svcgate:type=EventHistory}. */
public interface EventHistoryMXBean {

  /** Events kept now. */
  long getSize();

  /** Most events kept ({@code history.max-events}). */
  long getCapacity();

  /** Id of the oldest event kept; {@code LastId + 1} when the history is empty. */
  long getOldestId();

  /** Id of the last event. */
  long getLastId();

  /** Age beyond which events leave the history, seconds ({@code history.max-age}). */
  long getRetentionSeconds();

  /**
   * Up to {@code limit} events with ids greater than {@code after}, in id order. Generic
   * JMX clients see an array of {@code CompositeData} with the items
   * {@code id} (long), {@code ts} (epoch seconds, double), {@code nodename}, {@code kind}
   * ({@code patch} or {@code event}), {@code eventId} (the {@code data.id} of events, null
   * for patches), {@code json} (the envelope).
   *
   * @throws IllegalArgumentException when {@code after} is older than the oldest event
   *                                  kept or beyond the last, or {@code limit} is out of range
   */
  EventItem[] eventsAfter(long after, int limit);

  /**
   * The same page as JSON, as {@code GET /api/events} answers it:
   * {@code {"epoch", "oldest", "last", "events": [...], "next"}}.
   *
   * @throws IllegalArgumentException as {@link #eventsAfter}
   */
  String eventsAfterJson(long after, int limit);
}
