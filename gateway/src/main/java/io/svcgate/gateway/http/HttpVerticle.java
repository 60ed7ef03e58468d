package io.svcgate.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.svcgate.gateway.Addresses;
import io.svcgate.gateway.bus.LocalCodec;
import io.svcgate.gateway.metrics.GatewayMetrics;
import io.svcgate.gateway.metrics.RejectionLog;
import io.svcgate.gateway.metrics.RejectionLog;
import io.svcgate.gateway.state.ApplyReply;
import io.svcgate.gateway.state.HistoryLog;
import io.svcgate.gateway.state.StatusReply;
import io.svcgate.gateway.state.WaitRequest;
import io.svcgate.gateway.state.WaitResult;
import io.svcgate.state.HeartbeatMessage;
import io.svcgate.state.InvalidMessageException;
import io.svcgate.state.Json;
import io.svcgate.state.filter.Condition;
import io.svcgate.state.filter.Durations;
import io.svcgate.state.history.EventLog;
import io.svcgate.state.history.EventQuery;
import io.svcgate.state.history.HistoryGoneException;
import io.svcgate.state.history.HistoryReader;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API of http-api.md. May be deployed with several instances; each owns
 * its {@link EventFeed} and its streams. State reads and writes go to the state
 * verticle over the event bus; history pages are read on a worker.
 */
