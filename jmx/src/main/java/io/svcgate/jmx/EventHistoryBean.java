package io.svcgate.jmx;

import io.svcgate.jmx.impl.Calls;

/** The {@link EventHistoryMXBean} adapter over an {@link EventHistorySource}. Thread-safe. */
public final class EventHistoryBean implements EventHistoryMXBean {

  private final EventHistorySource source;

  public EventHistoryBean(EventHistorySource source) {
    this.source = source;
  }

  @Override
  public long getSize() {
    return source.size();
  }

  @Override
  public long getCapacity() {
    return source.capacity();
  }

  @Override
  public long getOldestId() {
    return source.oldestId();
  }

  @Override
  public long getLastId() {
    return source.lastId();
  }

  @Override
  public long getRetentionSeconds() {
    return source.retention().toSeconds();
  }

  @Override
  public EventItem[] eventsAfter(long after, int limit) {
    try {
      return source.eventsAfter(after, limit).toArray(EventItem[]::new);
    } catch (RuntimeException e) {
      throw Calls.translate(e, "eventsAfter");
    }
  }

  @Override
  public String eventsAfterJson(long after, int limit) {
    try {
      return source.eventsAfterJson(after, limit);
    } catch (RuntimeException e) {
      throw Calls.translate(e, "eventsAfterJson");
    }
  }
}
