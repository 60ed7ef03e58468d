package io.svcgate.gateway.http;

import io.vertx.core.json.JsonObject;

/** An error answered as JSON {@code {"error", "status", …}} with that HTTP status. */
final class HttpError extends RuntimeException {
  final int status;
  final JsonObject extra;

  HttpError(int status, String message) {
    this(status, message, null);
  }

  HttpError(int status, String message, JsonObject extra) {
    super(message, null, false, false);
    this.status = status;
    this.extra = extra;
  }
}
