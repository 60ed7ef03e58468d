package io.svcgate.jmx;

import java.time.Duration;
import java.util.List;

/**
 * What {@link EventHistoryBean} reads. Every method is thread-safe and reads the
 * history directly (it supports concurrent readers); pages fail with an
 * {@link IllegalArgumentException} for a cursor or limit out of range.
 */
public interface EventHistorySource {

  long size();

  long capacity();

  long oldestId();

  long lastId();

  Duration retention();

  List<EventItem> eventsAfter(long after, int limit);

  String eventsAfterJson(long after, int limit);
}
