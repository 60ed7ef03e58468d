package io.svcgate.gateway.http;

import static io.svcgate.gateway.http.Errors.JSON;

import io.svcgate.gateway.Addresses;
import io.svcgate.gateway.cluster.ClusterStatus;
import io.svcgate.gateway.state.StatusReply;
import io.svcgate.state.history.EventLog;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Reads of the current state and of the gateway itself: {@code /health},
 * {@code /metrics}, the static resources, {@code /api/daemon/status} and
 * {@code /api/nodes}.
 */
final class StatusHandler {

  private final Vertx vertx;
  private final StateRequests state;
  private final EventLog log;
  private final LongSupplier lastId;
  private final BooleanSupplier up;
  private final Supplier<String> scrape;
  private final Supplier<Optional<ClusterStatus>> cluster;

  StatusHandler(Vertx vertx, StateRequests state, EventLog log, LongSupplier lastId, BooleanSupplier up,
                Supplier<String> scrape, Supplier<Optional<ClusterStatus>> cluster) {
    this.vertx = vertx;
    this.state = state;
    this.log = log;
    this.lastId = lastId;
    this.up = up;
    this.scrape = scrape;
    this.cluster = cluster;
  }

  /**
   * {@code /health}: UP once the gateway serves; a cluster member is UP only while it
   * knows a leader and has applied what it knows committed, and says why not in
   * {@code reason} (docs/clustering.md).
   */
  void health(RoutingContext rc) {
    boolean up = this.up.getAsBoolean();
    Optional<ClusterStatus> member = cluster.get();
    Optional<String> unhealthy = member.flatMap(ClusterStatus::unhealthy);
    if (up && unhealthy.isPresent()) {
      up = false;
    }
    JsonObject h = new JsonObject().put("status", up ? "UP" : "DOWN").put("last_id", lastId.getAsLong())
        .put("epoch", log.epoch()).put("version", io.svcgate.gateway.BuildInfo.current().version());
    member.ifPresent(c -> h.put("cluster", new JsonObject().put("role", c.role().label())
        .put("leader", c.leader().orElse(null))));
    unhealthy.ifPresent(reason -> h.put("reason", reason));
    rc.response().setStatusCode(up ? 200 : 503).putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(h.encode());
  }

  void metrics(RoutingContext rc) {
    vertx.executeBlocking(scrape::get, false).onComplete(ar -> {
      if (ar.failed()) {
        rc.fail(ar.cause());
        return;
      }
      rc.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8").end(ar.result());
    });
  }

  /** A handler serving the class-path resource {@code name} as {@code type}. */
  static io.vertx.core.Handler<RoutingContext> resource(String name, String type) {
    return rc -> {
      try (InputStream in = HttpVerticle.class.getResourceAsStream(name)) {
        if (in == null) {
          throw new HttpError(404, "no such resource: " + rc.request().path());
        }
        rc.response().putHeader(HttpHeaders.CONTENT_TYPE, type).end(Buffer.buffer(in.readAllBytes()));
      } catch (IOException e) {
        rc.fail(e);
      }
    };
  }

  void status(RoutingContext rc) {
    String filter = rc.request().getParam("filter");
    state.request(Addresses.STATUS, filter == null ? "" : filter, 10_000).onComplete(ar -> {
      if (ar.failed()) {
        Errors.fail(rc, ar.cause());
        return;
      }
      StatusReply r = (StatusReply) ar.result();
      rc.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON).putHeader("X-Svcgate-Id", Long.toString(r.id()))
          .putHeader("X-Svcgate-Epoch", log.epoch()).end(Buffer.buffer(r.json()));
    });
  }

  void nodes(RoutingContext rc) {
    state.request(Addresses.NODES, "", 10_000).onComplete(ar -> {
      if (ar.failed()) {
        Errors.fail(rc, ar.cause());
        return;
      }
      rc.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON).end((Buffer) ar.result());
    });
  }
}
