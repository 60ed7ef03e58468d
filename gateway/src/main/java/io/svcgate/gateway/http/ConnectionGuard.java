package io.svcgate.gateway.http;

import io.svcgate.gateway.metrics.GatewayMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Time limits on connections, so that a slow or silent client cannot hold one open
 * (docs/security.md):
 * <ul>
 *   <li>a connection with no request in progress is closed {@code idleMs} after it
 *       is handed to the server or after its last request ended: a silent or idle
 *       keep-alive connection, and a request head sent a line at a time (the head is
 *       not a request in progress until it is complete). Without h2c (the default),
 *       Vert.x hands a plain connection over at its accept, so the first head is timed
 *       too; with h2c, only once that head is complete (docs/security.md);</li>
 *   <li>a request whose body is not complete {@code requestMs} after its head is
 *       answered 408 and its connection closed.</li>
 * </ul>
 * A stream or a wait is a request in progress: it is never cut by these. One guard
 * per HTTP verticle, confined to its event loop (a server started by a verticle
 * handles its connections on that verticle's context).
 *
 * <p>The deadlines are checked by one periodic sweep of the connections, every
 * {@link #sweepMs} (a second, or a quarter of the shorter limit when that is under 4 s),
 * so a limit takes effect between its time and that much later. A request costs two
 * field writes and no timer: setting and cancelling the idle and body timers of
 * each request took 6 % of the HTTP event loop under HTTP ingest
 * (docs/benchmarks.md, P3).
 */
final class ConnectionGuard {

  private final Vertx vertx;
  private final long idleMs;
  private final long requestMs;
  private final long sweepMs;
  private final GatewayMetrics metrics;
  private final Map<HttpConnection, State> connections = new IdentityHashMap<>();
  private long sweeper = -1;

  private static final class State {
    int inFlight;
    /** When the connection last had no request in progress (ms, monotonic). */
    long idleSince;
    /** Requests whose body was not complete at their head, with their deadlines; null when none. */
    List<PendingBody> bodies;
  }

  private record PendingBody(HttpServerRequest request, long deadline) {
  }

  ConnectionGuard(Vertx vertx, long idleMs, long requestMs, GatewayMetrics metrics) {
    this.vertx = vertx;
    this.idleMs = idleMs;
    this.requestMs = requestMs;
    this.sweepMs = Math.max(10, Math.min(1000, Math.min(idleMs, requestMs) / 4));
    this.metrics = metrics;
  }

  /** The server's connection handler. */
  void connected(HttpConnection c) {
    State s = new State();
    s.idleSince = now();
    // No close handler: the connection's one slot is not ours to take. A closed
    // connection's state goes at the first sweep that finds it idle past the limit
    // (closing it again is harmless).
    connections.put(c, s);
    if (sweeper < 0) {
      sweeper = vertx.setPeriodic(sweepMs, t -> sweep());
    }
  }

  /** The first handler of the router: a request whose head is complete is in progress until its context ends. */
  void started(RoutingContext rc) {
    HttpServerRequest req = rc.request();
    State s = connections.get(req.connection());
    if (s == null) {
      rc.next();
      return;
    }
    s.inFlight++;
    boolean hasBody = req.headers().contains(HttpHeaders.CONTENT_LENGTH) && !"0".equals(req.getHeader(HttpHeaders.CONTENT_LENGTH))
        || req.headers().contains(HttpHeaders.TRANSFER_ENCODING);
    PendingBody body = !hasBody || req.isEnded() ? null : new PendingBody(req, now() + requestMs);
    if (body != null) {
      if (s.bodies == null) {
        s.bodies = new ArrayList<>(1);
      }
      s.bodies.add(body);
    }
    rc.addEndHandler(ar -> {
      if (body != null && s.bodies != null) {
        s.bodies.remove(body);
      }
      s.inFlight--;
      if (s.inFlight == 0) {
        s.idleSince = now();
      }
    });
    rc.next();
  }

  /** Closes the connections idle past the limit, and answers 408 to the bodies late past theirs. */
  private void sweep() {
    long now = now();
    List<HttpConnection> idle = new ArrayList<>();
    List<PendingBody> late = new ArrayList<>();
    for (Map.Entry<HttpConnection, State> e : connections.entrySet()) {
      State s = e.getValue();
      if (s.inFlight == 0) {
        if (now - s.idleSince >= idleMs) {
          idle.add(e.getKey());
        }
      } else if (s.bodies != null) {
        for (Iterator<PendingBody> it = s.bodies.iterator(); it.hasNext(); ) {
          PendingBody b = it.next();
          if (b.request().isEnded() || b.request().response().headWritten()) {
            it.remove(); // complete in time, or already answered
          } else if (now >= b.deadline()) {
            it.remove();
            late.add(b);
          }
        }
      }
    }
    // acted on after the walk: closing a connection runs its requests' end handlers
    for (HttpConnection c : idle) {
      connections.remove(c);
      c.close();
    }
    for (PendingBody b : late) {
      metrics.httpRefused("timeout");
      HttpConnection c = b.request().connection();
      b.request().response().setStatusCode(408).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .putHeader(HttpHeaders.CONNECTION, "close")
          .end(new JsonObject().put("error", "request body not complete within " + requestMs + " ms (http.request-timeout)")
              .put("status", 408).encode())
          .onComplete(x -> c.close());
    }
    if (connections.isEmpty()) {
      vertx.cancelTimer(sweeper);
      sweeper = -1;
    }
  }

  private static long now() {
    return System.nanoTime() / 1_000_000;
  }
}
