package io.svcgate.jmx;

import io.svcgate.jmx.impl.Calls;
import java.time.Duration;

/** The {@link NodeMXBean} adapter over a {@link NodeSource}. Thread-safe. */
public final class NodeBean implements NodeMXBean {

  private final NodeSource source;
  private final Duration timeout;

  /**
   * @param source  what to read and ask about the node
   * @param timeout how long a read or {@code askFull} waits for the gateway
   */
  public NodeBean(NodeSource source, Duration timeout) {
    this.source = source;
    this.timeout = timeout;
  }

  private NodeSnapshot snapshot(String attribute) {
    return Calls.await(source.snapshot(), timeout, attribute);
  }

  @Override
  public long getGen() {
    return snapshot("Gen").gen();
  }

  @Override
  public String getStatus() {
    return snapshot("Status").status();
  }

  @Override
  public boolean isNeedsFull() {
    return snapshot("NeedsFull").needsFull();
  }

  @Override
  public double getLastSeen() {
    return snapshot("LastSeen").lastSeen();
  }

  @Override
  public double getFrozen() {
    return snapshot("Frozen").frozen();
  }

  @Override
  public long getPatchesApplied() {
    return snapshot("PatchesApplied").patchesApplied();
  }

  @Override
  public long getResyncs() {
    return snapshot("Resyncs").resyncs();
  }

  @Override
  public void askFull() {
    Calls.await(source.askFull(), timeout, "askFull");
  }
}