public final class HttpVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);
  private static final String JSON = "application/json";
  private static final int MAX_LIMIT = 10_000;

  private final HttpOptions options;
  private final EventLog log;
  private final GatewayMetrics metrics;
  private final BooleanSupplier ready;
  private final Supplier<String> scrape;
  private final FrameCache frames = new FrameCache();
  private EventFeed feed;
  private HttpServer server;
  private Router router;
  private volatile boolean stopping;

  public HttpVerticle(HttpOptions options, EventLog log, GatewayMetrics metrics, BooleanSupplier ready,
                      Supplier<String> scrape) {
    this.options = options;
    this.log = log;
    this.metrics = metrics;
    this.ready = ready;
    this.scrape = scrape;
  }

  /** The port actually bound. */
  public int actualPort() {
    return server.actualPort();
  }

  /**
   * The routes this verticle serves, in the router's order (the access check and
   * the not-found fallback have no path). Read by the test that holds openapi.yaml
   * to the real API.
   */
  public List<Route> routes() {
    return router.getRoutes();
  }

  @Override
  public Future<?> start() {
    feed = new EventFeed(vertx, context, log, options.streamEvents());
    router = Router.router(vertx);
    router.route().handler(this::authenticate);
    router.get("/health").handler(this::health);
    router.get("/metrics").handler(this::metrics);
    router.get("/openapi.yaml").handler(rc -> resource(rc, "/openapi.yaml", "application/yaml"));
    router.get("/api/events/catalogue").handler(rc -> resource(rc, "/catalogue.json", JSON));
    router.get("/api/daemon/status").handler(this::status);
    router.get("/api/nodes").handler(this::nodes);
    router.get("/api/events/stream").handler(this::stream);
    router.get("/api/events").handler(this::history);
    router.get("/api/wait").handler(this::waitFor);
    BodyHandler body = BodyHandler.create(false).setBodyLimit(options.maxBody());
    router.post("/api/heartbeats").handler(body).handler(this::heartbeats);
    router.post("/api/events").handler(body).handler(this::postEvent);
    router.post("/api/nodes/:nodename/ask-full").handler(this::askFull);
    router.delete("/api/nodes/:nodename").handler(this::forget);
    router.route().last().handler(rc -> {
      throw new HttpError(404, "no such resource: " + rc.request().method() + " " + rc.request().path());
    });
    router.errorHandler(404, rc -> sendError(rc, 404, "no such resource: " + rc.request().path(), null));
    router.errorHandler(405, rc -> sendError(rc, 405, "method " + rc.request().method() + " not allowed on " + rc.request().path(), null));
    router.errorHandler(413, rc -> sendError(rc, 413, "request body larger than " + options.maxBody() + " bytes", null));
    router.errorHandler(500, this::failure);
    router.errorHandler(400, this::failure);

    HttpServerOptions so = new HttpServerOptions().setHost(options.host()).setPort(options.port())
        .setCompressionSupported(false).setTcpNoDelay(true);
    if (options.tlsCert() != null && options.tlsKey() != null) {
      so.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(options.tlsCert()).setKeyPath(options.tlsKey()));
    }
    return feed.start()
        .compose(v -> vertx.createHttpServer(so).requestHandler(router).listen())
        .onSuccess(s -> server = s);
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    Future<Void> f = feed.stop();
    return server == null ? f : f.compose(v -> server.close());
  }

  // --- access -------------------------------------------------------------

  private void authenticate(RoutingContext rc) {
    if (options.tokens().isEmpty()) {
      rc.next();
      return;
    }
    String path = rc.request().path();
    if ((options.openHealth() && path.equals("/health")) || (options.openMetrics() && path.equals("/metrics"))) {
      rc.next();
      return;
    }
    String auth = rc.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      rc.response().putHeader("WWW-Authenticate", "Bearer");
      sendError(rc, 401, "missing bearer token (Authorization: Bearer <token>)", null);
      return;
    }
    String role = options.tokens().get(auth.substring(7).trim());
    if (role == null) {
      rc.response().putHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      sendError(rc, 401, "invalid token", null);
      return;
    }
    HttpMethod m = rc.request().method();
    boolean ingestPath = m == HttpMethod.POST && (path.equals("/api/heartbeats") || path.equals("/api/events"));
    boolean allowed = switch (role) {
      case "admin" -> true;
      case "ingest" -> ingestPath;
      case "read" -> m == HttpMethod.GET || m == HttpMethod.HEAD;
      default -> false;
    };
    if (!allowed) {
      sendError(rc, 403, "the token's role '" + role + "' may not " + m + " " + path, null);
      return;
    }
    rc.next();
  }

  // --- reads --------------------------------------------------------------

  private void health(RoutingContext rc) {
    boolean up = ready.getAsBoolean() && !stopping;
    JsonObject h = new JsonObject().put("status", up ? "UP" : "DOWN").put("last_id", feed.lastId())
        .put("epoch", log.epoch());
    rc.response().setStatusCode(up ? 200 : 503).putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(h.encode());
  }

  private void metrics(RoutingContext rc) {
    vertx.executeBlocking(scrape::get, false).onComplete(ar -> {
      if (ar.failed()) {
        rc.fail(ar.cause());
        return;
      }
      rc.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8").end(ar.result());
    });
  }

  private void resource(RoutingContext rc, String name, String type) {
    try (InputStream in = HttpVerticle.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new HttpError(404, "no such resource: " + rc.request().path());
      }
      rc.response().putHeader(HttpHeaders.CONTENT_TYPE, type).end(Buffer.buffer(in.readAllBytes()));
    } catch (IOException e) {
      rc.fail(e);
    }
  }

  private void status(RoutingContext rc) {
    String filter = rc.request().getParam("filter");
    request(Addresses.STATUS, filter == null ? "" : filter, 10_000).onComplete(ar -> {
      if (ar.failed()) {
        fail(rc, ar.cause());
        return;
      }
      StatusReply r = (StatusReply) ar.result();
      rc.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON).putHeader("X-Svcgate-Id", Long.toString(r.id()))
          .putHeader("X-Svcgate-Epoch", log.epoch()).end(Buffer.buffer(r.json()));
    });
  }

  private void nodes(RoutingContext rc) {
    request(Addresses.NODES, "", 10_000).onComplete(ar -> {
      if (ar.failed()) {
        fail(rc, ar.cause());
        return;
      }
      rc.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON).end((Buffer) ar.result());
    });
  }

  private Future<Object> request(String address, Object body, long timeoutMs) {
    DeliveryOptions o = new DeliveryOptions().setSendTimeout(timeoutMs);
    if (!(body instanceof String)) {
      o.setCodecName(LocalCodec.nameOf(body.getClass()));
    }
    return vertx.eventBus().request(address, body, o).map(m -> m.body());
  }

  private long checkAfter(RoutingContext rc, String after) {
    String epoch = rc.request().getHeader("X-Svcgate-Epoch");
    if (epoch != null && !epoch.equals(log.epoch())) {
      throw new HttpError(410, "unknown epoch " + epoch + ": the history was wiped, the current epoch is " + log.epoch(),
          new JsonObject().put("epoch", log.epoch()).put("oldest", log.oldestId()).put("last", log.lastId()));
    }
    if (after == null) {
      return -1;
    }
    long a = parseLong("after", after, 0);
    long last = feed.lastId();
    if (a > last) {
      throw new HttpError(400, "after=" + a + " is beyond the last event id " + last);
    }
    long oldest = log.oldestId();
    if (a < oldest - 1) {
      throw gone(a, oldest, last);
    }
    return a;
  }

  private static HttpError gone(long after, long oldest, long last) {
    return new HttpError(410, "events after " + after + " are gone: the oldest event kept is " + oldest,
        new JsonObject().put("oldest", oldest).put("last", last));
  }

  private static long parseLong(String name, String v, long min) {
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

  private static Map<String, List<String>> params(MultiMap m) {
    Map<String, List<String>> out = new HashMap<>();
    for (String name : m.names()) {
      out.put(name, m.getAll(name));
    }
    return out;
  }

  private EventQuery query(RoutingContext rc) {
    try {
      return EventQuery.parse(params(rc.queryParams()));
    } catch (IllegalArgumentException e) {
      throw new HttpError(400, e.getMessage());
    }
  }

  private void history(RoutingContext rc) {
    long after = Math.max(0, checkAfter(rc, rc.request().getParam("after", "0")));
    String l = rc.request().getParam("limit");
    long limit = l == null ? 1000 : parseLong("limit", l, 1);
    if (limit > MAX_LIMIT) {
      throw new HttpError(400, "limit must be at most " + MAX_LIMIT + ", got " + limit);
    }
    EventQuery q = query(rc);
    vertx.executeBlocking(() -> page(after, (int) limit, q), false).onComplete(ar -> {
      if (ar.failed()) {
        if (ar.cause() instanceof HistoryGoneException g) {
          fail(rc, gone(after, g.oldest(), g.last()));
        } else {
          fail(rc, ar.cause());
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
  private RawPage page(long after, int limit, EventQuery q) {
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

  // --- streams ------------------------------------------------------------

  private void stream(RoutingContext rc) {
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
    long after = checkAfter(rc, afterParam);
    boolean full = "true".equalsIgnoreCase(rc.request().getParam("full"));
    String l = rc.request().getParam("limit");
    int limit = l == null ? 0 : (int) Math.min(Integer.MAX_VALUE, parseLong("limit", l, 1));
    EventQuery q = query(rc);
    if (feed.size() >= options.maxSubscribers()) {
      throw new HttpError(503, "too many subscribers (" + options.maxSubscribers() + ")");
    }
    HttpServerResponse resp = rc.response();
    resp.setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, format.contentType)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache").putHeader("X-Svcgate-Epoch", log.epoch())
        .putHeader("X-Accel-Buffering", "no");
    if (full) {
      request(Addresses.STATUS, "", 10_000).onComplete(ar -> {
        if (ar.failed()) {
          fail(rc, ar.cause());
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
        options.streamBytes(), options.bookmark().toMillis(), limit, start);
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
    rc.request().connection().closeHandler(v -> c.closed());
    rc.response().closeHandler(v -> c.closed());
    c.start();
  }

  // --- waits --------------------------------------------------------------

  private void waitFor(RoutingContext rc) {
    List<String> filters = rc.queryParams().getAll("filter");
    if (filters.isEmpty()) {
      throw new HttpError(400, "filter is required: a condition such as monitor.nodes.n1.frozen=0");
    }
    List<Condition> conditions = new ArrayList<>();
    for (String f : filters) {
      try {
        conditions.add(Condition.parse(f));
      } catch (IllegalArgumentException e) {
        throw new HttpError(400, "bad condition '" + f + "': " + e.getMessage());
      }
    }
    String d = rc.request().getParam("duration");
    long max = options.waitMax().toMillis();
    long ms;
    try {
      ms = d == null ? max : Math.min(max, Durations.parse(d).toMillis());
    } catch (IllegalArgumentException e) {
      throw new HttpError(400, "bad duration '" + d + "': " + e.getMessage());
    }
    String on = rc.request().getParam("on", "state");
    long startNanos = System.nanoTime();
    if ("events".equals(on)) {
      long after = checkAfter(rc, rc.request().getParam("after"));
      waitForEvents(rc, conditions, after, ms, startNanos);
      return;
    }
    if (!"state".equals(on)) {
      throw new HttpError(400, "on must be state or events, got '" + on + "'");
    }
    if (conditions.size() > 1) {
      throw new HttpError(400, "a wait on the state takes one filter; repeat filter= only with on=events");
    }
    String wid = UUID.randomUUID().toString();
    rc.request().connection().closeHandler(v -> vertx.eventBus().send(Addresses.WAIT_CANCEL, wid));
    request(Addresses.WAIT, new WaitRequest(wid, conditions.get(0), ms), ms + 10_000).onComplete(ar -> {
      if (ar.failed()) {
        fail(rc, ar.cause());
        return;
      }
      if (!rc.response().closed()) {
        rc.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(((WaitResult) ar.result()).toJson().encode());
      }
    });
  }

  private void waitForEvents(RoutingContext rc, List<Condition> conditions, long after, long ms, long startNanos) {
    if (feed.size() >= options.maxSubscribers()) {
      throw new HttpError(503, "too many subscribers (" + options.maxSubscribers() + ")");
    }
    long[] timer = {-1};
    Runnable[] unsubscribe = {() -> { }};
    EventWaiter waiter = new EventWaiter(conditions, after >= 0 ? after : feed.lastId(), (satisfied, id) -> {
      if (timer[0] >= 0) {
        vertx.cancelTimer(timer[0]);
      }
      unsubscribe[0].run();
      metrics.waiters(-1);
      long nanos = System.nanoTime() - startNanos;
      metrics.waitFinished(satisfied, nanos);
      if (!rc.response().closed()) {
        rc.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON)
            .end(new WaitResult(satisfied, nanos / 1e9, id).toJson().encode());
      }
    });
    metrics.waiters(1);
    unsubscribe[0] = feed.subscribe(waiter, after);
    if (!waiter.finished()) {
      timer[0] = vertx.setTimer(Math.max(1, ms), t -> {
        timer[0] = -1;
        waiter.timeout(feed.lastId());
      });
      rc.request().connection().closeHandler(v -> waiter.end("client gone"));
    }
  }

  // --- writes -------------------------------------------------------------

  private void heartbeats(RoutingContext rc) {
    JsonNode body = parseBody(rc);
    List<HeartbeatMessage> msgs = new ArrayList<>();
    List<JsonNode> items = new ArrayList<>();
    if (body.isArray()) {
      body.forEach(items::add);
      if (items.isEmpty()) {
        throw new HttpError(400, "an empty list of messages");
      }
      if (items.size() > options.limits().maxBatch()) {
        metrics.heartbeatRejected("too_large");
        throw new HttpError(413, "a batch of " + items.size() + " messages, at most " + options.limits().maxBatch()
            + " are accepted at once (ingest.max-batch): send smaller arrays", new JsonObject().put("reason", "too_large"));
      }
    } else {
      items.add(body);
    }
    for (int i = 0; i < items.size(); i++) {
      try {
        msgs.add(HeartbeatMessage.parse(items.get(i), options.limits()));
      } catch (InvalidMessageException e) {
        metrics.heartbeatRejected(e.reason());
        RejectionLog.log(e.reason(), items.get(i).path("nodename").asText(null), e.getMessage());
        String where = items.size() > 1 ? "message " + i + ": " : "";
        throw new HttpError(e.httpStatus(), where + e.getMessage(), new JsonObject().put("reason", e.reason()));
      }
    }
    applyAll(rc, msgs, 0, 0);
  }

  private void applyAll(RoutingContext rc, List<HeartbeatMessage> msgs, int i, long lastId) {
    if (i == msgs.size()) {
      rc.response().setStatusCode(202).putHeader(HttpHeaders.CONTENT_TYPE, JSON)
          .end(new JsonObject().put("accepted", msgs.size()).put("id", lastId).encode());
      return;
    }
    request(Addresses.APPLY, msgs.get(i), 30_000).onComplete(ar -> {
      if (ar.failed()) {
        fail(rc, ar.cause());
        return;
      }
      ApplyReply r = (ApplyReply) ar.result();
      if (!r.accepted()) {
        JsonObject extra = new JsonObject().put("nodename", r.nodename()).put("merged", r.merged())
            .put("accepted", i).put("id", r.id());
        if (r.status() == 503) {
          rc.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
        }
        sendError(rc, r.status(), r.error(), extra);
        return;
      }
      applyAll(rc, msgs, i + 1, r.id());
    });
  }

  private void postEvent(RoutingContext rc) {
    JsonNode body = parseBody(rc);
    HeartbeatMessage m;
    try {
      m = HeartbeatMessage.parse(body, options.limits());
    } catch (InvalidMessageException e) {
      metrics.heartbeatRejected(e.reason());
      RejectionLog.log(e.reason(), body.path("nodename").asText(null), e.getMessage());
      throw new HttpError(e.httpStatus(), e.getMessage(), new JsonObject().put("reason", e.reason()));
    }
    if (!(m instanceof HeartbeatMessage.NodeEvent)) {
      throw new HttpError(400, "POST /api/events takes a node event message (kind \"event\"), got kind \"" + m.kind() + "\"");
    }
    request(Addresses.APPLY, m, 30_000).onComplete(ar -> {
      if (ar.failed()) {
        fail(rc, ar.cause());
        return;
      }
      ApplyReply r = (ApplyReply) ar.result();
      if (!r.accepted()) {
        sendError(rc, r.status(), r.error(), new JsonObject().put("nodename", r.nodename()));
        return;
      }
      rc.response().setStatusCode(202).putHeader(HttpHeaders.CONTENT_TYPE, JSON)
          .end(new JsonObject().put("id", r.id()).encode());
    });
  }

  private static JsonNode parseBody(RoutingContext rc) {
    Buffer b = rc.body().buffer();
    if (b == null || b.length() == 0) {
      throw new HttpError(400, "empty body: expected a JSON heartbeat message");
    }
    try {
      return Json.parse(b.getBytes());
    } catch (IOException e) {
      String msg = e.getMessage() == null ? "" : e.getMessage().split("\n")[0];
      throw new HttpError(400, "body is not valid JSON: " + msg, new JsonObject().put("reason", "not_json"));
    }
  }

  private void askFull(RoutingContext rc) {
    String node = rc.pathParam("nodename");
    request(Addresses.ASK_FULL, node, 10_000).onComplete(ar -> {
      if (ar.failed()) {
        fail(rc, ar.cause());
        return;
      }
      rc.response().setStatusCode(202).putHeader(HttpHeaders.CONTENT_TYPE, JSON)
          .end(new JsonObject().put("nodename", node).put("needs_full", true).encode());
    });
  }

  private void forget(RoutingContext rc) {
    String node = rc.pathParam("nodename");
    request(Addresses.FORGET, node, 30_000).onComplete(ar -> {
      if (ar.failed()) {
        fail(rc, ar.cause());
        return;
      }
      rc.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON)
          .end(new JsonObject().put("id", ar.result()).encode());
    });
  }

  // --- errors -------------------------------------------------------------

  private void fail(RoutingContext rc, Throwable t) {
    if (rc.response().ended() || rc.response().closed()) {
      return;
    }
    if (rc.response().headWritten()) {
      rc.response().end();
      return;
    }
    if (t instanceof HttpError e) {
      sendError(rc, e.status, e.getMessage(), e.extra);
    } else if (t instanceof ReplyException r) {
      int code = switch (r.failureType()) {
        case RECIPIENT_FAILURE -> r.failureCode() >= 400 && r.failureCode() < 600 ? r.failureCode() : 500;
        case TIMEOUT, NO_HANDLERS -> 503;
        default -> 500;
      };
      sendError(rc, code, code == 503 && r.failureType() != io.vertx.core.eventbus.ReplyFailure.RECIPIENT_FAILURE
          ? "the gateway is not ready (" + r.getMessage() + ")" : r.getMessage(), null);
    } else {
      LOG.error("{} {} failed", rc.request().method(), rc.request().path(), t);
      sendError(rc, 500, "internal error: " + t.getClass().getSimpleName()
          + (t.getMessage() == null ? "" : ": " + t.getMessage()), null);
    }
  }

  private void failure(RoutingContext rc) {
    Throwable t = rc.failure();
    if (t == null) {
      sendError(rc, rc.statusCode(), rc.statusCode() == 400 ? "bad request" : "internal error", null);
    } else {
      fail(rc, t);
    }
  }

  private static void sendError(RoutingContext rc, int status, String message, JsonObject extra) {
    HttpServerResponse r = rc.response();
    if (r.ended() || r.closed()) {
      return;
    }
    JsonObject o = new JsonObject().put("error", message == null ? "error" : message).put("status", status);
    if (extra != null) {
      extra.forEach(e -> o.put(e.getKey(), e.getValue()));
    }
    r.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(o.encode());
  }
}
