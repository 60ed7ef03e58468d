package io.svcgate.gateway.http;

import io.vertx.ext.web.handler.SecurityPolicyHandler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * The media-type check of the write routes, before any byte of the body is read
 * (docs/api.md, docs/security.md): a route that takes a body takes
 * {@code Content-Type: application/json} (parameters such as {@code charset=utf-8}
 * allowed) and nothing else, not even a missing type; a route without a body takes
 * no type or {@code application/json}. Anything else is 415: a form or
 * {@code text/plain} body is never decoded, and a web page cannot post one without
 * a CORS preflight. A security-policy handler, so that it runs before the body handler.
 */
final class JsonBodyHandler implements SecurityPolicyHandler {

  private final boolean bodyRequired;

  private JsonBodyHandler(boolean bodyRequired) {
    this.bodyRequired = bodyRequired;
  }

  /** For routes whose body is a JSON document. */
  static JsonBodyHandler required() {
    return new JsonBodyHandler(true);
  }

  /** For routes that take no body. */
  static JsonBodyHandler none() {
    return new JsonBodyHandler(false);
  }

  @Override
  public void handle(RoutingContext rc) {
    String type = rc.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type == null ? bodyRequired : !isJson(type)) {
      throw new HttpError(415, (type == null ? "no Content-Type" : "Content-Type '" + printable(type) + "' not supported")
          + ": " + rc.request().method() + " " + rc.request().path() + " takes application/json");
    }
    rc.next();
  }

  static boolean isJson(String contentType) {
    int semi = contentType.indexOf(';');
    String mime = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    return mime.equals("application/json");
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder(Math.min(s.length(), 100));
    for (int i = 0; i < s.length() && b.length() < 100; i++) {
      char c = s.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return b.toString();
  }
}
