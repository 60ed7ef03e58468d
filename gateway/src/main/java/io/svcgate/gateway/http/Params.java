package io.svcgate.gateway.http;

import io.svcgate.state.history.EventLog;
import io.svcgate.state.history.EventQuery;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Query parameters shared by history pages, streams and waits; each bad one is a 400 or 410. */
final class Params {

  private Params() {
  }

  /**
   * The {@code after} cursor checked against the history (docs/api.md): an unknown
   * epoch in {@code X-Svcgate-Epoch} or an id older than the oldest kept is 410, an id
   * beyond {@code lastId} is 400. Returns -1 when {@code after} is null.
   */
  static long checkAfter(RoutingContext rc, String after, EventLog log, long lastId) {
    String epoch = rc.request().getHeader("X-Svcgate-Epoch");
    if (epoch != null && !epoch.equals(log.epoch())) {
      throw new HttpError(410, "unknown epoch " + epoch + ": the history was wiped, the current epoch is " + log.epoch(),
          new JsonObject().put("epoch", log.epoch()).put("oldest", log.oldestId()).put("last", log.lastId()));
    }
    if (after == null) {
      return -1;
    }
    long a = parseLong("after", after, 0);
    if (a > lastId) {
      throw new HttpError(400, "after=" + a + " is beyond the last event id " + lastId);
    }
    long oldest = log.oldestId();
    if (a < oldest - 1) {
      throw gone(a, oldest, lastId);
    }
    return a;
  }

  static HttpError gone(long after, long oldest, long last) {
    return new HttpError(410, "events after " + after + " are gone: the oldest event kept is " + oldest,
        new JsonObject().put("oldest", oldest).put("last", last));
  }

  static long parseLong(String name, String v, long min) {
    try {
      long l = Long.parseLong(v.trim());
      if (l < min) {
        throw new HttpError(400, name + " must be at least " + min + ", got " + v);
      }
      return l;
    } catch (NumberFormatException e) {
      throw new HttpError(400, name + " must be a whole number, got '" + v + "'");
    }
  }

  /** The history and stream filters (kind, nodename, eventid, path, filter). */
  static EventQuery query(RoutingContext rc) {
    try {
      return EventQuery.parse(params(rc.queryParams()));
    } catch (IllegalArgumentException e) {
      throw new HttpError(400, e.getMessage());
    }
  }

  private static Map<String, List<String>> params(MultiMap m) {
    Map<String, List<String>> out = new HashMap<>();
    for (String name : m.names()) {
      out.put(name, m.getAll(name));
    }
    return out;
  }
}
