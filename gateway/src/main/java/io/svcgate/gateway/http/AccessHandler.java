package io.svcgate.gateway.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * The access check in front of every route (docs/security.md): without tokens
 * everything passes; with tokens a request needs {@code Authorization: Bearer T}
 * whose role allows its method and path ({@code read}: GET, {@code ingest}: the two
 * ingest POSTs, {@code admin}: everything). {@code /health} and {@code /metrics} may
 * be left open by configuration.
 */
final class AccessHandler implements Handler<RoutingContext> {

  private final HttpOptions options;

  AccessHandler(HttpOptions options) {
    this.options = options;
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
      Errors.send(rc, 401, "missing bearer token (Authorization: Bearer <token>)", null);
      return;
    }
    String role = options.tokens().get(auth.substring(7).trim());
    if (role == null) {
      rc.response().putHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      Errors.send(rc, 401, "invalid token", null);
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
}
