package io.svcgate.gateway.http;

import io.svcgate.gateway.Addresses;
import io.svcgate.gateway.metrics.GatewayMetrics;
import io.svcgate.gateway.state.StatusReply;
import io.svcgate.state.history.EventLog;
import io.svcgate.state.history.EventQuery;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/events/stream}: checks the request, opens a
 * {@link StreamConnection} and subscribes it to the verticle's {@link EventFeed}.
 */
final class StreamHandler {

  private final Vertx vertx;
  private final HttpOptions options;
  private final EventLog log;
  private final EventFeed feed;
  private final FrameCache frames;
  private final GatewayMetrics metrics;
  private final StateRequests state;

  StreamHandler(Vertx vertx, HttpOptions options, EventLog log, EventFeed feed, FrameCache frames,
                GatewayMetrics metrics, StateRequests state) {
    this.vertx = vertx;
    this.options = options;
    this.log = log;
    this.feed = feed;
    this.frames = frames;
    this.metrics = metrics;
    this.state = state;
  }

  void stream(RoutingContext rc) {
    String accept = rc.request().getHeader(HttpHeaders.ACCEPT);
    String fmt = rc.request().getParam("format");
    StreamFormat format;
    if ("ndjson".equals(fmt) || (fmt == null && accept != null && accept.contains("application/x-ndjson"))) {
      format = StreamFormat.NDJSON;
    } else if (fmt == null || "sse".equals(fmt)) {
      format = StreamFormat.SSE;
    } else {
      throw new HttpError(400, "format must be sse or ndjson, got '" + fmt + "'");
    }
    String afterParam = rc.request().getParam("after");
    if (afterParam == null) {
      afterParam = rc.request().getHeader("Last-Event-ID");
    }
    long after = Params.checkAfter(rc, afterParam, log, feed.lastId());
    boolean full = "true".equalsIgnoreCase(rc.request().getParam("full"));
    String l = rc.request().getParam("limit");
    int limit = l == null ? 0 : (int) Math.min(Integer.MAX_VALUE, Params.parseLong("limit", l, 1));
    EventQuery q = Params.query(rc);
    if (feed.size() >= options.maxSubscribers()) {
      throw new HttpError(503, "too many subscribers (" + options.maxSubscribers() + ")");
    }
    Runnable slot = options.clients().acquire(rc, ClientLimits.Kind.STREAM);
    rc.addEndHandler(ar -> slot.run());
    HttpServerResponse resp = rc.response();
    resp.setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, format.contentType)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache").putHeader("X-Svcgate-Epoch", log.epoch())
        .putHeader("X-Accel-Buffering", "no");
    if (full) {
      state.request(Addresses.STATUS, "", 10_000).onComplete(ar -> {
        if (ar.failed()) {
          Errors.fail(rc, ar.cause());
          return;
        }
        StatusReply r = (StatusReply) ar.result();
        Buffer json = Buffer.buffer().appendString("{\"id\":" + r.id() + ",\"kind\":\"full\",\"data\":")
            .appendBytes(r.json()).appendString("}");
        StreamConnection c = open(rc, format, q, limit, r.id());
        resp.putHeader("X-Svcgate-Id", Long.toString(r.id()));
        c.writeRaw(format.frame(r.id(), "full", json.getBytes()));
        subscribe(rc, c, format, r.id());
      });
      return;
    }
    long start = after >= 0 ? after : feed.lastId();
    StreamConnection c = open(rc, format, q, limit, start);
    // The id the stream starts after: a client that came "from now" has its cursor at once.
    resp.putHeader("X-Svcgate-Id", Long.toString(start));
    resp.writeHead();
    subscribe(rc, c, format, after);
  }

  private StreamConnection open(RoutingContext rc, StreamFormat format, EventQuery q, int limit, long start) {
    return new StreamConnection(vertx, rc.response(), format, q, frames, metrics, options.streamEvents(),
        options.streamBytes(), options.bookmark().toMillis(), options.streamStall().toMillis(), limit, start);
  }

  private void subscribe(RoutingContext rc, StreamConnection c, StreamFormat format, long after) {
    metrics.subscribers(format.label, 1);
    Runnable unsubscribe = feed.subscribe(c, after);
    boolean[] counted = {true};
    Runnable cleanup = () -> {
      unsubscribe.run();
      if (counted[0]) {
        counted[0] = false;
        metrics.subscribers(format.label, -1);
      }
    };
    c.onEnd(cleanup);
    // Per request: the context's end handlers run when this response ends or fails (the
    // connection closed or, in HTTP/2, this stream reset); the connection's one
    // close-handler slot is not this request's.
    rc.addEndHandler(ar -> c.closed());
    c.start();
  }
}
