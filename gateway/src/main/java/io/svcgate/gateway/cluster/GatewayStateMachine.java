package io.svcgate.gateway.cluster;

import io.svcgate.gateway.Addresses;
import io.svcgate.gateway.bus.LocalCodec;
import io.svcgate.gateway.state.ApplyReply;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.svcgate.gateway.history.RaftPosition;
import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftConfigurationProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway as a Raft state machine (docs/clustering.md, "The Raft log"). The
 * leader stamps every entry with its clock ({@link #startTransaction}); every member
 * hands each committed entry, in log order, to the state verticle on
 * {@link Addresses#APPLY_COMMITTED} and completes the entry with the encoded
 * {@link ApplyReply} (for a batch, {@link ApplyReply.Batch}) once the verticle made it durable. The applied index advances
 * in log order, only over entries durable here; {@link #awaitApplied} waits for it.
 *
 * <p>Ratis calls {@code applyTransaction} on its own updater thread, never an event
 * loop: at most {@value #APPLY_WINDOW} entries are handed over and not yet answered
 * at once (a member catching up replays its backlog at the state verticle's pace).
 * An entry that cannot be read is logged at ERROR and answered 400 on every member
 * alike (the bytes are the same everywhere); one written by a newer svcgate stops
 * this member (loudly) rather than let it diverge.
 */
final class GatewayStateMachine extends BaseStateMachine {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayStateMachine.class);

  /** Entries handed to the state verticle and not yet durable, at most. */
  static final int APPLY_WINDOW = 1024;
  /** How long the state verticle may take to make one entry durable before this member counts as failed. */
  private static final long APPLY_TIMEOUT_MS = 600_000;

  private final Vertx vertx;
  private final Supplier<Optional<RaftPosition>> recorded;
  /** The history as snapshots; null: none taken (tests of the plumbing alone). */
  private final HistorySnapshots snapshots;
  private final Consumer<EntryCodec.Announce> announced;
  private final Runnable configurationChanged;
  private final Consumer<RaftPeerId> leaderChanged;
  private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
  private final Semaphore window = new Semaphore(APPLY_WINDOW);
  private final ConcurrentSkipListMap<Long, CompletableFuture<Void>> waiters = new ConcurrentSkipListMap<>();
  private final DeliveryOptions delivery;
  /** The entries applied in log order; only the updater thread extends it. */
  private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
  private volatile long applied = -1;
  /** The position the history recorded when the member started (null for a new history). */
  private volatile TermIndex durable;
  private volatile String failure;
  /** The latest leader clock seen: a new leader never stamps an entry earlier than the one before. */
  private final AtomicLong lastMillis = new AtomicLong();

  /**
   * @param recorded             where the history says it stopped: the (term, index) of the last entry it made durable
   * @param announced            called with every member URL announcement applied
   * @param configurationChanged called when a new group configuration is applied
   * @param leaderChanged        called with the new leader (null while there is none)
   */
  GatewayStateMachine(Vertx vertx, Supplier<Optional<RaftPosition>> recorded, HistorySnapshots snapshots,
                      Consumer<EntryCodec.Announce> announced, Runnable configurationChanged,
                      Consumer<RaftPeerId> leaderChanged) {
    this.vertx = vertx;
    this.snapshots = snapshots;
    this.recorded = recorded;
    this.announced = announced;
    this.configurationChanged = configurationChanged;
    this.leaderChanged = leaderChanged;
    this.delivery = new DeliveryOptions().setCodecName(LocalCodec.nameOf(Committed.class)).setSendTimeout(APPLY_TIMEOUT_MS);
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
    super.initialize(server, groupId, raftStorage);
    getLifeCycle().transition(LifeCycle.State.STARTING);
    storage.init(raftStorage);
    Optional<RaftPosition> from = recorded.get();
    if (from.isPresent()) {
      durable = TermIndex.valueOf(from.get().term(), from.get().index());
      setLastAppliedTermIndex(durable);
      applied = from.get().index();
      LOG.info("raft: the history holds the log up to index {} (term {}); replaying only what follows",
          from.get().index(), from.get().term());
      SnapshotInfo s = storage.getLatestSnapshot();
      if (snapshots != null && (s == null || s.getIndex() < durable.getIndex())) {
        // the snapshot Ratis may send must be at least where this member resumes
        try {
          takeSnapshot();
        } catch (IOException e) {
          LOG.warn("raft: cannot snapshot the history at start ({}): no snapshot until the next one", e.getMessage());
        }
      }
    } else {
      applied = 0;
    }
    getLifeCycle().transition(LifeCycle.State.RUNNING);
  }

  /** Before Ratis installs a snapshot from the leader. */
  @Override
  public void pause() {
    getLifeCycle().transition(LifeCycle.State.PAUSING);
    getLifeCycle().transition(LifeCycle.State.PAUSED);
  }

  @Override
  public StateMachineStorage getStateMachineStorage() {
    return storage;
  }

  /**
   * Where Ratis resumes applying the log after a restart: the history itself holds every
   * change up to the position it recorded, so it stands for a snapshot at that position
   * (with no file: the log is never purged below it, so no member ever needs it sent).
   */
  @Override
  public SnapshotInfo getLatestSnapshot() {
    SnapshotInfo s = storage.getLatestSnapshot();
    TermIndex d = durable;
    if (d == null || (s != null && s.getIndex() >= d.getIndex())) {
      return s;
    }
    return new SnapshotInfo() {
      @Override
      public TermIndex getTermIndex() {
        return d;
      }

      @Override
      public List<FileInfo> getFiles() {
        return List.of();
      }
    };
  }

  /**
   * Packs the history into Ratis' snapshot file layout ({@code snapshot.<term>_<index>}
   * plus its MD5) at the history's Raft position; Ratis then trims its log behind it.
   */
  @Override
  public long takeSnapshot() throws IOException {
    if (snapshots == null) {
      return super.takeSnapshot();
    }
    SnapshotInfo latest = storage.getLatestSnapshot();
    Optional<RaftPosition> now = recorded.get();
    if (latest != null && now.map(RaftPosition::index).orElse(0L) <= latest.getIndex()) {
      // the history has not moved since (entries that changed nothing): the snapshot stands
      return latest.getIndex();
    }
    RaftPosition p;
    try {
      p = snapshots.export(pos -> storage.getSnapshotFile(pos.term(), pos.index()).toPath()).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while the history was packed", e);
    } catch (ExecutionException e) {
      throw new IOException("packing the history failed: " + e.getCause().getMessage(), e.getCause());
    }
    if (p.index() == 0) {
      return RaftLog.INVALID_LOG_INDEX;
    }
    File f = storage.getSnapshotFile(p.term(), p.index());
    MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(f);
    storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(f.toPath(), md5),
        TermIndex.valueOf(p.term(), p.index())));
    LOG.info("raft: history snapshot at index {} (term {}), {} bytes", p.index(), p.term(), f.length());
    return p.index();
  }

  /** After Ratis installed a snapshot from the leader: the history and state become the snapshot's. */
  @Override
  public void reinitialize() throws IOException {
    getLifeCycle().transition(LifeCycle.State.STARTING);
    SingleFileSnapshotInfo s = storage.loadLatestSnapshot();
    if (s == null || snapshots == null) {
      getLifeCycle().transition(LifeCycle.State.RUNNING);
      return;
    }
    RaftPosition p;
    try {
      p = snapshots.reload(s.getFile().getPath()).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while loading the snapshot", e);
    } catch (ExecutionException e) {
      failure = "loading the leader's snapshot " + s.getFile().getPath() + " failed (" + e.getCause().getMessage()
          + "); this member is DOWN until restarted";
      LOG.error("raft: {}", failure);
      throw new IOException(failure, e.getCause());
    }
    TermIndex ti = TermIndex.valueOf(p.term(), p.index());
    durable = ti;
    setLastAppliedTermIndex(ti);
    tail = CompletableFuture.completedFuture(null);
    applied = ti.getIndex();
    for (Map.Entry<Long, CompletableFuture<Void>> w; (w = waiters.firstEntry()) != null && w.getKey() <= applied; ) {
      CompletableFuture<Void> f = waiters.remove(w.getKey());
      if (f != null) { // awaitApplied may have taken it meanwhile
        f.complete(null);
      }
    }
    getLifeCycle().transition(LifeCycle.State.RUNNING);
    LOG.info("raft: loaded the leader's snapshot at index {} (term {})", ti.getIndex(), ti.getTerm());
  }

  @Override
  public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
    byte[] req = request.getMessage().getContent().toByteArray();
    long now = lastMillis.accumulateAndGet(System.currentTimeMillis(), Math::max);
    TransactionContext.Builder b = TransactionContext.newBuilder().setStateMachine(this).setClientRequest(request);
    try {
      return b.setLogData(ByteString.copyFrom(EntryCodec.stamp(req, now))).build();
    } catch (EntryCodec.CorruptEntryException e) {
      TransactionContext t = b.build();
      t.setException(new StateMachineException("refused: " + e.getMessage()));
      return t;
    }
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto e = trx.getLogEntry();
    long term = e.getTerm();
    long index = e.getIndex();
    EntryCodec.Entry entry;
    try {
      entry = EntryCodec.decode(e.getStateMachineLogEntry().getLogData().toByteArray());
    } catch (EntryCodec.NewerEntryException ex) {
      failure = "Raft entry " + index + ": " + ex.getMessage();
      LOG.error("raft: cannot apply entry {} (term {}): {}. This member stops applying the log", index, term,
          ex.getMessage());
      throw new IllegalStateException(failure, ex);
    } catch (EntryCodec.CorruptEntryException ex) {
      LOG.error("raft: entry {} (term {}) cannot be read and changes nothing, on every member alike: {}", index, term,
          ex.getMessage());
      return inOrder(term, index, CompletableFuture.completedFuture(EntryCodec.reply(
          new ApplyReply(400, 0, null, -1, "corrupt Raft entry " + index + ": " + ex.getMessage()))));
    }
    lastMillis.accumulateAndGet(entry.leaderMillis(), Math::max);
    if (entry.command() instanceof EntryCodec.Announce a) {
      announced.accept(a);
      return inOrder(term, index, CompletableFuture.completedFuture(EntryCodec.reply(new ApplyReply(200, 0, null, -1, null))));
    }
    Committed c = new Committed(term, index, entry.leaderMillis(), (Committed.Command) entry.command());
    window.acquireUninterruptibly();
    CompletableFuture<byte[]> r = new CompletableFuture<>();
    vertx.eventBus().<Object>request(Addresses.APPLY_COMMITTED, c, delivery).onComplete(ar -> {
      window.release();
      if (ar.failed()) {
        r.completeExceptionally(ar.cause());
      } else if (ar.result().body() instanceof ApplyReply.Batch batch) {
        r.complete(EntryCodec.replies(batch));
      } else if (ar.result().body() instanceof ApplyReply one && one.status() != 503) {
        r.complete(EntryCodec.reply(one));
      } else {
        // the state verticle cannot record changes: this member is DOWN, it must not claim the entry applied
        r.completeExceptionally(new IllegalStateException(ar.result().body() instanceof ApplyReply one
            ? one.error() : "unexpected answer " + ar.result().body()));
      }
    });
    return inOrder(term, index, r);
  }

  /** Chains an entry's outcome after the entries before it; the applied index moves once it is done. */
  private CompletableFuture<Message> inOrder(long term, long index, CompletableFuture<byte[]> outcome) {
    CompletableFuture<Message> done = tail.thenCombine(outcome, (v, reply) -> {
      advance(term, index);
      return Message.valueOf(ByteString.copyFrom(reply));
    });
    done.whenComplete((m, t) -> {
      if (t != null && failure == null) {
        failure = "applying Raft entry " + index + " failed (" + rootMessage(t) + "); this member is DOWN until restarted";
        LOG.error("raft: {}", failure);
      }
    });
    tail = done.thenApply(m -> null);
    return done;
  }

  @Override
  public void notifyTermIndexUpdated(long term, long index) {
    // configuration and leader no-op entries: nothing to apply, but they keep their place in the order
    tail = tail.thenRun(() -> advance(term, index));
  }

  @Override
  public void notifyConfigurationChanged(long term, long index, RaftConfigurationProto conf) {
    configurationChanged.run();
  }

  @Override
  public void notifyLeaderChanged(RaftGroupMemberId member, RaftPeerId newLeader) {
    leaderChanged.accept(newLeader);
  }

  private void advance(long term, long index) {
    updateLastAppliedTermIndex(term, index);
    applied = index;
    for (Map.Entry<Long, CompletableFuture<Void>> w; (w = waiters.firstEntry()) != null && w.getKey() <= index; ) {
      CompletableFuture<Void> f = waiters.remove(w.getKey());
      if (f != null) { // awaitApplied may have taken it meanwhile
        f.complete(null);
      }
    }
  }

  /** The index of the last entry applied and durable here. */
  long applied() {
    return applied;
  }

  /** Why this member can no longer apply the log, if it cannot. */
  Optional<String> failure() {
    return Optional.ofNullable(failure);
  }

  /** Completes once the entry at {@code index} (and every one before it) is applied and durable here. */
  CompletableFuture<Void> awaitApplied(long index) {
    if (applied >= index) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> w = waiters.computeIfAbsent(index, i -> new CompletableFuture<>());
    if (applied >= index) {
      waiters.remove(index);
      w.complete(null);
    }
    return w;
  }

  /** Fails the waiters left (the member stops). */
  void failWaiters(Throwable why) {
    for (CompletableFuture<Void> w; (w = pollWaiter()) != null; ) {
      w.completeExceptionally(why);
    }
  }

  private CompletableFuture<Void> pollWaiter() {
    Map.Entry<Long, CompletableFuture<Void>> e = waiters.pollFirstEntry();
    return e == null ? null : e.getValue();
  }

  private static String rootMessage(Throwable t) {
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
