package io.svcgate.gateway.cluster;

import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a member of a Raft group of gateways knows of the group, and the two
 * changes an operator can ask of it (docs/clustering.md). Read by
 * {@code GET /api/cluster}, {@code /health}, the {@code svcgate:type=Cluster}
 * MBean and the {@code svcgate_cluster_*} metrics. Implementations are
 * thread-safe and never block: every read returns what the member last saw.
 * Only exists with {@code --cluster}; a single gateway has none.
 */
public interface ClusterStatus {

  /** A member's role, as Raft names it. */
  enum Role {
    LEADER, FOLLOWER, CANDIDATE, LISTENER;

    /** The lower-case name used in JSON and metric labels. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * One member of the group.
   *
   * @param id   its Raft address {@code host:port}, which is its id
   * @param http its advertised HTTP base URL ({@code cluster.http-url}), null until it announced it
   * @param role its role as this member sees it (only the leader and this member are known for sure;
   *             others are {@code FOLLOWER})
   */
  record Member(String id, String http, Role role) {
  }

  /** {@code cluster.name}: the group's name, also the document's {@code gateway.nodename} in cluster mode. */
  String name();

  /** This member's id ({@code host:port}). */
  String self();

  Role role();

  /** The current leader's id, empty while there is none (an election, no majority). */
  Optional<String> leader();

  long term();

  /** The Raft log index committed, as this member knows it. */
  long commitIndex();

  /** The Raft log index this member has applied to its state and history. */
  long appliedIndex();

  /** The id of the last event this member has applied (the same id on every member). */
  long appliedEventId();

  /** Every member of the current configuration, in the configured order. */
  List<Member> members();

  /** On the leader: how many entries each follower is behind (by id); empty elsewhere. */
  Map<String, Long> followerLag();

  /** Leader changes this member has seen since it started. */
  long leaderChanges();

  /**
   * Why this member is not healthy, or empty when it is: it knows a leader and has
   * applied what it knows committed ({@code /health} answers 503 with the reason).
   */
  Optional<String> unhealthy();

  /**
   * Changes the group's members to {@code ids} through Raft's own configuration
   * change. Fails with an {@link IllegalArgumentException} for a list that is not
   * valid (empty, malformed, duplicated), and with the cause when the group refuses.
   */
  Future<Void> setMembers(List<String> ids);

  /** Asks the leader to hand leadership to {@code memberId}; fails when it is not a member or the transfer fails. */
  Future<Void> transferLeadership(String memberId);
}
