package io.svcgate.gateway.http;

import io.svcgate.gateway.bus.LocalCodec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

/** Requests to the state verticle over the local event bus, with a timeout. */
final class StateRequests {

  private final Vertx vertx;

  StateRequests(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Sends {@code body} (a string, or a local object through its pass-through codec) and returns the reply's body. */
  Future<Object> request(String address, Object body, long timeoutMs) {
    DeliveryOptions o = new DeliveryOptions().setSendTimeout(timeoutMs);
    if (!(body instanceof String)) {
      o.setCodecName(LocalCodec.nameOf(body.getClass()));
    }
    return vertx.eventBus().request(address, body, o).map(m -> m.body());
  }

  /** Fire and forget. */
  void send(String address, Object body) {
    vertx.eventBus().send(address, body);
  }
}
