package io.svcgate.gateway.http;

import io.svcgate.gateway.metrics.GatewayMetrics;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ConcurrentMap;

/**
 * The access check in front of every route (docs/security.md): without tokens
 * everything passes; with tokens a request needs {@code Authorization: Bearer T}
 * whose role allows its method and path ({@code read}: GET, {@code ingest}: the two
 * ingest POSTs, {@code admin}: everything). {@code /health} and {@code /metrics} may
 * be left open by configuration.
 *
 * <p>401s are counted per source address: past {@link #FREE_FAILURES} within
 * {@link #WINDOW_MS}, each further 401 to that source is held back, twice as long
 * each time up to {@link #MAX_DELAY_MS}, so guessing tokens is slow. Holding an
 * answer back is a timer, never a blocked thread.
 */
final class AccessHandler implements Handler<RoutingContext> {

  static final int FREE_FAILURES = 5;
  static final long WINDOW_MS = 60_000;
  static final long MAX_DELAY_MS = 5_000;
  private static final int MAX_SOURCES = 10_000;

  private final Vertx vertx;
  private final HttpOptions options;
  private final GatewayMetrics metrics;
  private final ConcurrentMap<String, long[]> failures;

  AccessHandler(Vertx vertx, HttpOptions options, GatewayMetrics metrics) {
    this.vertx = vertx;
    this.options = options;
    this.metrics = metrics;
    this.failures = options.clients().authFailures();
  }

  @Override
  public void handle(RoutingContext rc) {
    if (options.tokens().isEmpty()) {
      rc.next();
      return;
    }
    String path = rc.request().path();
    if ((options.openHealth() && path.equals("/health")) || (options.openMetrics() && path.equals("/metrics"))
        || WebPage.isPage(path)) {
      rc.next();
      return;
    }
    String auth = rc.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      rc.response().putHeader("WWW-Authenticate", "Bearer");
      unauthorized(rc, "missing bearer token (Authorization: Bearer <token>)");
      return;
    }
    String role = options.tokens().roleOf(auth.substring(7).trim());
    if (role == null) {
      rc.response().putHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      unauthorized(rc, "invalid token");
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
      Errors.send(rc, 403, "the token's role '" + role + "' may not " + m + " " + path, null);
      return;
    }
    rc.next();
  }

  private void unauthorized(RoutingContext rc, String message) {
    String source = rc.request().remoteAddress() == null ? "unknown" : rc.request().remoteAddress().hostAddress();
    long now = System.currentTimeMillis();
    if (failures.size() >= MAX_SOURCES) {
      failures.entrySet().removeIf(e -> now - e.getValue()[1] > WINDOW_MS);
      if (failures.size() >= MAX_SOURCES) {
        failures.clear();
      }
    }
    long[] f = failures.compute(source, (k, v) -> v == null || now - v[1] > WINDOW_MS
        ? new long[] {1, now} : new long[] {v[0] + 1, v[1]});
    long over = f[0] - FREE_FAILURES;
    if (over <= 0) {
      metrics.httpRefused("unauthorized");
      Errors.send(rc, 401, message, null);
      return;
    }
    metrics.httpRefused("unauthorized_delayed");
    long delay = Math.min(MAX_DELAY_MS, 100L << Math.min(over - 1, 10));
    vertx.setTimer(delay, t -> Errors.send(rc, 401, message, null));
  }
}
