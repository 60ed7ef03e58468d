package io.svcgate.gateway.http;

import io.svcgate.gateway.metrics.GatewayMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.IdentityHashMap;
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
 */
final class ConnectionGuard {

  private final Vertx vertx;
  private final long idleMs;
  private final long requestMs;
  private final GatewayMetrics metrics;
  private final Map<HttpConnection, State> connections = new IdentityHashMap<>();

  private static final class State {
    int inFlight;
    long timer = -1;
  }

  ConnectionGuard(Vertx vertx, long idleMs, long requestMs, GatewayMetrics metrics) {
    this.vertx = vertx;
    this.idleMs = idleMs;
    this.requestMs = requestMs;
    this.metrics = metrics;
  }

  /** The server's connection handler. */
  void connected(HttpConnection c) {
    State s = new State();
    connections.put(c, s);
    // No close handler: the connection's one slot is not ours to take. A closed
    // connection's state goes when its idle timer fires (closing it again is harmless).
    arm(c, s);
  }

  /** The first handler of the router: a request whose head is complete is in progress until its context ends. */
  void started(RoutingContext rc) {
    HttpServerRequest req = rc.request();
    HttpConnection c = req.connection();
    State s = connections.get(c);
    if (s == null) {
      rc.next();
      return;
    }
    s.inFlight++;
    if (s.timer >= 0) {
      vertx.cancelTimer(s.timer);
      s.timer = -1;
    }
    boolean hasBody = req.headers().contains(HttpHeaders.CONTENT_LENGTH) && !"0".equals(req.getHeader(HttpHeaders.CONTENT_LENGTH))
        || req.headers().contains(HttpHeaders.TRANSFER_ENCODING);
    long bodyTimer = !hasBody || req.isEnded() ? -1 : vertx.setTimer(requestMs, t -> {
      if (!req.isEnded() && !req.response().headWritten()) {
        metrics.httpRefused("timeout");
        req.response().setStatusCode(408).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .putHeader(HttpHeaders.CONNECTION, "close")
            .end(new JsonObject().put("error", "request body not complete within " + requestMs + " ms (http.request-timeout)")
                .put("status", 408).encode())
            .onComplete(x -> c.close());
      }
    });
    rc.addEndHandler(ar -> {
      if (bodyTimer >= 0) {
        vertx.cancelTimer(bodyTimer);
      }
      s.inFlight--;
      if (s.inFlight == 0 && connections.get(c) == s) {
        arm(c, s);
      }
    });
    rc.next();
  }

  private void arm(HttpConnection c, State s) {
    s.timer = vertx.setTimer(idleMs, t -> {
      s.timer = -1;
      if (s.inFlight == 0) {
        connections.remove(c);
        c.close();
      }
    });
  }
}
