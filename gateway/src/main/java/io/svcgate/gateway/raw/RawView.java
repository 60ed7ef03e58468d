package io.svcgate.gateway.raw;

import io.svcgate.gateway.metrics.GatewayMetrics;
import io.svcgate.jmx.RawListenerSource;
import java.util.concurrent.CompletionStage;

/** The source of {@code svcgate:type=RawListener}: the listener's thread-safe counters. */
final class RawView implements RawListenerSource {

  private final RawVerticle listener;
  private final GatewayMetrics metrics;

  RawView(RawVerticle listener, GatewayMetrics metrics) {
    this.listener = listener;
    this.metrics = metrics;
  }

  @Override
  public int port() {
    return listener.actualPort();
  }

  @Override
  public long connections() {
    return listener.openConnections();
  }

  @Override
  public long connectionsAccepted() {
    return metrics.rawConnectionsAccepted();
  }

  @Override
  public long eventStreams() {
    return listener.eventStreams();
  }

  @Override
  public long requests() {
    return metrics.rawRequests();
  }

  @Override
  public long rejected() {
    return metrics.rawRejected();
  }

  @Override
  public long decryptFailures() {
    return metrics.rawDecryptFailures();
  }

  @Override
  public long relaySlots() {
    return listener.relaySlotCount();
  }

  @Override
  public long relayMessages() {
    return metrics.rawRelayMessages();
  }

  @Override
  public long blacklisted() {
    return listener.blacklistedNow();
  }

  @Override
  public CompletionStage<Integer> clearBlacklist() {
    return listener.clearBlacklist().toCompletionStage();
  }
}
