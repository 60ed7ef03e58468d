package io.svcgate.gateway.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.svcgate.gateway.bus.LocalCodec;
import io.svcgate.gateway.config.ConfigException;
import io.svcgate.gateway.state.ApplyReply;
import io.svcgate.state.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.svcgate.gateway.history.RaftPosition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.proto.RaftProtos.CommitInfoProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This gateway as a member of a Raft group of gateways (docs/clustering.md): the
 * Ratis server (gRPC on {@code cluster.host:cluster.port}, log under
 * {@code <data>/raft}), the Ratis client this member proposes through (Ratis sends
 * it to the leader wherever it is), and what the member knows of the group
 * ({@link ClusterStatus}). Thread-safe; nothing here runs on an event loop except
 * the cheap reads of {@link ClusterStatus}.
 */
public final class RaftMember implements ClusterStatus, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RaftMember.class);

  /** A follower further behind what it knows committed than this is catching up, not healthy. */
  static final long HEALTHY_LAG = GatewayStateMachine.APPLY_WINDOW;

  private final ClusterOptions options;
  private final RaftGroupId groupId;
  private final RaftPeerId selfId;
  private final LongSupplier lastEventId;
  private final GatewayStateMachine machine;
  private final Map<String, String> urls = new ConcurrentHashMap<>();
  private final AtomicReference<String> ownUrl = new AtomicReference<>();
  private final AtomicBoolean announcing = new AtomicBoolean();
  private volatile boolean reannounce = true;
  private final AtomicLong leaderChanges = new AtomicLong();
  /** The last leader known (not cleared while there is none). */
  private volatile RaftPeerId lastLeader;
  /** Proposals are handed to the Ratis client one at a time, in order, off the event loops. */
  private final ExecutorService sender;
  private final ExecutorService admin;
  private final RaftProperties properties = new RaftProperties();
  private final boolean snapshotting;
  private RaftServer server;
  private RaftClient client;
  private volatile boolean closed;

  /**
   * @param recorded    where the history stopped in the log (null-free: empty for a new history)
   * @param lastEventId the id of the last event applied here
   */
  public RaftMember(ClusterOptions options, Vertx vertx, Supplier<Optional<RaftPosition>> recorded,
                    LongSupplier lastEventId) {
    this(options, vertx, recorded, null, lastEventId);
  }

  /**
   * @param snapshots the history as Raft snapshots (null: none, the log is kept whole)
   */
  public RaftMember(ClusterOptions options, Vertx vertx, Supplier<Optional<RaftPosition>> recorded,
                    HistorySnapshots snapshots, LongSupplier lastEventId) {
    this.options = options;
    this.groupId = groupId(options.name());
    this.selfId = RaftPeerId.valueOf(options.self());
    this.lastEventId = lastEventId;
    try {
      vertx.eventBus().registerCodec(new LocalCodec<>(Committed.class));
    } catch (IllegalStateException alreadyRegistered) {
      // the gateway registers its local codecs too
    }
    try {
      vertx.eventBus().registerCodec(new LocalCodec<>(ApplyReply.Batch.class));
    } catch (IllegalStateException alreadyRegistered) {
      // the gateway registers its local codecs too
    }
    this.snapshotting = snapshots != null;
    this.machine = new GatewayStateMachine(vertx, recorded, snapshots, this::announced, () -> reannounce = true,
        this::leaderChanged);
    this.sender = Executors.newSingleThreadExecutor(r -> daemon(r, "svcgate-raft-propose"));
    this.admin = Executors.newSingleThreadExecutor(r -> daemon(r, "svcgate-raft-admin"));
    loadUrls();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** The Raft group id of a group name: the same on every member that has the same {@code cluster.name}. */
  static RaftGroupId groupId(String name) {
    return RaftGroupId.valueOf(UUID.nameUUIDFromBytes(("svcgate-raft-group:" + name).getBytes(StandardCharsets.UTF_8)));
  }

  static RaftPeer peer(String id) {
    return RaftPeer.newBuilder().setId(id).setAddress(id).build();
  }

  /**
   * Starts the Ratis server and client; blocks (call it off the event loops). The
   * member takes part in elections from then on; it serves writes once a leader exists.
   */
  public synchronized void start() throws IOException {
    Files.createDirectories(options.storage());
    GrpcConfigKeys.Server.setHost(properties, options.host());
    GrpcConfigKeys.Server.setPort(properties, options.port());
    RaftServerConfigKeys.setStorageDir(properties, List.of(options.storage().toFile()));
    // Elections: long enough that a loaded machine or a GC pause does not depose a live leader,
    // short enough that a dead one is replaced within a few seconds.
    RaftServerConfigKeys.Rpc.setTimeoutMin(properties, TimeDuration.valueOf(1000, TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Rpc.setTimeoutMax(properties, TimeDuration.valueOf(2000, TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Rpc.setRequestTimeout(properties, TimeDuration.valueOf(3000, TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.LeaderElection.setPreVote(properties, true);
    // Acknowledged means on disk: the log is fsynced before an entry counts toward a majority.
    RaftServerConfigKeys.Log.setUnsafeFlushEnabled(properties, false);
    RaftServerConfigKeys.Log.setAsyncFlushEnabled(properties, false);
    RaftServerConfigKeys.Log.setSegmentSizeMax(properties, org.apache.ratis.util.SizeInBytes.valueOf("8MB"));
    RaftServerConfigKeys.Log.setPreallocatedSize(properties, org.apache.ratis.util.SizeInBytes.valueOf("1MB"));
    // the history is the state machine's durable copy (docs/storage.md): packed as a snapshot every
    // cluster.snapshot-every entries, the log trimmed behind it, sent to a member too far behind
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(properties, snapshotting);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(properties, options.snapshotEvery());
    RaftServerConfigKeys.Snapshot.setTriggerWhenStopEnabled(properties, false);
    RaftServerConfigKeys.Snapshot.setRetentionFileNum(properties, 2);
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(properties, true);
    RaftServerConfigKeys.Log.setPurgeGap(properties, (int) Math.min(1024, Math.max(1, options.snapshotEvery() / 2)));
    RaftClientConfigKeys.Rpc.setRequestTimeout(properties, TimeDuration.valueOf(3000, TimeUnit.MILLISECONDS));
    RaftClientConfigKeys.Async.setOutstandingRequestsMax(properties, 100_000);
    RaftClientConfigKeys.Async.Experimental.setSendDummyRequest(properties, false);

    List<RaftPeer> peers = options.members().stream().map(RaftMember::peer).toList();
    RaftGroup group = RaftGroup.valueOf(groupId, peers);
    server = RaftServer.newBuilder()
        .setServerId(selfId)
        .setGroup(group)
        .setProperties(properties)
        .setStateMachine(machine)
        .setOption(RaftStorage.StartupOption.RECOVER)
        .build();
    server.start();
    // the configuration Raft agreed on wins over cluster.members once the group has changed it
    Collection<RaftPeer> current = division().map(d -> d.getRaftConf().getCurrentPeers()).orElse(peers);
    long attempts = Math.max(3, options.requestTimeout().toMillis() / 100);
    client = RaftClient.newBuilder()
        .setProperties(properties)
        .setRaftGroup(RaftGroup.valueOf(groupId, current))
        .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep((int) attempts,
            TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)))
        .build();
    LOG.info("raft: member {} of group '{}' ({}), members {}, log in {}", options.self(), options.name(), groupId,
        current.stream().map(p -> p.getId().toString()).toList(), options.storage());
  }

  /** This member's own HTTP base URL, announced to the group once a leader exists. */
  public void announce(String url) {
    ownUrl.set(url);
    urls.putIfAbsent(options.self(), url);
    maybeAnnounce();
  }

  /**
   * Proposes this member's URL when the group does not have it yet (or after a
   * configuration or leader change); at most one announcement in flight.
   */
  void maybeAnnounce() {
    String url = ownUrl.get();
    if (url == null || closed || leader().isEmpty() || (!reannounce && url.equals(replicatedUrl.get()))) {
      return;
    }
    if (!announcing.compareAndSet(false, true)) {
      return;
    }
    reannounce = false;
    propose(new EntryCodec.Announce(options.self(), url)).whenComplete((r, t) -> {
      announcing.set(false);
      if (t != null) {
        reannounce = true;
      }
    });
  }

  private final AtomicReference<String> replicatedUrl = new AtomicReference<>();
  private final Object urlsLock = new Object();

  private void announced(EntryCodec.Announce a) {
    if (a.member().equals(options.self())) {
      replicatedUrl.set(a.http());
    }
    if (!a.http().equals(urls.put(a.member(), a.http()))) {
      saveUrls();
    }
  }

  private Path urlsFile() {
    return options.storage().resolve("members.json");
  }

  private void loadUrls() {
    Path f = urlsFile();
    if (!Files.isRegularFile(f)) {
      return;
    }
    try {
      JsonNode n = Json.parse(Files.readAllBytes(f));
      n.fields().forEachRemaining(e -> {
        if (e.getValue().isTextual()) {
          urls.put(e.getKey(), e.getValue().textValue());
        }
      });
    } catch (IOException | RuntimeException e) {
      LOG.warn("raft: {} cannot be read ({}): member URLs are learnt again from their announcements", f, e.getMessage());
    }
  }

  private void saveUrls() {
    synchronized (urlsLock) {
      writeUrls();
    }
  }

  private void writeUrls() {
    ObjectNode o = Json.NODES.objectNode();
    new java.util.TreeMap<>(urls).forEach(o::put);
    Path f = urlsFile();
    Path tmp = f.resolveSibling("members.json.tmp");
    try {
      Files.createDirectories(f.getParent());
      Files.write(tmp, Json.bytes(o));
      Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      LOG.warn("raft: cannot write {} ({}): member URLs stay in memory", f, e.getMessage());
    }
  }

  private void leaderChanged(RaftPeerId newLeader) {
    if (newLeader != null && !newLeader.equals(lastLeader)) {
      leaderChanges.incrementAndGet();
      LOG.info("raft: leader is {} (term {})", newLeader, term());
      reannounce = true;
      lastLeader = newLeader;
    } else if (newLeader == null) {
      // an election in progress: the next leader counts as a change only if it is another member
      LOG.info("raft: no leader");
    }
  }

  /**
   * Proposes a command ({@link Committed.Command} or an announcement) to the group and
   * completes with the leader's answer once the entry is committed by a majority and
   * applied here; fails when the group does not commit it (no leader, no majority).
   */
  public CompletableFuture<ApplyReply> propose(Object command) {
    return proposeRequest(EntryCodec.request(command), EntryCodec::reply);
  }

  /**
   * As {@link #propose}, for a request already made by {@link EntryCodec} (a heartbeat's
   * or a batch's), its reply read by {@code replyReader}.
   */
  public <R> CompletableFuture<R> proposeRequest(byte[] request, ReplyReader<R> replyReader) {
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("the Raft member is stopping"));
    }
    Message m = Message.valueOf(ByteString.copyFrom(request));
    return CompletableFuture.supplyAsync(() -> client.async().send(m), sender)
        .thenCompose(f -> f)
        .thenCompose(reply -> {
          if (!reply.isSuccess()) {
            throw new CompletionException(reply.getException());
          }
          R r;
          try {
            r = replyReader.read(reply.getMessage().getContent().toByteArray());
          } catch (EntryCodec.CorruptEntryException e) {
            throw new CompletionException(e);
          }
          return machine.awaitApplied(reply.getLogIndex()).thenApply(v -> r);
        });
  }

  /** Reads the reply bytes of an applied entry. */
  @FunctionalInterface
  public interface ReplyReader<R> {
    R read(byte[] reply) throws EntryCodec.CorruptEntryException;
  }

  /** Whether this member is the leader, ready to propose (its first entry of the term committed). */
  public boolean isLeaderReady() {
    return info().map(DivisionInfo::isLeaderReady).orElse(false);
  }

  private Optional<RaftServer.Division> division() {
    RaftServer s = server;
    if (s == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(s.getDivision(groupId));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private Optional<DivisionInfo> info() {
    return division().map(RaftServer.Division::getInfo);
  }

  // --- ClusterStatus ---------------------------------------------------------

  @Override
  public String name() {
    return options.name();
  }

  @Override
  public String self() {
    return options.self();
  }

  @Override
  public Role role() {
    return info().map(i -> switch (i.getCurrentRole()) {
      case LEADER -> Role.LEADER;
      case CANDIDATE -> Role.CANDIDATE;
      case LISTENER -> Role.LISTENER;
      default -> Role.FOLLOWER;
    }).orElse(Role.FOLLOWER);
  }

  @Override
  public Optional<String> leader() {
    return info().filter(DivisionInfo::isAlive).map(DivisionInfo::getLeaderId).map(RaftPeerId::toString);
  }

  @Override
  public long term() {
    return info().map(DivisionInfo::getCurrentTerm).orElse(0L);
  }

  @Override
  public long commitIndex() {
    return division().map(d -> Math.max(0, d.getRaftLog().getLastCommittedIndex())).orElse(0L);
  }

  @Override
  public long appliedIndex() {
    return Math.max(0, machine.applied());
  }

  @Override
  public long appliedEventId() {
    return lastEventId.getAsLong();
  }

  @Override
  public List<Member> members() {
    Optional<String> leader = leader();
    Collection<RaftPeer> peers = division().map(d -> d.getRaftConf().getCurrentPeers())
        .orElse(options.members().stream().map(RaftMember::peer).toList());
    Role mine = role();
    List<String> order = options.members();
    List<Member> out = new ArrayList<>();
    for (RaftPeer p : peers) {
      String id = p.getId().toString();
      Role r = id.equals(options.self()) ? mine : leader.filter(id::equals).isPresent() ? Role.LEADER : Role.FOLLOWER;
      out.add(new Member(id, urls.get(id), r));
    }
    out.sort(Comparator.comparingInt((Member m) -> order.indexOf(m.id()) < 0 ? Integer.MAX_VALUE : order.indexOf(m.id()))
        .thenComparing(Member::id));
    return out;
  }

  @Override
  public Map<String, Long> followerLag() {
    Optional<RaftServer.Division> d = division();
    if (d.isEmpty() || !d.get().getInfo().isLeader()) {
      return Map.of();
    }
    long commit = commitIndex();
    Map<String, Long> lag = new LinkedHashMap<>();
    for (CommitInfoProto c : d.get().getCommitInfos()) {
      String id = RaftPeerId.valueOf(c.getServer().getId()).toString();
      if (!id.equals(options.self())) {
        lag.put(id, Math.max(0, commit - c.getCommitIndex()));
      }
    }
    return lag;
  }

  @Override
  public long leaderChanges() {
    return leaderChanges.get();
  }

  @Override
  public Optional<String> unhealthy() {
    Optional<String> failed = machine.failure();
    if (failed.isPresent()) {
      return failed;
    }
    if (closed || info().map(i -> !i.isAlive()).orElse(true)) {
      return Optional.of("the Raft member is not running");
    }
    if (leader().isEmpty()) {
      return Optional.of("no leader: an election is under way, or no majority of the members is reachable");
    }
    long commit = commitIndex();
    long applied = appliedIndex();
    if (commit - applied > HEALTHY_LAG) {
      return Optional.of("catching up: applied " + applied + " of " + commit + " committed Raft entries");
    }
    return Optional.empty();
  }

  @Override
  public Future<Void> setMembers(List<String> ids) {
    List<String> members;
    try {
      members = ClusterOptions.members(ids);
    } catch (ConfigException e) {
      return Future.failedFuture(new IllegalArgumentException(e.getMessage().replace("cluster.members", "members")));
    }
    List<RaftPeer> peers = members.stream().map(RaftMember::peer).toList();
    return adminCall(() -> client.admin().setConfiguration(peers))
        .onSuccess(v -> LOG.info("raft: members are now {}", members));
  }

  @Override
  public Future<Void> transferLeadership(String memberId) {
    if (members().stream().noneMatch(m -> m.id().equals(memberId))) {
      return Future.failedFuture(new IllegalArgumentException(memberId + " is not a member of the group"));
    }
    return adminCall(() -> client.admin().transferLeadership(RaftPeerId.valueOf(memberId),
        Math.max(3000, options.requestTimeout().toMillis())));
  }

  private interface AdminCall {
    RaftClientReply call() throws IOException;
  }

  private Future<Void> adminCall(AdminCall c) {
    if (closed || client == null) {
      return Future.failedFuture(new IllegalStateException("the Raft member is not running"));
    }
    CompletableFuture<Void> f = CompletableFuture.supplyAsync(() -> {
      try {
        RaftClientReply r = c.call();
        if (!r.isSuccess()) {
          throw new CompletionException(r.getException());
        }
        return null;
      } catch (IOException e) {
        throw new CompletionException(e);
      }
    }, admin);
    return Future.fromCompletionStage(f.exceptionallyCompose(t -> CompletableFuture.failedFuture(
        t instanceof CompletionException && t.getCause() != null ? t.getCause() : t)));
  }

  /** Stops the client and the server; blocks (call it off the event loops). */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    sender.shutdown();
    admin.shutdownNow();
    try {
      if (client != null) {
        client.close();
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("raft: closing the client failed", e);
    }
    try {
      if (server != null) {
        server.close();
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("raft: closing the server failed", e);
    }
    machine.failWaiters(new IllegalStateException("the Raft member stopped"));
    LOG.info("raft: member {} stopped at applied index {}", options.self(), machine.applied());
  }
}
