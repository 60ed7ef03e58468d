package io.svcgate.jmx;

/**
 * This gateway as a member of a Raft group of gateways (docs/clustering.md):
 * {@code svcgate:type=Cluster}, registered only with {@code --cluster}.
 */
public interface ClusterMXBean {

  /** This member's role: {@code leader}, {@code follower}, {@code candidate} or {@code listener}. */
  String getRole();

  /** The current leader's id ({@code host:port}), empty while there is none. */
  String getLeader();

  /** The Raft term this member is in. */
  long getTerm();

  /** The id of the last event this member has applied (the same id on every member). */
  long getAppliedEventId();

  /** The Raft log index committed, as this member knows it. */
  long getCommitIndex();

  /**
   * The members of the group's current configuration, in order. Generic JMX clients
   * see a {@code CompositeData[]} with the items {@code id}, {@code http}, {@code role}.
   */
  ClusterMember[] getMembers();

  /**
   * Asks the leader to hand leadership to the member {@code memberId} ({@code host:port});
   * returns once the transfer is done.
   *
   * @throws IllegalArgumentException when {@code memberId} is not a member of the group
   * @throws IllegalStateException    when the transfer fails or does not finish in time
   */
  void transferLeadership(String memberId);
}
