package io.svcgate.jmx;

import io.svcgate.jmx.impl.Calls;
import java.time.Duration;

/** The {@link ClusterMXBean} adapter over a {@link ClusterSource}. Thread-safe. */
public final class ClusterBean implements ClusterMXBean {

  private final ClusterSource source;
  private final Duration timeout;

  /**
   * @param source  the member's view of its group
   * @param timeout how long {@code transferLeadership} waits
   */
  public ClusterBean(ClusterSource source, Duration timeout) {
    this.source = source;
    this.timeout = timeout;
  }

  @Override
  public String getRole() {
    return source.role();
  }

  @Override
  public String getLeader() {
    return source.leader();
  }

  @Override
  public long getTerm() {
    return source.term();
  }

  @Override
  public long getAppliedEventId() {
    return source.appliedEventId();
  }

  @Override
  public long getCommitIndex() {
    return source.commitIndex();
  }

  @Override
  public ClusterMember[] getMembers() {
    return source.members().toArray(ClusterMember[]::new);
  }

  @Override
  public void transferLeadership(String memberId) {
    if (memberId == null || memberId.isBlank()) {
      throw new IllegalArgumentException("transferLeadership: give the id (host:port) of a member");
    }
    String id = memberId.trim();
    if (source.members().stream().noneMatch(m -> m.id().equals(id))) {
      throw new IllegalArgumentException("transferLeadership: '" + id + "' is not a member; the members are "
          + String.join(", ", source.members().stream().map(ClusterMember::id).toList()));
    }
    Calls.await(source.transferLeadership(id), timeout, "transferLeadership");
  }
}
