package io.svcgate.gateway;

import io.svcgate.gateway.cluster.ClusterStatus;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A scripted {@link ClusterStatus} for the tests of what reads one ({@code /api/cluster},
 * {@code /health}, the Cluster MBean, the cluster metrics), given to a real gateway
 * through {@link TestGateway#startWithCluster}. Every field is what the member "sees"
 * now; tests change them and watch the surfaces follow. {@link #setMembers} and
 * {@link #transferLeadership} record their calls and answer what {@link #onSetMembers}
 * and {@link #onTransfer} say (by default: done, and the members and leader change).
 */
public final class FakeCluster implements ClusterStatus {

  public volatile String name = "svcgate";
  public volatile String self = "127.0.0.1:7101";
  public volatile Role role = Role.LEADER;
  public volatile String leader = "127.0.0.1:7101";
  public volatile long term = 3;
  public volatile long commitIndex = 120;
  public volatile long appliedIndex = 118;
  public volatile long appliedEventId = 1842;
  public volatile List<Member> members = List.of(
      new Member("127.0.0.1:7101", "http://127.0.0.1:1215", Role.LEADER),
      new Member("127.0.0.1:7102", "http://127.0.0.1:1216", Role.FOLLOWER),
      new Member("127.0.0.1:7103", null, Role.FOLLOWER));
  public volatile Map<String, Long> followerLag = Map.of("127.0.0.1:7102", 0L, "127.0.0.1:7103", 7L);
  public volatile long leaderChanges = 2;
  public volatile String unhealthy;
  /** The answer to a {@link #setMembers} call; by default the members become {@code ids}. */
  public volatile Function<List<String>, Future<Void>> onSetMembers = ids -> {
    List<Member> next = new ArrayList<>();
    for (String id : ids) {
      next.add(new Member(id, null, id.equals(leader) ? Role.LEADER : Role.FOLLOWER));
    }
    members = List.copyOf(next);
    return Future.succeededFuture();
  };
  /** The answer to a {@link #transferLeadership} call; by default {@code memberId} becomes the leader. */
  public volatile Function<String, Future<Void>> onTransfer = id -> {
    leader = id;
    role = id.equals(self) ? Role.LEADER : Role.FOLLOWER;
    term++;
    leaderChanges++;
    return Future.succeededFuture();
  };
  public final List<List<String>> setMembersCalls = new CopyOnWriteArrayList<>();
  public final List<String> transferCalls = new CopyOnWriteArrayList<>();

  @Override
  public String name() {
    return name;
  }

  @Override
  public String self() {
    return self;
  }

  @Override
  public Role role() {
    return role;
  }

  @Override
  public Optional<String> leader() {
    return Optional.ofNullable(leader);
  }

  @Override
  public long term() {
    return term;
  }

  @Override
  public long commitIndex() {
    return commitIndex;
  }

  @Override
  public long appliedIndex() {
    return appliedIndex;
  }

  @Override
  public long appliedEventId() {
    return appliedEventId;
  }

  @Override
  public List<Member> members() {
    return members;
  }

  @Override
  public Map<String, Long> followerLag() {
    return role == Role.LEADER ? followerLag : Map.of();
  }

  @Override
  public long leaderChanges() {
    return leaderChanges;
  }

  @Override
  public Optional<String> unhealthy() {
    return Optional.ofNullable(unhealthy);
  }

  @Override
  public Future<Void> setMembers(List<String> ids) {
    setMembersCalls.add(List.copyOf(ids));
    return onSetMembers.apply(ids);
  }

  @Override
  public Future<Void> transferLeadership(String memberId) {
    transferCalls.add(memberId);
    return onTransfer.apply(memberId);
  }
}
