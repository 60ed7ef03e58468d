package io.svcgate.gateway.http;

import io.svcgate.gateway.metrics.GatewayMetrics;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.SecurityPolicyHandler;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What keeps web pages in a user's browser away from the API (docs/security.md),
 * in front of every route, before the access check:
 * <ul>
 *   <li>a {@code Host} that is not one of the gateway's names or addresses is 403,
 *       so a DNS-rebinding page cannot read the gateway under a name it controls;</li>
 *   <li>a request with an {@code Origin} other than the gateway's own is 403 unless
 *       that origin is configured ({@code http.cors-origins}); a configured origin gets
 *       CORS headers and its preflight answered; nothing else ever gets CORS headers.</li>
 * </ul>
 * With writes taking only {@code application/json} ({@link JsonBodyHandler}), a page
 * can neither post to the gateway without a preflight nor read what it answers.
 */
final class BrowserGuard implements SecurityPolicyHandler {

  private static final String ALLOWED_HEADERS = "Authorization, Content-Type, Last-Event-ID, X-Svcgate-Epoch";
  private static final String EXPOSED_HEADERS = "X-Svcgate-Id, X-Svcgate-Epoch, Retry-After";

  private final Set<String> hosts;
  private final boolean anyHost;
  private final Set<String> origins;
  private final GatewayMetrics metrics;

  /**
   * @param allowedHosts names and addresses answered; empty or holding {@code *}: any
   * @param corsOrigins  origins allowed cross-origin
   */
  BrowserGuard(List<String> allowedHosts, List<String> corsOrigins, GatewayMetrics metrics) {
    this.hosts = allowedHosts.stream().map(BrowserGuard::normalHost).collect(Collectors.toUnmodifiableSet());
    this.anyHost = hosts.isEmpty() || hosts.contains("*");
    this.origins = corsOrigins.stream().map(o -> stripSlash(o.trim().toLowerCase(Locale.ROOT)))
        .collect(Collectors.toUnmodifiableSet());
    this.metrics = metrics;
  }

  @Override
  public void handle(RoutingContext rc) {
    HostAndPort authority = rc.request().authority();
    if (!anyHost && authority != null && !hosts.contains(normalHost(authority.host()))) {
      metrics.httpRefused("host");
      throw new HttpError(403, "Host '" + printable(authority.host()) + "' is not a name of this gateway "
          + "(add it to http.allowed-hosts)");
    }
    String origin = rc.request().getHeader(HttpHeaders.ORIGIN);
    if (origin == null || sameOrigin(rc, origin)) {
      rc.next();
      return;
    }
    String o = stripSlash(origin.trim().toLowerCase(Locale.ROOT));
    if (!origins.contains(o)) {
      metrics.httpRefused("origin");
      throw new HttpError(403, "cross-origin request from '" + printable(origin) + "' refused "
          + "(add the origin to http.cors-origins to allow it)");
    }
    var resp = rc.response();
    resp.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin).putHeader(HttpHeaders.VARY, "Origin")
        .putHeader(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED_HEADERS);
    if (rc.request().method() == HttpMethod.OPTIONS
        && rc.request().getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD) != null) {
      resp.setStatusCode(204).putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, PUT, DELETE")
          .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, ALLOWED_HEADERS)
          .putHeader(HttpHeaders.ACCESS_CONTROL_MAX_AGE, "600").end();
      return;
    }
    rc.next();
  }

  /** The page's origin is the gateway itself: scheme and authority as this request names them. */
  private static boolean sameOrigin(RoutingContext rc, String origin) {
    HostAndPort a = rc.request().authority();
    if (a == null) {
      return false;
    }
    String scheme = rc.request().isSSL() ? "https" : "http";
    int defaultPort = rc.request().isSSL() ? 443 : 80;
    String host = a.host().toLowerCase(Locale.ROOT);
    String self = scheme + "://" + host + (a.port() < 0 || a.port() == defaultPort ? "" : ":" + a.port());
    return stripSlash(origin.trim().toLowerCase(Locale.ROOT)).equals(self);
  }

  static String normalHost(String h) {
    String s = h.trim().toLowerCase(Locale.ROOT);
    if (s.startsWith("[") && s.endsWith("]")) {
      s = s.substring(1, s.length() - 1);
    }
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && b.length() < 100; i++) {
      char c = s.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return b.toString();
  }
}
