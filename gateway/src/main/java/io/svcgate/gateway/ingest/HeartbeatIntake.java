package io.svcgate.gateway.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import io.svcgate.gateway.Addresses;
import io.svcgate.gateway.bus.LocalCodec;
import io.svcgate.gateway.metrics.GatewayMetrics;
import io.svcgate.gateway.metrics.RejectionLog;
import io.svcgate.gateway.state.ApplyReply;
import io.svcgate.state.HeartbeatMessage;
import io.svcgate.state.InvalidMessageException;
import io.svcgate.state.Json;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one way heartbeat messages get into the gateway, whatever door they came
 * through (HTTP, the event bus and the TCP bridge, the raw OpenSVC listener): bytes
 * become validated {@link HeartbeatMessage}s here, and validated messages are handed
 * to the state verticle here, in order. Every door answers what this class says.
 *
 * <p>Use from any Vert.x thread:
 * <pre>{@code
 * HeartbeatIntake intake = new HeartbeatIntake(vertx, metrics);
 * try {
 *   HeartbeatMessage m = intake.parse(bytes);          // or parseBatch for "one or a JSON array"
 *   intake.submit(m).onComplete(ar -> ...);            // IngestResult, or fails with IngestException
 * } catch (IngestException e) {                        // malformed: status 400, e.reason() says why
 *   ...
 * }
 * }</pre>
 *
 * <p>A malformed message changes nothing, is counted in
 * {@code svcgate_heartbeats_rejected_total{reason}} and logged (rate-limited) here.
 * A message the state refuses (sequence, unknown sender, overload) fails the
 * returned future with an {@link IngestException} carrying the HTTP status the
 * state gave. Thread-safe and stateless apart from its collaborators.
 */
public final class HeartbeatIntake {

  private static final DeliveryOptions APPLY = new DeliveryOptions()
      .setCodecName(LocalCodec.nameOf(HeartbeatMessage.class)).setSendTimeout(30_000);

  private final Vertx vertx;
  private final GatewayMetrics metrics;
  private final HeartbeatMessage.Limits limits;

  /** An intake with the default message bounds ({@link HeartbeatMessage.Limits#DEFAULTS}). */
  public HeartbeatIntake(Vertx vertx, GatewayMetrics metrics) {
    this(vertx, metrics, HeartbeatMessage.Limits.DEFAULTS);
  }

