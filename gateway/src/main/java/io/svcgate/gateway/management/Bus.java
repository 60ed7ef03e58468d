package io.svcgate.gateway.management;

import io.svcgate.gateway.bus.LocalCodec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import java.util.concurrent.CompletableFuture;

/** Requests to the gateway's verticles from any thread, failures in JMX terms. */
final class Bus {

  private Bus() {
  }

  /**
   * Sends {@code body} to {@code address} and completes with the reply body. Fails
   * with an {@link IllegalArgumentException} when the recipient says 400, an
   * {@link IllegalStateException} otherwise (unknown node, no answer in time, not running).
   */
  static <T> CompletableFuture<T> ask(Vertx vertx, String address, Object body, long timeoutMs, Class<T> type) {
    CompletableFuture<T> out = new CompletableFuture<>();
    request(vertx, address, body, timeoutMs, type).onComplete(ar -> {
      if (ar.succeeded()) {
        out.complete(ar.result());
      } else {
        out.completeExceptionally(ar.cause());
      }
    });
    return out;
  }

  /** As {@link #ask}, as a Vert.x future (completed on the caller's context when it has one). */
  static <T> Future<T> request(Vertx vertx, String address, Object body, long timeoutMs, Class<T> type) {
    DeliveryOptions o = new DeliveryOptions().setSendTimeout(timeoutMs);
    if (!(body instanceof String)) {
      o.setCodecName(LocalCodec.nameOf(body.getClass()));
    }
    return vertx.eventBus().request(address, body, o).transform(ar -> {
      if (ar.failed()) {
        return Future.failedFuture(translate(ar.cause(), timeoutMs));
      }
      Object b = ar.result().body();
      if (type.isInstance(b)) {
        return Future.succeededFuture(type.cast(b));
      }
      return Future.failedFuture(new IllegalStateException("unexpected answer from " + address + ": "
          + (b == null ? "nothing" : b.getClass().getSimpleName())));
    });
  }

  private static RuntimeException translate(Throwable t, long timeoutMs) {
    if (t instanceof ReplyException r) {
      return switch (r.failureType()) {
        case RECIPIENT_FAILURE -> r.failureCode() == 400 ? new IllegalArgumentException(r.getMessage())
            : new IllegalStateException(r.getMessage());
        case TIMEOUT -> new IllegalStateException("the gateway did not answer within " + timeoutMs + " ms");
        case NO_HANDLERS -> new IllegalStateException("the gateway is not running");
        default -> new IllegalStateException(String.valueOf(r.getMessage()));
      };
    }
    return new IllegalStateException(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
  }
}
