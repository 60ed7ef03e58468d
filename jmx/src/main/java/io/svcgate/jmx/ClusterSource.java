package io.svcgate.jmx;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * What {@link ClusterBean} reads and asks: point-in-time values a Raft member keeps
 * thread-safe, and the leadership transfer, which fails with an
 * {@link IllegalArgumentException} for a member id that is not in the group.
 */
public interface ClusterSource {

  /** {@code leader}, {@code follower}, {@code candidate} or {@code listener}. */
  String role();

  /** The leader's id, empty while there is none. */
  String leader();

  long term();

  long appliedEventId();

  long commitIndex();

  List<ClusterMember> members();

  CompletionStage<Void> transferLeadership(String memberId);
}
