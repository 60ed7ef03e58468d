package io.svcgate.gateway.management;

import io.svcgate.gateway.history.History;
import io.svcgate.gateway.state.HistoryLog;
import io.svcgate.jmx.EventHistorySource;
import io.svcgate.jmx.EventItem;
import io.svcgate.state.Event;
import io.svcgate.state.Json;
import io.svcgate.state.history.EventQuery;
import io.svcgate.state.history.HistoryGoneException;
import io.svcgate.state.history.HistoryReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The EventHistory bean's source: reads the history directly (it supports readers on
 * any thread), pages as {@code GET /api/events} makes them.
 */
final class HistoryView implements EventHistorySource {

  /** The largest page, as over HTTP. */
  static final int MAX_LIMIT = 10_000;

  private final History history;
  private final HistoryLog log;
  private final long capacity;
  private final Duration retention;

  HistoryView(History history, long capacity, Duration retention) {
    this.history = history;
    this.log = new HistoryLog(history);
    this.capacity = capacity;
    this.retention = retention;
  }

  @Override
  public long size() {
    return history.size();
  }

  @Override
  public long capacity() {
    return capacity;
  }

  @Override
  public long oldestId() {
    return history.oldestId();
  }

  @Override
  public long lastId() {
    return history.lastId();
  }

  @Override
  public Duration retention() {
    return retention;
  }

  private HistoryReader.Page page(long after, int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
    }
    try {
      return HistoryReader.DEFAULT.read(log, after, limit, EventQuery.ALL);
    } catch (HistoryGoneException e) {
      throw new IllegalArgumentException("events after " + after + " are gone: the oldest event kept is "
          + e.oldest() + " (last " + e.last() + ")");
    }
  }

  @Override
  public List<EventItem> eventsAfter(long after, int limit) {
    List<EventItem> out = new ArrayList<>();
    for (Event e : page(after, limit).events()) {
      out.add(new EventItem(e.id(), e.ts(), e.nodename(), e.kind(), e.eventId(), e.jsonString()));
    }
    return out;
  }

  @Override
  public String eventsAfterJson(long after, int limit) {
    HistoryReader.Page p = page(after, limit);
    StringBuilder sb = new StringBuilder(256 + p.events().size() * 256);
    sb.append("{\"epoch\":").append(Json.compact(Json.NODES.textNode(history.epoch())));
    sb.append(",\"oldest\":").append(p.oldest()).append(",\"last\":").append(p.last()).append(",\"events\":[");
    for (int i = 0; i < p.events().size(); i++) {
      sb.append(i > 0 ? "," : "").append(p.events().get(i).jsonString());
    }
    return sb.append("],\"next\":").append(p.next()).append('}').toString();
  }
}
