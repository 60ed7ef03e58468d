package io.svcgate.jmx;

import io.svcgate.jmx.impl.Calls;
import java.time.Duration;

/** The {@link RawListenerMXBean} adapter over a {@link RawListenerSource}. Thread-safe. */
public final class RawListenerBean implements RawListenerMXBean {

  private final RawListenerSource source;
  private final Duration timeout;

  /**
   * @param source  the listener's counters
   * @param timeout how long {@code clearBlacklist} waits
   */
  public RawListenerBean(RawListenerSource source, Duration timeout) {
    this.source = source;
    this.timeout = timeout;
  }

  @Override
  public int getPort() {
    return source.port();
  }

  @Override
  public long getConnections() {
    return source.connections();
  }

  @Override
  public long getConnectionsAccepted() {
    return source.connectionsAccepted();
  }

  @Override
  public long getEventStreams() {
    return source.eventStreams();
  }

  @Override
  public long getRequests() {
    return source.requests();
  }

  @Override
  public long getRejected() {
    return source.rejected();
  }

  @Override
  public long getDecryptFailures() {
    return source.decryptFailures();
  }

  @Override
  public long getRelaySlots() {
    return source.relaySlots();
  }

  @Override
  public long getRelayMessages() {
    return source.relayMessages();
  }

  @Override
  public long getBlacklisted() {
    return source.blacklisted();
  }

  @Override
  public int clearBlacklist() {
    return Calls.await(source.clearBlacklist(), timeout, "clearBlacklist");
  }
}
