package io.svcgate.gateway.http;

import static io.svcgate.gateway.http.Errors.JSON;

import io.svcgate.gateway.Addresses;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Operator actions on a node: {@code POST /api/nodes/{n}/ask-full} and {@code DELETE /api/nodes/{n}}. */
final class AdminHandler {

  private final StateRequests state;

  AdminHandler(StateRequests state) {
    this.state = state;
  }

  void askFull(RoutingContext rc) {
    String node = rc.pathParam("nodename");
    state.request(Addresses.ASK_FULL, node, 10_000).onComplete(ar -> {
      if (ar.failed()) {
        Errors.fail(rc, ar.cause());
        return;
      }
      rc.response().setStatusCode(202).putHeader(HttpHeaders.CONTENT_TYPE, JSON)
          .end(new JsonObject().put("nodename", node).put("needs_full", true).encode());
    });
  }

  void forget(RoutingContext rc) {
    String node = rc.pathParam("nodename");
    state.request(Addresses.FORGET, node, 30_000).onComplete(ar -> {
      if (ar.failed()) {
        Errors.fail(rc, ar.cause());
        return;
      }
      rc.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON)
          .end(new JsonObject().put("id", ar.result()).encode());
    });
  }
}
