package io.svcgate.gateway.management;

import io.svcgate.gateway.Addresses;
import io.svcgate.gateway.history.History;
import io.svcgate.gateway.metrics.GatewayMetrics;
import io.svcgate.gateway.state.StatusReply;
import io.svcgate.gateway.state.WaitRequest;
import io.svcgate.gateway.state.WaitResult;
import io.svcgate.jmx.GatewaySource;
import io.svcgate.jmx.WaitOutcome;
import io.svcgate.state.filter.Condition;
import io.svcgate.state.filter.Durations;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The Gateway bean's source: counters from {@link GatewayMetrics}, the node count
 * from the {@link NodeTable}, status and waits asked of the state verticle over the
 * event bus, as {@code GET /api/daemon/status} and {@code GET /api/wait} do.
 */
final class GatewayView implements GatewaySource {

  private static final long TIMEOUT_MS = 10_000;
  private static final long WAIT_GRACE_MS = 5_000;

  private final Vertx vertx;
  private final GatewayMetrics metrics;
  private final History history;
  private final NodeTable nodes;
  private final String version;
  private final String nodename;
  private final Instant started;
  private final Duration maxWait;

  GatewayView(Vertx vertx, GatewayMetrics metrics, History history, NodeTable nodes, String version, String nodename,
              Instant started, Duration maxWait) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.history = history;
    this.nodes = nodes;
    this.version = version;
    this.nodename = nodename;
    this.started = started;
    this.maxWait = maxWait;
  }

  @Override
  public String version() {
    return version;
  }

  @Override
  public String nodename() {
    return nodename;
  }

  @Override
  public String epoch() {
    return history.epoch();
  }

  @Override
  public long lastEventId() {
    return Math.max(metrics.lastEventId(), history.lastId());
  }

  @Override
  public Instant startTime() {
    return started;
  }

  @Override
  public Duration uptime() {
    return Duration.between(started, Instant.now());
  }

  @Override
  public CompletionStage<Integer> nodeCount() {
    return nodes.current().thenApply(t -> t.size());
  }

  @Override
  public long heartbeatsReceived() {
    return metrics.heartbeatsReceived();
  }

  @Override
  public long heartbeatsRejected() {
    return metrics.heartbeatsRejected();
  }

  @Override
  public long patchesApplied() {
    return metrics.patchesApplied();
  }

  @Override
  public long fullsApplied() {
    return metrics.fullsApplied();
  }

  @Override
  public long resyncs() {
    return metrics.resyncs();
  }

  @Override
  public long eventsEmitted() {
    return metrics.eventsEmitted();
  }

  @Override
  public CompletionStage<String> status(String filter) {
    return Bus.ask(vertx, Addresses.STATUS, filter.strip(), TIMEOUT_MS, StatusReply.class)
        .thenApply(r -> new String(r.json(), StandardCharsets.UTF_8));
  }

  @Override
  public CompletionStage<WaitOutcome> waitFor(String condition, String duration) {
    Condition c;
    long ms;
    try {
      if (condition == null || condition.isBlank()) {
        throw new IllegalArgumentException("condition must not be empty");
      }
      if (duration == null || duration.isBlank()) {
        throw new IllegalArgumentException("duration must not be empty (e.g. 30s, 5m)");
      }
      c = Condition.parse(condition);
      ms = Math.min(Durations.parse(duration).toMillis(), maxWait.toMillis());
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    String wid = UUID.randomUUID().toString();
    return Bus.ask(vertx, Addresses.WAIT, new WaitRequest(wid, c, ms), ms + WAIT_GRACE_MS, WaitResult.class)
        .whenComplete((r, err) -> {
          if (err != null) {
            vertx.eventBus().send(Addresses.WAIT_CANCEL, wid);
          }
        })
        .thenApply(r -> new WaitOutcome(r.satisfied(), r.elapsed(), r.id()));
  }

  @Override
  public Duration maxWait() {
    return maxWait.plusMillis(WAIT_GRACE_MS);
  }
}
