package io.svcgate.gateway.http;

import static io.svcgate.gateway.http.Errors.JSON;

import io.svcgate.gateway.ingest.HeartbeatIntake;
import io.svcgate.gateway.ingest.IngestException;
import io.svcgate.state.HeartbeatMessage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * {@code POST /api/heartbeats} and {@code POST /api/events}: the body goes through
 * the {@link HeartbeatIntake} every ingest door shares; this class only maps its
 * answers to HTTP.
 */
final class IngestHandler {

  private final HeartbeatIntake intake;

  IngestHandler(HeartbeatIntake intake) {
    this.intake = intake;
  }

  void heartbeats(RoutingContext rc) {
    List<HeartbeatMessage> msgs = intake.parseBatch(body(rc));
    intake.submit(msgs).onComplete(ar -> {
      if (ar.failed()) {
        refused(rc, ar.cause(), true);
        return;
      }
      // two numbers: written as they are, not through a JsonObject and the mapper (3 % of the HTTP loop)
      rc.response().setStatusCode(202).putHeader(HttpHeaders.CONTENT_TYPE, JSON)
          .end("{\"accepted\":" + ar.result().accepted() + ",\"id\":" + ar.result().id() + "}");
    });
  }

  void postEvent(RoutingContext rc) {
    HeartbeatMessage m = intake.parse(body(rc));
    if (!(m instanceof HeartbeatMessage.NodeEvent)) {
      throw new HttpError(400, "POST /api/events takes a node event message (kind \"event\"), got kind \"" + m.kind() + "\"");
    }
    intake.submit(m).onComplete(ar -> {
      if (ar.failed()) {
        refused(rc, ar.cause(), false);
        return;
      }
      rc.response().setStatusCode(202).putHeader(HttpHeaders.CONTENT_TYPE, JSON)
          .end("{\"id\":" + ar.result().id() + "}");
    });
  }

  private static byte[] body(RoutingContext rc) {
    Buffer b = rc.body().buffer();
    return b == null ? new byte[0] : b.getBytes();
  }

  private static void refused(RoutingContext rc, Throwable t, boolean batch) {
    if (!(t instanceof IngestException e)) {
      Errors.fail(rc, t);
      return;
    }
    JsonObject extra = new JsonObject();
    if (e.merged() >= 0) {
      extra.put("nodename", e.nodename());
      if (batch) {
        extra.put("merged", e.merged()).put("accepted", e.accepted()).put("id", e.id());
      }
    }
    if (e.status() == 503) {
      rc.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
    }
    Errors.send(rc, e.status(), e.getMessage(), extra);
  }
}
