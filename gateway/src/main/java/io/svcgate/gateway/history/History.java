package io.svcgate.gateway.history;

import io.svcgate.state.ClusterState.GenerationChange;
import io.svcgate.state.Event;
import io.svcgate.state.history.EventLog;
import io.svcgate.state.history.HistoryGoneException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's history: a {@link DurableEventLog} behind a group-commit writer, an
 * in-memory window of the recent events, background retention and the state snapshot.
 *
 * <p><b>Appending.</b> {@link #append} never blocks: it checks the ids, queues the
 * events and returns a future. One dedicated writer thread takes everything queued
 * (up to {@link HistoryOptions#getMaxBatchEvents()}), writes it in one batch (one
 * fsync when durable), then completes the futures of that batch in append order. A
 * completed future means the events are durable and readable. The queue is bounded
 * ({@link HistoryOptions#getMaxQueuedEvents()} events): past it the append fails at
 * once with {@link HistoryBacklogFullException} and takes no id. If a write fails, that
 * append and every later one fail with {@link HistoryStoreException}: the history
 * cannot continue without a gap, the gateway must stop ({@link #failure()}).
 *
 * <p>Futures complete on the writer thread: continue elsewhere (in Vert.x,
 * {@code Future.fromCompletionStage(f, context)}) and never block in a callback.
 *
 * <p><b>Reading.</b> {@link #readRecent} answers from memory, never blocking, when the
 * page is in the window; {@link #readAfter} also reads older pages from the disk.
 * Readers only see durable events: {@link #lastId()} is the last durable id.
 *
 * <p><b>Threading.</b> One thread appends (the state verticle's event loop); reads
 * from any thread; retention on its own background thread.
 */
public final class History implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(History.class);

  private sealed interface Request permits Append, Task {
    CompletableFuture<Void> future();
  }

  private record Append(List<Event> events, List<GenerationChange> generations, RaftPosition position,
                        CompletableFuture<Void> future) implements Request {
  }

  private record Task(Runnable action, CompletableFuture<Void> future) implements Request {
  }

  /**
   * Counters of the writer, for metrics.
   *
   * @param batches        writes done
   * @param eventsWritten  events written
   * @param largestBatch   most events in one write
   * @param queuedEvents   events accepted and not yet written
   * @param refusedAppends appends refused because the backlog was full
   */
  public record Stats(long batches, long eventsWritten, int largestBatch, int queuedEvents, long refusedAppends) {
  }

  private volatile DurableEventLog store;
  private final HistoryOptions options;
  private volatile RecentWindow window;
  /** While the store is replaced by a snapshot ({@link #restoreCheckpoint}): retention stands aside. */
  private volatile boolean replacing;
  private final ConcurrentLinkedQueue<Request> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queuedEvents = new AtomicInteger();
  private final AtomicBoolean snapshotPending = new AtomicBoolean();
  private final Thread writer;
  private final ScheduledExecutorService retention;
  private volatile boolean closing;
  private volatile boolean writerParked;
  private volatile Throwable failure;
  private volatile long lastId;
  private volatile long lastAppendedId;
  private volatile long batches;
  private volatile long eventsWritten;
  private volatile int largestBatch;
  private volatile long refusedAppends;

  /**
   * Opens the history in {@code options.getDataDir()} on RocksDB and starts its writer
   * (and its retention thread unless the retention interval is zero).
   *
   * @throws DataDirectoryInUseException when another svcgate holds the directory
   * @throws HistoryCorruptedException   when the stored history cannot be trusted
   * @throws HistoryStoreException       on any other failure to open
   */
  public static History open(HistoryOptions options) {
    HistoryOptions copy = new HistoryOptions(options);
    RocksEventLog store = RocksEventLog.open(copy.getDataDir(), copy.isDurable(), copy.getBlockCacheBytes(),
        copy.getWriteBufferBytes());
    try {
      return new History(store, copy);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /** A history over any durable log (tests); takes ownership of {@code store}. */
  History(DurableEventLog store, HistoryOptions options) {
    this.store = store;
    this.options = new HistoryOptions(options);
    this.window = filledWindow(store, options.getWindowEvents());
    this.lastId = store.lastId();
    this.lastAppendedId = store.lastId();
    this.writer = new Thread(this::runWriter, "svcgate-history-writer");
    this.writer.setDaemon(true);
    this.writer.start();
    Duration every = options.getRetentionInterval();
    if (every.isZero()) {
      this.retention = null;
    } else {
      this.retention = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "svcgate-history-retention");
        t.setDaemon(true);
        return t;
      });
      this.retention.scheduleWithFixedDelay(this::retainInBackground, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private static RecentWindow filledWindow(DurableEventLog store, int capacity) {
    RecentWindow window = new RecentWindow(capacity);
    long from = Math.max(store.oldestId() - 1, store.lastId() - window.capacity());
    if (window.capacity() > 0 && from < store.lastId()) {
      store.readAfter(from, (int) (store.lastId() - from)).forEach(window::put);
    }
    return window;
  }

  /** Identifies this history; changes only when the data directory is wiped. */
  public String epoch() {
    return store.epoch();
  }

  /** The last durable id (0 when none): what readers can read up to. */
  public long lastId() {
    return lastId;
  }

  /** The last id accepted by {@link #append}, durable or not yet: the next append starts after it. */
  public long lastAppendedId() {
    return lastAppendedId;
  }

  /** The oldest id kept; {@code lastId() + 1} when none. */
  public long oldestId() {
    return store.oldestId();
  }

  /** How many durable events are kept. */
  public long size() {
    long last = lastId;
    long oldest = store.oldestId();
    return last >= oldest ? last - oldest + 1 : 0;
  }

  /** Whether an append of {@code events} events would be accepted now (the backlog has room, the history works). */
  public boolean canAccept(int events) {
    int queued = queuedEvents.get();
    return !closing && failure == null && (queued == 0 || queued + events <= options.getMaxQueuedEvents());
  }

  /**
   * Queues {@code events} (ids continuing {@link #lastAppendedId()}) for the next batch.
   * Never blocks. An empty list is a barrier: its future completes once everything
   * appended before it is durable.
   *
   * @return completes when the events are durable; fails with
   *         {@link HistoryBacklogFullException} (nothing taken, retry the same events later),
   *         or {@link HistoryStoreException} (closed, or a write failed: the history is unusable)
   * @throws IllegalArgumentException when the ids do not continue {@link #lastAppendedId()}
   */
  public CompletableFuture<Void> append(List<Event> events) {
    return append(events, List.of());
  }

  /**
   * As {@link #append(List)}, with the nodes' merged generations that changed with
   * these events (or without any event: a full that changed nothing still moves its
   * node's generation). They go into the same write as the events, so a crash keeps
   * both or neither, and cost no write of their own when events are queued with them.
   */
  public CompletableFuture<Void> append(List<Event> events, List<GenerationChange> generations) {
    return append(events, generations, null);
  }

  /**
   * As {@link #append(List, List)}, recording {@code position} (the committed Raft entry
   * these changes come from; null for none) in the same write, so the history and its
   * {@link #raftPosition()} never disagree after a crash. With no event and no
   * generation nothing is written, the position included: such an entry changed
   * nothing durable, and replaying it after a restart changes nothing either.
   */
  public CompletableFuture<Void> append(List<Event> events, List<GenerationChange> generations,
                                        RaftPosition position) {
    long expected = lastAppendedId + 1;
    for (Event e : events) {
      if (e.id() != expected) {
        throw new IllegalArgumentException("event ids must continue the history without a gap: expected " + expected
            + ", got " + e.id());
      }
      expected++;
    }
    if (closing) {
      return CompletableFuture.failedFuture(closed());
    }
    Throwable failed = failure;
    if (failed != null) {
      return CompletableFuture.failedFuture(unusable(failed));
    }
    int n = events.size();
    int queued = queuedEvents.get();
    if (queued > 0 && queued + n > options.getMaxQueuedEvents()) {
      refusedAppends++;
      return CompletableFuture.failedFuture(new HistoryBacklogFullException(queued, n, options.getMaxQueuedEvents()));
    }
    queuedEvents.addAndGet(n);
    lastAppendedId = expected - 1;
    Append append = new Append(List.copyOf(events), List.copyOf(generations), position, new CompletableFuture<>());
    enqueue(append);
    return append.future;
  }

  /** Completes when everything appended before is durable; a barrier for shutdown or tests. */
  public CompletableFuture<Void> flush() {
    if (closing) {
      return CompletableFuture.failedFuture(closed());
    }
    Append barrier = new Append(List.of(), List.of(), null, new CompletableFuture<>());
    enqueue(barrier);
    return barrier.future;
  }

  /**
   * Blocks until everything appended before is durable. Not for an event loop, nor a
   * callback of an append future (that would wait for itself).
   *
   * @throws HistoryStoreException when a write failed or the history is closed
   */
  public void sync() {
    if (Thread.currentThread() == writer) {
      throw new IllegalStateException("sync() called on the history writer thread would wait for itself");
    }
    try {
      flush().join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof HistoryStoreException h ? h : new HistoryStoreException(e.getCause().toString(),
          e.getCause());
    }
  }

  /**
   * Queues {@code task}, whose body completes {@code result} itself (on another thread,
   * or later), and fails {@code result} with the task when the task fails first.
   */
  private <T> CompletableFuture<T> enqueue(Task task, CompletableFuture<T> result) {
    task.future.whenComplete((v, e) -> {
      if (e != null) {
        result.completeExceptionally(e);
      }
    });
    enqueue(task);
    return result;
  }

  private void enqueue(Request request) {
    queue.add(request);
    if (writerParked) {
      LockSupport.unpark(writer);
    }
    if (closing && queue.remove(request)) {
      // raced with close(): the writer may be gone
      dequeued(request);
      request.future().completeExceptionally(closed());
    }
  }

  private void dequeued(Request request) {
    if (request instanceof Append a) {
      queuedEvents.addAndGet(-a.events.size());
    }
  }

  /**
   * Up to {@code limit} durable events after {@code after}, from memory; empty when
   * the page is not all in the window (then use {@link #readAfter} off the event loop).
   * Never blocks.
   *
   * @throws HistoryGoneException     when events after {@code after} were dropped by retention
   * @throws IllegalArgumentException when {@code after < 0} or {@code limit < 1}
   */
  public Optional<List<Event>> readRecent(long after, int limit) {
    if (after < 0) {
      throw new IllegalArgumentException("after must be >= 0, got " + after);
    }
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, got " + limit);
    }
    long last = lastId;
    long oldest = store.oldestId();
    if (after < oldest - 1) {
      throw new HistoryGoneException(after, oldest, last);
    }
    if (after >= last) {
      return Optional.of(List.of());
    }
    if (after + 1 <= last - window.capacity()) {
      return Optional.empty();
    }
    int n = (int) Math.min(limit, last - after);
    List<Event> out = new ArrayList<>(n);
    for (long id = after + 1; id <= after + n; id++) {
      Event e = window.get(id);
      if (e == null) {
        return Optional.empty();
      }
      out.add(e);
    }
    return Optional.of(out);
  }

  /**
   * Up to {@code limit} durable events after {@code after}, in id order: from memory
   * when the window has them, else from the disk (blocking: call it off the event loop).
   *
   * @throws HistoryGoneException      when events after {@code after} were dropped by retention
   * @throws HistoryCorruptedException when a stored value does not parse
   * @throws IllegalArgumentException  when {@code after < 0} or {@code limit < 1}
   */
  /**
   * As {@link #readAfter}, the envelopes' bytes only: from the window when it holds
   * the page, else from the store with no parse. For pages copied out as they are.
   */
  public List<byte[]> readRawAfter(long after, int limit) {
    Optional<List<Event>> recent = readRecent(after, limit);
    if (recent.isPresent()) {
      List<byte[]> out = new ArrayList<>(recent.get().size());
      for (Event e : recent.get()) {
        out.add(e.json());
      }
      return out;
    }
    long last = lastId;
    return after >= last ? List.of() : store.readRawAfter(after, (int) Math.min(limit, last - after));
  }

  public List<Event> readAfter(long after, int limit) {
    return readAfter(after, limit, Long.MAX_VALUE);
  }

  /**
   * As {@link #readAfter(long, int)}, stopping after the event that brings the page to
   * {@code maxBytes} of envelopes (at least one event): what a stream's replay holds in
   * memory at a time, whatever the size of the events.
   */
  public List<Event> readAfter(long after, int limit, long maxBytes) {
    Optional<List<Event>> recent = readRecent(after, limit);
    if (recent.isPresent()) {
      return EventLog.cut(recent.get(), maxBytes);
    }
    // not past lastId: the store may be a moment ahead of the futures completed
    long last = lastId;
    return after >= last ? List.of() : store.readAfter(after, (int) Math.min(limit, last - after), maxBytes);
  }

  /**
   * Applies retention now on the calling thread (blocking): drops the events beyond
   * {@link HistoryOptions#getMaxEvents()} and those older than
   * {@link HistoryOptions#getMaxAge()}, keeping the last event and every event after
   * the state snapshot (see {@link RocksEventLog#retain}).
   *
   * @return how many events were dropped
   */
  public long retainNow() {
    Duration maxAge = options.getMaxAge();
    long minTs = maxAge.isZero() ? 0 : System.currentTimeMillis() * 1000 - maxAge.toNanos() / 1000;
    return store.retain(options.getMaxEvents(), minTs);
  }

  private void retainInBackground() {
    try {
      long dropped = retainNow();
      if (dropped > 0) {
        log.debug("history: retention dropped {} events, oldest id now {}", dropped, store.oldestId());
      }
    } catch (RuntimeException e) {
      if (!closing && !replacing) {
        log.error("history: retention failed, will try again in {}", options.getRetentionInterval(), e);
      }
    }
  }

  /**
   * Saves {@code blob} as the state at event {@code id}, durably, after every append
   * queued before it. One save at a time.
   *
   * @return completes when the snapshot is durable; fails with
   *         {@link IllegalArgumentException} when {@code id} is not a kept or written id
   *         or is older than the stored snapshot, or {@link HistoryStoreException}
   * @throws IllegalStateException when a save is still in progress
   */
  public CompletableFuture<Void> saveSnapshot(long id, byte[] blob) {
    if (blob == null) {
      throw new IllegalArgumentException("snapshot blob must not be null");
    }
    if (!snapshotPending.compareAndSet(false, true)) {
      throw new IllegalStateException("a state snapshot is already being saved");
    }
    if (closing) {
      snapshotPending.set(false);
      return CompletableFuture.failedFuture(closed());
    }
    // the flag is down before the future completes, so its callbacks can save the next one
    Task task = new Task(() -> {
      try {
        store.saveSnapshot(id, blob);
      } finally {
        snapshotPending.set(false);
      }
    }, new CompletableFuture<>());
    task.future.whenComplete((v, e) -> snapshotPending.set(false));
    enqueue(task);
    return task.future;
  }

  /** The latest stored snapshot, if any (blocking; for the start). */
  public Optional<Snapshot> loadSnapshot() {
    return store.loadSnapshot();
  }

  /**
   * Each node's merged generation as the last durable write left it (blocking; for
   * the start, after the snapshot and the replay: {@code ClusterState.recoverGenerations}).
   */
  public Map<String, Long> loadGenerations() {
    return store.loadGenerations();
  }

  /**
   * The Raft entry the last durable write came from (cluster mode), read at open and
   * moved by each write; empty for a single gateway's history. A member reports it to
   * Raft as its last applied entry, so only the entries after it are applied again.
   */
  public Optional<RaftPosition> raftPosition() {
    return store.loadRaftPosition();
  }

  /**
   * Replaces the epoch of an empty history (no event, no Raft position) with
   * {@code epoch}, durably, after everything queued before (on the writer thread).
   *
   * @return completes once written; fails with {@link IllegalStateException} when the
   *         history is not empty, or {@link HistoryStoreException}
   */
  public CompletableFuture<Void> adoptEpoch(String epoch) {
    if (closing) {
      return CompletableFuture.failedFuture(closed());
    }
    Task task = new Task(() -> store.adoptEpoch(epoch), new CompletableFuture<>());
    enqueue(task);
    return task.future;
  }

  /**
   * Packs this history into one file (docs/storage.md, "Snapshots for Raft"): a
   * RocksDB checkpoint of the store, made on the writer thread between two writes (so
   * it holds exactly the changes up to its Raft position), then zipped off that thread
   * into {@code fileFor.apply(position)} (written beside it, fsynced, renamed into
   * place).
   *
   * @return completes with the Raft position the file reflects ((0, 0) when none is
   *         recorded) once the file is complete
   */
  public CompletableFuture<RaftPosition> exportCheckpoint(Function<RaftPosition, Path> fileFor) {
    CompletableFuture<RaftPosition> result = new CompletableFuture<>();
    if (closing) {
      return CompletableFuture.failedFuture(closed());
    }
    Task task = new Task(() -> {
      RocksEventLog rocks = rocks();
      Path dir = rocks.dataDir().resolve(CheckpointFile.CHECKPOINT_TMP + UUID.randomUUID());
      rocks.checkpoint(dir);
      RaftPosition position = rocks.loadRaftPosition().orElse(new RaftPosition(0, 0));
      CheckpointFile.Manifest m = new CheckpointFile.Manifest(rocks.epoch(), position, rocks.lastId(),
          rocks.oldestId());
      Thread packer = new Thread(() -> {
        Throwable failed = null;
        try {
          CheckpointFile.pack(dir, m, fileFor.apply(position));
        } catch (Throwable t) {
          failed = t;
        }
        try {
          CheckpointFile.deleteTree(dir);
        } catch (IOException e) {
          log.warn("history: cannot delete the checkpoint {}: {}", dir, e.toString());
        }
        if (failed == null) {
          result.complete(position);
        } else {
          result.completeExceptionally(failed);
        }
      }, "svcgate-history-export");
      packer.setDaemon(true);
      packer.start();
    }, new CompletableFuture<>());
    return enqueue(task, result);
  }

  /** As {@link #exportCheckpoint(Function)} into {@code file}. */
  public CompletableFuture<RaftPosition> exportCheckpoint(Path file) {
    return exportCheckpoint(p -> file);
  }

  /**
   * Replaces this history, in place, with the one packed in {@code file} by
   * {@link #exportCheckpoint}: on the writer thread, after every append queued
   * before, the store is closed, the packed one unpacked and checked beside it, then
   * swapped in (a crash at any point leaves the old store or the new one), reopened,
   * and the window refilled. Readers meanwhile may fail with {@link HistoryStoreException}
   * (the store is closed for the swap). The caller rebuilds the state from the new
   * history ({@link #loadSnapshot}, {@link #readAfter}, {@link #loadGenerations}).
   *
   * @return completes with the Raft position of the new history; fails with
   *         {@link HistoryStoreException} (the old history stays, reopened) or, when not even
   *         the old one reopens, with that failure, which makes the history unusable ({@link #failure()})
   */
  public CompletableFuture<RaftPosition> restoreCheckpoint(Path file) {
    CompletableFuture<RaftPosition> result = new CompletableFuture<>();
    if (closing) {
      return CompletableFuture.failedFuture(closed());
    }
    Task task = new Task(() -> {
      RocksEventLog old = rocks();
      Path dataDir = old.dataDir();
      boolean durable = old.durable();
      replacing = true;
      try {
        old.close();
        RuntimeException failed = null;
        RaftPosition position = null;
        try {
          position = RocksEventLog.importCheckpoint(dataDir, file).position();
        } catch (RuntimeException e) {
          failed = e;
        }
        RocksEventLog reopened;
        try {
          reopened = RocksEventLog.open(dataDir, durable, options.getBlockCacheBytes(),
              options.getWriteBufferBytes());
        } catch (RuntimeException e) {
          failure = e;
          log.error("history: cannot reopen {} after replacing it: the history is unusable", dataDir, e);
          if (failed != null) {
            e.addSuppressed(failed);
          }
          throw e;
        }
        store = reopened;
        window = filledWindow(reopened, options.getWindowEvents());
        lastId = reopened.lastId();
        lastAppendedId = reopened.lastId();
        if (failed != null) {
          throw failed;
        }
        result.complete(position);
      } finally {
        replacing = false;
      }
    }, new CompletableFuture<>());
    return enqueue(task, result);
  }

  private RocksEventLog rocks() {
    if (store instanceof RocksEventLog r) {
      return r;
    }
    throw new UnsupportedOperationException("only a RocksDB history can be exported or replaced");
  }

  /** The id of the latest stored snapshot; 0 when none. */
  public long snapshotId() {
    return store.snapshotId();
  }

  /** The failure that made the history unusable, if a write failed. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  public Stats stats() {
    return new Stats(batches, eventsWritten, largestBatch, queuedEvents.get(), refusedAppends);
  }

  /** The store underneath (for its metrics); do not write to it. */
  public DurableEventLog store() {
    return store;
  }

  /**
   * Writes everything queued, stops the threads and closes the store; appends after
   * this fail. Blocking; idempotent.
   */
  @Override
  public void close() {
    closing = true;
    LockSupport.unpark(writer);
    boolean interrupted = false;
    while (writer.isAlive()) {
      try {
        writer.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (retention != null) {
      retention.shutdownNow();
      try {
        if (!retention.awaitTermination(30, TimeUnit.SECONDS)) {
          log.warn("history: retention did not stop within 30 s");
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    Request left;
    while ((left = queue.poll()) != null) {
      dequeued(left);
      left.future().completeExceptionally(closed());
    }
    store.close();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void runWriter() {
    List<Append> batch = new ArrayList<>();
    List<Event> events = new ArrayList<>();
    List<GenerationChange> generations = new ArrayList<>();
    RaftPosition[] position = new RaftPosition[1];
    while (true) {
      Request request = queue.poll();
      if (request == null) {
        if (closing) {
          return;
        }
        writerParked = true;
        // an enqueue either sees the flag and unparks, or is seen by this check
        if (queue.isEmpty() && !closing) {
          LockSupport.park(this);
        }
        writerParked = false;
        continue;
      }
      if (request instanceof Task task) {
        runTask(task);
        continue;
      }
      Append first = (Append) request;
      batch.add(first);
      events.addAll(first.events);
      generations.addAll(first.generations);
      position[0] = first.position;
      Request next;
      // generations ride along (one per message at most, bounded by the state's pending limit)
      while (events.size() < options.getMaxBatchEvents() && (next = queue.peek()) instanceof Append) {
        queue.poll();
        Append a = (Append) next;
        batch.add(a);
        events.addAll(a.events);
        generations.addAll(a.generations);
        if (a.position != null) {
          position[0] = a.position;
        }
      }
      write(batch, events, generations, position[0]);
      position[0] = null;
      batch.clear();
      events.clear();
      generations.clear();
    }
  }

  private void write(List<Append> batch, List<Event> events, List<GenerationChange> generations,
                     RaftPosition position) {
    Throwable failed = failure;
    if (failed == null && !(events.isEmpty() && generations.isEmpty())) {
      try {
        if (position == null) {
          store.append(events, generations);
        } else {
          store.append(events, generations, position);
        }
      } catch (Throwable t) {
        failed = t;
        failure = t;
        log.error("history: writing events {}..{} failed; the history refuses every append from now on",
            events.isEmpty() ? "-" : events.get(0).id(), events.isEmpty() ? "-" : events.get(events.size() - 1).id(),
            t);
      }
    }
    queuedEvents.addAndGet(-events.size());
    if (failed != null) {
      HistoryStoreException e = unusable(failed);
      batch.forEach(a -> a.future.completeExceptionally(e));
      return;
    }
    for (Event e : events) {
      window.put(e);
    }
    if (!events.isEmpty()) {
      lastId = events.get(events.size() - 1).id();
      batches++;
      eventsWritten += events.size();
      if (events.size() > largestBatch) {
        largestBatch = events.size();
      }
    }
    batch.forEach(a -> a.future.complete(null));
  }

  private void runTask(Task task) {
    Throwable failed = failure;
    if (failed != null) {
      task.future.completeExceptionally(unusable(failed));
      return;
    }
    try {
      task.action.run();
      task.future.complete(null);
    } catch (Throwable t) {
      task.future.completeExceptionally(t);
    }
  }

  private HistoryStoreException closed() {
    return new HistoryStoreException("the history is closed");
  }

  private static HistoryStoreException unusable(Throwable cause) {
    return new HistoryStoreException("the history cannot take appends: an earlier write failed ("
        + cause.getMessage() + ")", cause);
  }
}
