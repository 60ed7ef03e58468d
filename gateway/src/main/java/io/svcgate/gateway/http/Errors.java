package io.svcgate.gateway.http;

import io.svcgate.gateway.ingest.IngestException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Error mapping of the HTTP API: every failure becomes a JSON
 * {@code {"error", "status", …}} answer with a fitting status (docs/api.md), never
 * a stack trace. {@link HttpError}s carry their status; event-bus failures map to
 * the status the state verticle gave, or 503 when it did not answer; anything else
 * is a 500 and is logged.
 */
final class Errors {

  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);
  static final String JSON = "application/json";

  private Errors() {
  }

  /** The not-found fallback and the router's error handlers. */
  static void install(Router router, long maxBody) {
    router.route().last().handler(rc -> {
      throw new HttpError(404, "no such resource: " + rc.request().method() + " " + rc.request().path());
    });
    router.errorHandler(404, rc -> send(rc, 404, "no such resource: " + rc.request().path(), null));
    router.errorHandler(405, rc -> send(rc, 405, "method " + rc.request().method() + " not allowed on " + rc.request().path(), null));
    router.errorHandler(413, rc -> send(rc, 413, "request body larger than " + maxBody + " bytes", null));
    // Every other status a handler of the router may fail with (417 from the body
    // handler for an unknown Expect, for one) is JSON too.
    for (int code = 400; code < 600; code++) {
      if (code != 404 && code != 405 && code != 413) {
        router.errorHandler(code, Errors::failure);
      }
    }
  }

  /**
   * The server's handler of requests the HTTP decoder could not read (a request line
   * or headers too long, a malformed request): 414, 431 or 400 as JSON, and the
   * connection closes, since nothing after such a request can be trusted.
   */
  static void invalidRequest(HttpServerRequest req) {
    Throwable cause = req.decoderResult() == null ? null : req.decoderResult().cause();
    int status;
    String message;
    if (cause instanceof TooLongHttpLineException) {
      status = 414;
      message = "request line too long";
    } else if (cause instanceof TooLongHttpHeaderException) {
      status = 431;
      message = "request headers too large";
    } else {
      status = 400;
      message = "malformed HTTP request" + (cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
    JsonObject o = new JsonObject().put("error", message).put("status", status);
    req.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON)
        .putHeader(HttpHeaders.CONNECTION, "close").end(o.encode())
        .onComplete(v -> req.connection().close());
  }

  /**
   * Answers 400 as JSON and returns false when the request's path or query string is
   * not valid percent-encoding (such as {@code %zz}); the router is never given it.
   */
  static boolean decodable(HttpServerRequest req) {
    String uri = req.uri();
    int q = uri.indexOf('?');
    try {
      QueryStringDecoder.decodeComponent(q < 0 ? uri : uri.substring(0, q));
      if (q >= 0) {
        new QueryStringDecoder(uri).parameters();
      }
      return true;
    } catch (IllegalArgumentException e) {
      JsonObject o = new JsonObject().put("error", "the request"
          + " URI is not valid percent-encoding: " + e.getMessage()).put("status", 400);
      req.response().setStatusCode(400).putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(o.encode());
      return false;
    }
  }

  /** Answers {@code t} as a JSON error, unless the response is already gone or started. */
  static void fail(RoutingContext rc, Throwable t) {
    if (rc.response().ended() || rc.response().closed()) {
      return;
    }
    if (rc.response().headWritten()) {
      rc.response().end();
      return;
    }
    if (t instanceof HttpError e) {
      send(rc, e.status, e.getMessage(), e.extra);
    } else if (t instanceof HttpException e && e.getStatusCode() >= 400 && e.getStatusCode() < 500) {
      send(rc, e.getStatusCode(), e.getPayload() != null ? e.getPayload() : e.getMessage(), null);
    } else if (t instanceof IngestException e && !e.refusedByState()) {
      send(rc, e.status(), e.getMessage(), new JsonObject().put("reason", e.reason()));
    } else if (t instanceof ReplyException r) {
      int code = switch (r.failureType()) {
        case RECIPIENT_FAILURE -> r.failureCode() >= 400 && r.failureCode() < 600 ? r.failureCode() : 500;
        case TIMEOUT, NO_HANDLERS -> 503;
        default -> 500;
      };
      send(rc, code, code == 503 && r.failureType() != ReplyFailure.RECIPIENT_FAILURE
          ? "the gateway is not ready (" + r.getMessage() + ")" : r.getMessage(), null);
    } else {
      LOG.error("{} {} failed", rc.request().method(), rc.request().path(), t);
      send(rc, 500, "internal error: " + t.getClass().getSimpleName()
          + (t.getMessage() == null ? "" : ": " + t.getMessage()), null);
    }
  }

  /** The router's error handler: the failure of a handler, or a bare status. */
  static void failure(RoutingContext rc) {
    Throwable t = rc.failure();
    if (t == null) {
      int code = rc.statusCode();
      send(rc, code, code == 500 ? "internal error"
          : HttpResponseStatus.valueOf(code).reasonPhrase().toLowerCase(java.util.Locale.ROOT), null);
    } else {
      fail(rc, t);
    }
  }

  /** Ends the response with {@code {"error": message, "status": status}} plus {@code extra}'s members. */
  static void send(RoutingContext rc, int status, String message, JsonObject extra) {
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
