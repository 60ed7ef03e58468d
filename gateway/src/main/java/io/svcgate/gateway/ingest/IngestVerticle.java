package io.svcgate.gateway.ingest;

import io.svcgate.gateway.Addresses;
import io.svcgate.gateway.bus.LocalCodec;
import io.svcgate.gateway.metrics.GatewayMetrics;
import io.svcgate.gateway.metrics.RejectionLog;
import io.svcgate.gateway.state.ApplyReply;
import io.svcgate.state.HeartbeatMessage;
import io.svcgate.state.InvalidMessageException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * Takes heartbeat messages from {@link Addresses#HB_RX} (local senders, the
 * clustered event bus and the TCP bridge): decodes and validates them, hands them
 * to the state verticle, and answers a request with {@code {"accepted", "id"}} or
 * a failure whose code is the HTTP status of http-api.md (400 invalid, 403 unknown
 * node, 409 out of sequence, 413 too large, 503 busy) and whose message says why. May be deployed
 * with several instances.
 */
public final class IngestVerticle extends VerticleBase {

  private static final DeliveryOptions APPLY = new DeliveryOptions()
      .setCodecName(LocalCodec.nameOf(HeartbeatMessage.class)).setSendTimeout(30_000);

  private final GatewayMetrics metrics;
  private final HeartbeatMessage.Limits limits;
  private MessageConsumer<Object> consumer;

  public IngestVerticle(GatewayMetrics metrics, HeartbeatMessage.Limits limits) {
    this.metrics = metrics;
    this.limits = limits;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().consumer(Addresses.HB_RX, this::onMessage);
    return consumer.completion();
  }

  private void onMessage(Message<Object> msg) {
    HeartbeatMessage hb;
    try {
      hb = HeartbeatMessage.parse(bytes(msg.body()), limits);
    } catch (InvalidMessageException e) {
      metrics.heartbeatRejected(e.reason());
      RejectionLog.log(e.reason(), null, e.getMessage());
      msg.fail(e.httpStatus(), e.getMessage());
      return;
    }
    vertx.eventBus().<ApplyReply>request(Addresses.APPLY, hb, deliveryFor(hb)).onComplete(ar -> {
      if (ar.failed()) {
        int code = ar.cause() instanceof ReplyException r && r.failureCode() > 0 ? r.failureCode() : 503;
        msg.fail(code, ar.cause().getMessage());
        return;
      }
      ApplyReply r = ar.result().body();
      if (r.accepted()) {
        msg.reply(new JsonObject().put("accepted", 1).put("id", r.id()));
      } else {
        msg.fail(r.status(), r.error());
      }
    });
  }

  private static DeliveryOptions deliveryFor(HeartbeatMessage hb) {
    return APPLY;
  }

  private static byte[] bytes(Object body) throws InvalidMessageException {
    if (body instanceof JsonObject j) {
      return j.toBuffer().getBytes();
    } else if (body instanceof Buffer b) {
      return b.getBytes();
    } else if (body instanceof String s) {
      return s.getBytes(StandardCharsets.UTF_8);
    } else if (body instanceof byte[] b) {
      return b;
    }
    throw new InvalidMessageException(InvalidMessageException.Reason.NOT_JSON,
        "a heartbeat message must be a JSON object, a JSON string or bytes, got "
            + (body == null ? "nothing" : body.getClass().getSimpleName()));
  }
}
