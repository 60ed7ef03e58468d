package io.svcgate.gateway.http;

import static io.svcgate.gateway.http.Errors.JSON;

import io.svcgate.gateway.state.HistoryLog;
import io.svcgate.state.history.EventLog;
import io.svcgate.state.history.EventQuery;
import io.svcgate.state.history.HistoryGoneException;
import io.svcgate.state.history.HistoryReader;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/** {@code GET /api/events}: history pages, read on a worker. */
final class HistoryHandler {

  private static final int MAX_LIMIT = 10_000;

  private final Vertx vertx;
  private final EventLog log;
  private final LongSupplier lastId;

  HistoryHandler(Vertx vertx, EventLog log, LongSupplier lastId) {
    this.vertx = vertx;
    this.log = log;
    this.lastId = lastId;
  }

  void page(RoutingContext rc) {
    long after = Math.max(0, Params.checkAfter(rc, rc.request().getParam("after", "0"), log, lastId.getAsLong()));
    String l = rc.request().getParam("limit");
    long limit = l == null ? 1000 : Params.parseLong("limit", l, 1);
    if (limit > MAX_LIMIT) {
      throw new HttpError(400, "limit must be at most " + MAX_LIMIT + ", got " + limit);
    }
    EventQuery q = Params.query(rc);
    vertx.executeBlocking(() -> read(after, (int) limit, q), false).onComplete(ar -> {
      if (ar.failed()) {
        if (ar.cause() instanceof HistoryGoneException g) {
          Errors.fail(rc, Params.gone(after, g.oldest(), g.last()));
        } else {
          Errors.fail(rc, ar.cause());
        }
        return;
      }
      RawPage page = ar.result();
      Buffer out = Buffer.buffer(256 + page.events().size() * 256);
      out.appendString("{\"epoch\":").appendString(io.vertx.core.json.Json.encode(log.epoch()))
          .appendString(",\"oldest\":").appendString(Long.toString(log.oldestId()))
          .appendString(",\"last\":").appendString(Long.toString(log.lastId()))
          .appendString(",\"events\":[");
      for (int i = 0; i < page.events().size(); i++) {
        if (i > 0) {
          out.appendByte((byte) ',');
        }
        out.appendBytes(page.events().get(i));
      }
      out.appendString("],\"next\":").appendString(Long.toString(page.next())).appendString("}");
      rc.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(out);
    });
  }

  /** A history page as the envelopes' bytes, and the id to read after next. */
  private record RawPage(List<byte[]> events, long next) {
  }

  /**
   * Runs on a worker. Without a filter the page is the envelopes' bytes as the
   * history keeps them (no parse: ids after + 1 … in order); with one, the
   * {@link HistoryReader} scans and tests parsed events.
   */
  private RawPage read(long after, int limit, EventQuery q) {
    if (q.isAll() && log instanceof HistoryLog h) {
      long last = log.lastId();
      if (after > last) {
        throw new IllegalArgumentException("after " + after + " is beyond the last event id " + last);
      }
      List<byte[]> events = h.history().readRawAfter(after, limit);
      return new RawPage(events, after + events.size());
    }
    HistoryReader.Page page = HistoryReader.DEFAULT.read(log, after, limit, q);
    List<byte[]> events = new ArrayList<>(page.events().size());
    page.events().forEach(e -> events.add(e.json()));
    return new RawPage(events, page.next());
  }
}
