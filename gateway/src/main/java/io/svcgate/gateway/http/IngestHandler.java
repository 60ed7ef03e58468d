package io.svcgate.gateway.http;

import static io.svcgate.gateway.http.Errors.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import io.svcgate.gateway.Addresses;
import io.svcgate.gateway.metrics.GatewayMetrics;
import io.svcgate.gateway.metrics.RejectionLog;
import io.svcgate.gateway.state.ApplyReply;
import io.svcgate.state.HeartbeatMessage;
import io.svcgate.state.InvalidMessageException;
import io.svcgate.state.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** {@code POST /api/heartbeats} and {@code POST /api/events}. */
final class IngestHandler {

  private final GatewayMetrics metrics;
  private final StateRequests state;

  IngestHandler(GatewayMetrics metrics, StateRequests state) {
    this.metrics = metrics;
    this.state = state;
  }

  void heartbeats(RoutingContext rc) {
    JsonNode body = parseBody(rc);
    List<HeartbeatMessage> msgs = new ArrayList<>();
    List<JsonNode> items = new ArrayList<>();
    if (body.isArray()) {
      body.forEach(items::add);
      if (items.isEmpty()) {
        throw new HttpError(400, "an empty list of messages");
      }
    } else {
      items.add(body);
    }
    for (int i = 0; i < items.size(); i++) {
      try {
        msgs.add(HeartbeatMessage.parse(items.get(i)));
      } catch (InvalidMessageException e) {
        metrics.heartbeatRejected(e.reason());
        RejectionLog.log(e.reason(), items.get(i).path("nodename").asText(null), e.getMessage());
        String where = items.size() > 1 ? "message " + i + ": " : "";
        throw new HttpError(400, where + e.getMessage(), new JsonObject().put("reason", e.reason()));
      }
    }
    applyAll(rc, msgs, 0, 0);
  }

  private void applyAll(RoutingContext rc, List<HeartbeatMessage> msgs, int i, long lastId) {
    if (i == msgs.size()) {
      rc.response().setStatusCode(202).putHeader(HttpHeaders.CONTENT_TYPE, JSON)
          .end(new JsonObject().put("accepted", msgs.size()).put("id", lastId).encode());
      return;
    }
    state.request(Addresses.APPLY, msgs.get(i), 30_000).onComplete(ar -> {
      if (ar.failed()) {
        Errors.fail(rc, ar.cause());
        return;
      }
      ApplyReply r = (ApplyReply) ar.result();
      if (!r.accepted()) {
        JsonObject extra = new JsonObject().put("nodename", r.nodename()).put("merged", r.merged())
            .put("accepted", i).put("id", r.id());
        if (r.status() == 503) {
          rc.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
        }
        Errors.send(rc, r.status(), r.error(), extra);
        return;
      }
      applyAll(rc, msgs, i + 1, r.id());
    });
  }

  void postEvent(RoutingContext rc) {
    JsonNode body = parseBody(rc);
    HeartbeatMessage m;
    try {
      m = HeartbeatMessage.parse(body);
    } catch (InvalidMessageException e) {
      metrics.heartbeatRejected(e.reason());
      RejectionLog.log(e.reason(), body.path("nodename").asText(null), e.getMessage());
      throw new HttpError(400, e.getMessage(), new JsonObject().put("reason", e.reason()));
    }
    if (!(m instanceof HeartbeatMessage.NodeEvent)) {
      throw new HttpError(400, "POST /api/events takes a node event message (kind \"event\"), got kind \"" + m.kind() + "\"");
    }
    state.request(Addresses.APPLY, m, 30_000).onComplete(ar -> {
      if (ar.failed()) {
        Errors.fail(rc, ar.cause());
        return;
      }
      ApplyReply r = (ApplyReply) ar.result();
      if (!r.accepted()) {
        Errors.send(rc, r.status(), r.error(), new JsonObject().put("nodename", r.nodename()));
        return;
      }
      rc.response().setStatusCode(202).putHeader(HttpHeaders.CONTENT_TYPE, JSON)
          .end(new JsonObject().put("id", r.id()).encode());
    });
  }

  private static JsonNode parseBody(RoutingContext rc) {
    Buffer b = rc.body().buffer();
    if (b == null || b.length() == 0) {
      throw new HttpError(400, "empty body: expected a JSON heartbeat message");
    }
    try {
      return Json.parse(b.getBytes());
    } catch (IOException e) {
      String msg = e.getMessage() == null ? "" : e.getMessage().split("\n")[0];
      throw new HttpError(400, "body is not valid JSON: " + msg, new JsonObject().put("reason", "not_json"));
    }
  }
}
