package io.svcgate.gateway.http;

import static io.svcgate.gateway.http.Errors.JSON;

import io.svcgate.gateway.Addresses;
import io.svcgate.gateway.metrics.GatewayMetrics;
import io.svcgate.gateway.state.WaitRequest;
import io.svcgate.gateway.state.WaitResult;
import io.svcgate.state.filter.Condition;
import io.svcgate.state.filter.Durations;
import io.svcgate.state.history.EventLog;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@code GET /api/wait}: a wait on the state goes to the state verticle's wait
 * index; a wait on events ({@code on=events}) is an {@link EventWaiter} on the
 * verticle's {@link EventFeed} with a timer.
 */
final class WaitHandler {

  private final Vertx vertx;
  private final HttpOptions options;
  private final EventLog log;
  private final EventFeed feed;
  private final GatewayMetrics metrics;
  private final StateRequests state;

  WaitHandler(Vertx vertx, HttpOptions options, EventLog log, EventFeed feed, GatewayMetrics metrics,
              StateRequests state) {
    this.vertx = vertx;
    this.options = options;
    this.log = log;
    this.feed = feed;
    this.metrics = metrics;
    this.state = state;
  }

  void waitFor(RoutingContext rc) {
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
      long after = Params.checkAfter(rc, rc.request().getParam("after"), log, feed.lastId());
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
    Runnable slot = options.clients().acquire(rc, ClientLimits.Kind.WAIT);
    // Per request, not per connection: on a keep-alive or HTTP/2 connection the
    // connection's one close-handler slot belongs to whichever request set it last.
    // The context's end handlers run when this response ends, or fails because the
    // connection closed or (HTTP/2) this request's stream was reset.
    rc.addEndHandler(ar -> {
      slot.run();
      if (ar.failed()) {
        state.send(Addresses.WAIT_CANCEL, wid);
      }
    });
    state.request(Addresses.WAIT, new WaitRequest(wid, conditions.get(0), ms), ms + 10_000).onComplete(ar -> {
      if (ar.failed()) {
        Errors.fail(rc, ar.cause());
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
    Runnable slot = options.clients().acquire(rc, ClientLimits.Kind.WAIT);
    rc.addEndHandler(ar -> slot.run());
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
      rc.addEndHandler(ar -> {
        if (ar.failed()) {
          waiter.end("client gone");
        }
      });
    }
  }
}
