package io.svcgate.gateway.state;

import io.svcgate.gateway.history.History;
import io.svcgate.state.Event;
import io.svcgate.state.history.EventLog;
import java.util.List;

/**
 * The read side of the gateway's {@link History} as an {@link EventLog}, for
 * readers that work on any log (history pages, stream replay). Only durable events
 * are visible. Writing goes through {@link History#append}, never through here.
 */
public final class HistoryLog implements EventLog {

  private final History history;

  public HistoryLog(History history) {
    this.history = history;
  }

  public History history() {
    return history;
  }

  @Override
  public String epoch() {
    return history.epoch();
  }

  @Override
  public long lastId() {
    return history.lastId();
  }

  @Override
  public long oldestId() {
    return history.oldestId();
  }

  @Override
  public long size() {
    return history.size();
  }

  @Override
  public void append(List<Event> events) {
    throw new UnsupportedOperationException("append through History.append, which makes events durable");
  }

  @Override
  public List<Event> readAfter(long after, int limit) {
    return history.readAfter(after, limit);
  }

  @Override
  public List<Event> readAfter(long after, int limit, long maxBytes) {
    return history.readAfter(after, limit, maxBytes);
  }

  @Override
  public long retain(long maxEvents, long minTsMicros) {
    throw new UnsupportedOperationException("retention runs inside History");
  }

  @Override
  public void close() {
    // The gateway closes the History itself.
  }
}
