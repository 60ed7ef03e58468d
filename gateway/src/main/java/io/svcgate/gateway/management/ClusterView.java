package io.svcgate.gateway.management;

import io.svcgate.gateway.cluster.ClusterStatus;
import io.svcgate.jmx.ClusterMember;
import io.svcgate.jmx.ClusterSource;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** {@link ClusterSource} over this member's {@link ClusterStatus}, which is thread-safe and never blocks. */
final class ClusterView implements ClusterSource {

  private final ClusterStatus cluster;

  ClusterView(ClusterStatus cluster) {
    this.cluster = cluster;
  }

  @Override
  public String role() {
    return cluster.role().label();
  }

  @Override
  public String leader() {
    return cluster.leader().orElse("");
  }

  @Override
  public long term() {
    return cluster.term();
  }

  @Override
  public long appliedEventId() {
    return cluster.appliedEventId();
  }

  @Override
  public long commitIndex() {
    return cluster.commitIndex();
  }

  @Override
  public List<ClusterMember> members() {
    return cluster.members().stream()
        .map(m -> new ClusterMember(m.id(), m.http() == null ? "" : m.http(), m.role().label())).toList();
  }

  @Override
  public CompletionStage<Void> transferLeadership(String memberId) {
    return cluster.transferLeadership(memberId).toCompletionStage();
  }
}
