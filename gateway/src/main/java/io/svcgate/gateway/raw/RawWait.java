package io.svcgate.gateway.raw;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.svcgate.gateway.Addresses;
import io.svcgate.gateway.bus.LocalCodec;
import io.svcgate.gateway.state.WaitRequest;
import io.svcgate.gateway.state.WaitResult;
import io.svcgate.state.Event;
import io.svcgate.state.Json;
import io.svcgate.state.filter.Condition;
import io.svcgate.state.filter.Durations;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * One raw {@code wait} (docs/opensvc.md, "node wait"), as OpenSVC's daemon serves it:
 * satisfied when the condition holds on the state (asked of the state verticle, like
 * {@code GET /api/wait}), or when a node event ({@code kind: "event"}) matches it, the
 * event message itself being what the condition reads. Answered once:
 * {@code {"status": 0, "data": {"satisfied": true, …}}} or, at the deadline,
 * {@code {"status": 1, "data": {"satisfied": false, …}}}. Confined to the listener's
 * event loop.
 */
final class RawWait {

  /** OpenSVC's own cap on one wait request. */
  static final Duration CAP = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final RawFeed feed;
  private final Consumer<ObjectNode> reply;
  private final String wid = UUID.randomUUID().toString();
  private final long start = System.nanoTime();
  private JsonNode duration;
  private Runnable unsubscribe = () -> { };
  private boolean finished;

  /** @param reply called once with the answer */
  RawWait(Vertx vertx, RawFeed feed, Consumer<ObjectNode> reply) {
    this.vertx = vertx;
    this.feed = feed;
    this.reply = reply;
  }

  /** Starts the wait of {@code r}, held at most {@code max}. */
  void start(RawRequest r, Duration max) {
    duration = r.options().get("duration");
    String text = r.string("condition");
    long ms;
    try {
      ms = Math.min(millis(duration), Math.min(CAP.toMillis(), max.toMillis()));
    } catch (IllegalArgumentException e) {
      finish(Relay.error(501, "bad duration " + duration + ": " + e.getMessage()));
      return;
    }
    if (text == null || text.isBlank()) {
      answer(true, 0);
      return;
    }
    Condition c;
    try {
      c = Condition.parse(text);
    } catch (IllegalArgumentException e) {
      // 501 rather than OpenSVC's 400: om prints it and stops, where a 400 makes it retry until its deadline
      finish(Relay.error(501, "bad condition '" + text + "': " + e.getMessage()));
      return;
    }
    unsubscribe = feed.subscribe(e -> onEvent(c, e));
    DeliveryOptions d = new DeliveryOptions().setCodecName(LocalCodec.nameOf(WaitRequest.class))
        .setSendTimeout(ms + 10_000);
    vertx.eventBus().<WaitResult>request(Addresses.WAIT, new WaitRequest(wid, c, ms), d).onComplete(ar -> {
      if (finished) {
        return;
      }
      if (ar.failed()) {
        // too many waits, or the gateway stopping: not satisfied, and om asks again until its deadline
        int code = ar.cause() instanceof ReplyException x && x.failureCode() >= 400 ? x.failureCode() : 503;
        finish(Relay.error(code, "the wait was not taken: " + ar.cause().getMessage()));
        return;
      }
      WaitResult w = ar.result().body();
      answer(w.satisfied(), w.id());
    });
  }

  private void onEvent(Condition c, Event e) {
    if (!finished && Event.EVENT.equals(e.kind()) && c.test(e.envelope())) {
      vertx.eventBus().send(Addresses.WAIT_CANCEL, wid);
      answer(true, e.id());
    }
  }

  private void answer(boolean satisfied, long id) {
    ObjectNode o = Json.NODES.objectNode();
    o.put("status", satisfied ? 0 : 1);
    ObjectNode data = o.putObject("data");
    data.put("satisfied", satisfied);
    if (duration == null) {
      data.putNull("duration");
    } else {
      data.set("duration", duration);
    }
    data.put("elapsed", Math.round((System.nanoTime() - start) / 1e6) / 1000.0);
    data.put("id", id);
    finish(o);
  }

  private void finish(ObjectNode answer) {
    if (finished) {
      return;
    }
    finished = true;
    unsubscribe.run();
    reply.accept(answer);
  }

  /** The client went: the wait is dropped. */
  void cancel() {
    if (!finished) {
      finished = true;
      unsubscribe.run();
      vertx.eventBus().send(Addresses.WAIT_CANCEL, wid);
    }
  }

  /** A duration option: seconds as a number, or a duration string ({@code 10s}); missing means the cap. */
  static long millis(JsonNode d) {
    if (d == null || d.isNull()) {
      return CAP.toMillis();
    }
    if (d.isNumber()) {
      double s = d.asDouble();
      if (!(s >= 0) || Double.isInfinite(s)) {
        throw new IllegalArgumentException("a duration must be a number of seconds, 0 or more");
      }
      return (long) Math.min(s * 1000, Long.MAX_VALUE / 2);
    }
    if (d.isTextual()) {
      return Durations.parse(d.textValue()).toMillis();
    }
    throw new IllegalArgumentException("a duration is a number of seconds");
  }
}
