package io.svcgate.gateway.ingest;

import io.svcgate.gateway.Addresses;
import io.svcgate.gateway.metrics.GatewayMetrics;
import io.svcgate.state.HeartbeatMessage;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * Takes heartbeat messages from {@link Addresses#HB_RX} (local senders, the
 * clustered event bus and the TCP bridge) through the {@link HeartbeatIntake} every
 * ingest door shares, and answers a request with {@code {"accepted", "id"}} or a
 * failure whose code is the HTTP status of docs/api.md (400 invalid, 403 unknown
 * node, 409 out of sequence, 413 too large, 503 busy) and whose message says why. May be deployed
 * with several instances.
 */
public final class IngestVerticle extends VerticleBase {

  private final GatewayMetrics metrics;
  private final HeartbeatMessage.Limits limits;
  private HeartbeatIntake intake;
  private MessageConsumer<Object> consumer;

  public IngestVerticle(GatewayMetrics metrics, HeartbeatMessage.Limits limits) {
    this.metrics = metrics;
    this.limits = limits;
  }

  @Override
  public Future<?> start() {
    intake = new HeartbeatIntake(vertx, metrics, limits);
    consumer = vertx.eventBus().consumer(Addresses.HB_RX, this::onMessage);
    return consumer.completion();
  }

  private void onMessage(Message<Object> msg) {
    Future<IngestResult> f;
    try {
      byte[] json = bytes(msg.body());
      if (json == null) {
        throw intake.notJson("a heartbeat message must be a JSON object, a JSON string or bytes, got "
            + (msg.body() == null ? "nothing" : msg.body().getClass().getSimpleName()));
      }
      f = intake.submit(intake.parse(json));
    } catch (IngestException e) {
      msg.fail(e.status(), e.getMessage());
      return;
    }
    f.onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(new JsonObject().put("accepted", 1).put("id", ar.result().id()));
      } else if (ar.cause() instanceof IngestException e) {
        msg.fail(e.status(), e.getMessage());
      } else {
        msg.fail(503, ar.cause().getMessage());
      }
    });
  }

  /** The body as JSON bytes, or null for nothing or a type that cannot hold JSON. */
  private static byte[] bytes(Object body) {
    if (body instanceof JsonObject j) {
      return j.toBuffer().getBytes();
    } else if (body instanceof Buffer b) {
      return b.getBytes();
    } else if (body instanceof String s) {
      return s.getBytes(StandardCharsets.UTF_8);
    } else if (body instanceof byte[] b) {
      return b;
    }
    return null;
  }
}