  /**
   * @param limits the bounds of one message and of a batch (ingest.max-keys, ingest.max-stanzas,
   *               ingest.max-batch); past them a message is refused with 413
   */
  public HeartbeatIntake(Vertx vertx, GatewayMetrics metrics, HeartbeatMessage.Limits limits) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.limits = limits;
  }

  /**
   * Parses and validates one message (a JSON object).
   *
   * @throws IngestException status 400 with the reason label when it is not a valid message
   */
  public HeartbeatMessage parse(byte[] json) {
    return validate(tree(json), -1);
  }

  /**
   * Validates one message a door already holds as a JSON tree (read with
   * {@link Json#parse}, so within the same parser limits as bytes would be).
   *
   * @throws IngestException status 400 (413 when over a bound) with the reason label
   */
  public HeartbeatMessage parse(JsonNode message) {
    return validate(message, -1);
  }

  /**
   * Parses one message or a non-empty JSON array of them, and validates every one.
   * Nothing is returned unless all are valid.
   *
   * @throws IngestException status 400; for a batch the message says which element is wrong
   */
  public List<HeartbeatMessage> parseBatch(byte[] json) {
    JsonNode body = tree(json);
    if (!body.isArray()) {
      return List.of(validate(body, -1));
    }
    if (body.isEmpty()) {
      throw rejected(InvalidMessageException.Reason.NOT_OBJECT.label(), null, "an empty list of messages");
    }
    if (body.size() > limits.maxBatch()) {
      throw rejected(InvalidMessageException.Reason.TOO_LARGE.label(), null, "a batch of " + body.size()
          + " messages, at most " + limits.maxBatch() + " are accepted at once (ingest.max-batch): send smaller arrays",
          413);
    }
    List<HeartbeatMessage> out = new ArrayList<>(body.size());
    for (int i = 0; i < body.size(); i++) {
      out.add(validate(body.get(i), body.size() > 1 ? i : -1));
    }
    return out;
  }

  /**
   * Counts and logs a message a door could not even read as JSON (its framing or its
   * type is wrong), and returns the 400 to answer or throw.
   */
  public IngestException notJson(String message) {
    return rejected(InvalidMessageException.Reason.NOT_JSON.label(), null, message);
  }

  /** Hands one valid message to the state; see {@link #submit(List)}. */
  public Future<IngestResult> submit(HeartbeatMessage message) {
    return submit(List.of(message));
  }

  /**
   * Hands valid messages to the state one after the other, each once the one before
   * it is durable, and stops at the first one refused.
   *
   * @return the count and the last event id once all are durable; or a failure with an
   *     {@link IngestException} saying which was refused, why, and how many were applied before it
   */
  public Future<IngestResult> submit(List<HeartbeatMessage> messages) {
    Promise<IngestResult> done = Promise.promise();
    next(messages, 0, 0, done);
    return done.future();
  }

  private void next(List<HeartbeatMessage> messages, int i, long lastId, Promise<IngestResult> done) {
    if (i == messages.size()) {
      done.complete(new IngestResult(messages.size(), lastId));
      return;
    }
    HeartbeatMessage m = messages.get(i);
    vertx.eventBus().<ApplyReply>request(Addresses.APPLY, m, APPLY).onComplete(ar -> {
      if (ar.failed()) {
        done.fail(notApplied(ar.cause(), m.nodename(), i, lastId));
        return;
      }
      ApplyReply r = ar.result().body();
      if (!r.accepted()) {
        done.fail(new IngestException(r.status(), null, r.error(), r.nodename(), r.merged(), i, r.id()));
        return;
      }
      next(messages, i + 1, r.id(), done);
    });
  }

  private static IngestException notApplied(Throwable t, String nodename, int accepted, long lastId) {
    if (t instanceof ReplyException r && r.failureType() == ReplyFailure.RECIPIENT_FAILURE
        && r.failureCode() >= 400 && r.failureCode() < 600) {
      return new IngestException(r.failureCode(), null, r.getMessage(), nodename, -1, accepted, lastId);
    }
    return new IngestException(503, null, "the gateway is not ready (" + t.getMessage() + ")", nodename, -1,
        accepted, lastId);
  }

  private JsonNode tree(byte[] json) {
    if (json == null || json.length == 0) {
      throw rejected(InvalidMessageException.Reason.NOT_JSON.label(), null,
          "empty body: expected a JSON heartbeat message");
    }
    try {
      JsonNode n = Json.parse(json);
      if (n == null || n.isMissingNode()) {
        throw rejected(InvalidMessageException.Reason.NOT_JSON.label(), null, "not JSON: the message is empty");
      }
      return n;
    } catch (StreamConstraintsException e) {
      String m = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
      boolean deep = m.toLowerCase(Locale.ROOT).contains("depth");
      throw rejected((deep ? InvalidMessageException.Reason.TOO_DEEP : InvalidMessageException.Reason.TOO_LARGE).label(),
          null, (deep ? "message nests deeper than " + Json.MAX_DEPTH + " levels: " : "message over a size limit: ") + m);
    } catch (JsonProcessingException e) {
      String m = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().split("\n")[0];
      throw rejected(InvalidMessageException.Reason.NOT_JSON.label(), null, "body is not valid JSON: " + m
          + (e.getLocation() == null || e.getLocation().getLineNr() < 0 ? ""
              : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
    } catch (IOException e) {
      throw rejected(InvalidMessageException.Reason.NOT_JSON.label(), null, "body is not valid JSON: " + e.getMessage());
    }
  }

  private HeartbeatMessage validate(JsonNode node, int index) {
    try {
      return HeartbeatMessage.parse(node, limits);
    } catch (InvalidMessageException e) {
      String nodename = node.path("nodename").isTextual() ? node.path("nodename").textValue() : null;
      throw rejected(e.reason(), nodename, (index >= 0 ? "message " + index + ": " : "") + e.getMessage(),
          e.httpStatus());
    }
  }

  private IngestException rejected(String reason, String nodename, String message) {
    return rejected(reason, nodename, message, 400);
  }

  private IngestException rejected(String reason, String nodename, String message, int status) {
    metrics.heartbeatRejected(reason);
    RejectionLog.log(reason, nodename, message);
    return new IngestException(status, reason, message, nodename, -1, 0, 0);
  }
}
