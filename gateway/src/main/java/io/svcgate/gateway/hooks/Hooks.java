package io.svcgate.gateway.hooks;

import io.svcgate.state.Event;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hooks of the gateway (hooks.md): scripts of the hooks file run on events.
 *
 * <p>{@link #submit(Event)} never blocks and may be called from an event loop: it picks the
 * commands the event triggers and hands each run to the hooks' own threads. At most
 * {@link HooksOptions#maxRunning()} runs go at once; the others wait in order, up to
 * {@link HooksOptions#queue()}, and beyond that they are dropped and counted. Each run is a
 * process in its own process group that gets the envelope on stdin and is killed with its
 * group at {@link HooksOptions#timeout()}.
 *
 * <p>The file is read when this is made, re-read on {@link #reload()}, and checked for
 * changes every second by a daemon thread; a broken file keeps the hooks in effect.
 *
 * <p>Thread-safe. The constructor reads the file (blocking I/O), and {@link #reload()} and
 * {@link #close()} block: call them off the event loop.
 */
public final class Hooks implements AutoCloseable {

  static final Logger LOG = LoggerFactory.getLogger(Hooks.class);

  /** How often the watcher looks at the file. */
  static final Duration WATCH_INTERVAL = Duration.ofSeconds(1);
  /** File timestamps may be this coarse (FAT: 2 s); younger files are compared by content. */
  private static final long TIMESTAMP_GRAIN_MILLIS = 2000;
  private static final long DROP_WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final long CLOSE_WAIT_SECONDS = 5;

  final HooksOptions options;
  final Launcher launcher;
  final Counters counters = new Counters();
  /** Runs whose process is started and not yet reported, for {@link #close()}. */
  final Set<HookRun> active = ConcurrentHashMap.newKeySet();
  /** Threads of the runs and of their output drains; the slots below bound them. */
  final ExecutorService pool;
  /** Timeouts of runs, and the watcher. */
  final ScheduledThreadPoolExecutor timer;

  private final ReentrantLock slots = new ReentrantLock();
  private final ArrayDeque<HookRun> waiting = new ArrayDeque<>();
  private int taken;
  private volatile boolean closed;
  private final AtomicLong lastDropWarning = new AtomicLong(System.nanoTime() - DROP_WARN_INTERVAL_NANOS);

  private final Object loading = new Object();
  private volatile HooksFile current = HooksFile.EMPTY;
  private volatile String lastError;
  private Stamp lastStamp;
  private long lastReadMillis;
  private byte[] lastBytes;
  private boolean missing;
  private final ScheduledFuture<?> watcher;

  /**
   * Reads the hooks file and starts watching it. A missing file means no hooks until it
   * appears; a broken one means no hooks until it is mended (see {@link #lastError()}).
   */
  public Hooks(HooksOptions options) {
    this(options, Launcher.fromPath(), WATCH_INTERVAL);
  }

  Hooks(HooksOptions options, Launcher launcher, Duration watchInterval) {
    this.options = Objects.requireNonNull(options, "options");
    this.launcher = launcher;
    this.pool = Executors.newCachedThreadPool(threads("svcgate-hook-"));
    this.timer = new ScheduledThreadPoolExecutor(2, threads("svcgate-hooks-timer-"));
    this.timer.setRemoveOnCancelPolicy(true);
    if (!launcher.ownGroups()) {
      LOG.warn("setsid or kill not found in PATH: hooks run in the gateway's process group, and a timeout "
        + "kills the hook and its descendants only");
    }
    if (options.file() == null) {
      LOG.info("no hooks file: no hooks");
      watcher = null;
    } else {
      load(true);
      long every = watchInterval.toNanos();
      watcher = timer.scheduleWithFixedDelay(this::watch, every, every, TimeUnit.NANOSECONDS);
    }
  }

  private static ThreadFactory threads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Runs the hooks an event triggers: for an event of kind "event", every distinct command
   * whose hooks name its {@code data.id} or {@code all}, once each. Never blocks; patches,
   * and everything after {@link #close()}, are ignored.
   *
   * @return how many runs were started or queued; runs beyond the queue are dropped and
   *     counted in {@link HookStats#dropped()}
   */
  public int submit(Event event) {
    if (closed || !Event.EVENT.equals(event.kind()) || event.eventId() == null) {
      return 0;
    }
    int accepted = 0;
    for (List<String> command : current.commandsFor(event.eventId())) {
      if (offer(new HookRun(this, event, command))) {
        accepted++;
      }
    }
    return accepted;
  }

  private boolean offer(HookRun run) {
    boolean startNow = false;
    slots.lock();
    try {
      if (closed) {
        return false;
      }
      if (taken < options.maxRunning()) {
        taken++;
        counters.running.set(taken);
        startNow = true;
      } else if (waiting.size() < options.queue()) {
        waiting.addLast(run);
        counters.queued.set(waiting.size());
        return true;
      }
    } finally {
      slots.unlock();
    }
    if (!startNow) {
      dropped(run);
      return false;
    }
    try {
      pool.execute(() -> runFrom(run));
      return true;
    } catch (RejectedExecutionException e) {
      release();
      dropped(run);
      return false;
    }
  }

  /** Runs {@code first}, then whatever waits, on this thread, until nothing does. */
  private void runFrom(HookRun first) {
    HookRun run = first;
    while (run != null) {
      try {
        run.run();
      } catch (RuntimeException | Error e) {
        LOG.error("{} hook (event {}) failed unexpectedly: {}", run.eventId(), run.seq(), run.commandLine(), e);
      }
      run = next();
    }
  }

  private HookRun next() {
    slots.lock();
    try {
      HookRun next = closed ? null : waiting.pollFirst();
      if (next == null) {
        taken--;
        counters.running.set(taken);
      }
      counters.queued.set(waiting.size());
      return next;
    } finally {
      slots.unlock();
    }
  }

  private void release() {
    slots.lock();
    try {
      taken--;
      counters.running.set(taken);
    } finally {
      slots.unlock();
    }
  }

  private void dropped(HookRun run) {
    counters.dropped.increment();
    long now = System.nanoTime();
    long last = lastDropWarning.get();
    if (now - last >= DROP_WARN_INTERVAL_NANOS && lastDropWarning.compareAndSet(last, now)) {
      LOG.warn("{} hook dropped, {} running and {} waiting (hooks.max-running {}, hooks.queue {}), {} dropped "
          + "in all (event {}): {}", run.eventId(), counters.running(), counters.queued(), options.maxRunning(),
        options.queue(), counters.dropped(), run.seq(), run.commandLine());
    } else {
      LOG.debug("{} hook dropped (event {}): {}", run.eventId(), run.seq(), run.commandLine());
    }
  }

  boolean isClosed() {
    return closed;
  }

  /**
   * Re-reads the hooks file now. A missing file means no hooks. When the file cannot be
   * read or is malformed, the hooks in effect stay, and why is logged and kept in
   * {@link #lastError()}. Blocking file I/O.
   *
   * @return true when the file was applied (or is missing), false when the previous
   *     hooks were kept
   */
  public boolean reload() {
    if (options.file() == null) {
      return true;
    }
    return load(true);
  }

  /** The hooks in effect. */
  public HooksFile hooks() {
    return current;
  }

  /** Why the last read of the file was not applied, with the line; null when it was. */
  public String lastError() {
    return lastError;
  }

  /** The live counters, for JMX and metrics; the same object for the life of this. */
  public HookStats stats() {
    return counters;
  }

  public HooksOptions options() {
    return options;
  }

  private void watch() {
    try {
      load(false);
    } catch (RuntimeException e) {
      LOG.error("hooks file {}: watching failed", options.file(), e);
    }
  }

  /**
   * Reads the file and applies it when it differs from the last read ({@code force}: in any
   * case). Logs what happened once per change of the file.
   */
  private boolean load(boolean force) {
    Path file = options.file();
    synchronized (loading) {
      Stamp stamp;
      try {
        stamp = Stamp.of(file);
      } catch (NoSuchFileException e) {
        if (force || !missing) {
          missing = true;
          lastStamp = null;
          lastBytes = null;
          lastError = null;
          apply(HooksFile.EMPTY);
          LOG.info("hooks file {} does not exist: no hooks", file);
        }
        return true;
      } catch (IOException e) {
        return failed(force, "cannot read it: " + e);
      }
      missing = false;
      // Unchanged attributes prove unchanged content only if the file was already older
      // than a timestamp's grain when it was last read: a later write shows in its time.
      if (!force && stamp.equals(lastStamp) && stamp.modifiedMillis() < lastReadMillis - TIMESTAMP_GRAIN_MILLIS) {
        return lastError == null;
      }
      lastStamp = stamp;
      lastReadMillis = System.currentTimeMillis();
      if (stamp.size() > HooksFile.MAX_BYTES) {
        lastBytes = null;
        return failed(force, "larger than " + HooksFile.MAX_BYTES + " bytes");
      }
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(file);
      } catch (NoSuchFileException e) {
        return true;
      } catch (IOException e) {
        return failed(force, "cannot read it: " + e);
      }
      if (!force && Arrays.equals(bytes, lastBytes)) {
        return lastError == null;
      }
      lastBytes = bytes;
      HooksFile parsed;
      try {
        parsed = HooksFile.parse(bytes);
      } catch (HooksFileException e) {
        return failed(true, e.getMessage());
      }
      lastError = null;
      apply(parsed);
      LOG.info("hooks file {}: {}", file, describe(parsed));
      for (String warning : parsed.warnings()) {
        LOG.warn("hooks file {}: {}", file, warning);
      }
      return true;
    }
  }

  private boolean failed(boolean log, String why) {
    if (log || !why.equals(lastError)) {
      LOG.warn("hooks file {}: {}; keeping the {} hooks in effect", options.file(), why,
        current.hooks().size());
    }
    lastError = why;
    return false;
  }

  private void apply(HooksFile hooks) {
    current = hooks;
    counters.configured = hooks.hooks().size();
  }

  private static String describe(HooksFile file) {
    List<String> parts = new ArrayList<>();
    for (Hook h : file.hooks()) {
      List<String> on = new ArrayList<>();
      if (h.all()) {
        on.add(Hook.ALL);
      }
      on.addAll(h.events());
      parts.add(h.name() + " on " + String.join(",", on) + ": " + h.commandLine());
    }
    return file.hooks().size() + " hooks" + (parts.isEmpty() ? "" : " (" + String.join("; ", parts) + ")");
  }

  /**
   * Stops watching, drops the runs still waiting (counted as dropped), kills the process
   * groups of the runs in progress and waits up to 5 s for them to be reported. Idempotent;
   * blocks.
   */
  @Override
  public void close() {
    List<HookRun> discarded;
    slots.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      discarded = new ArrayList<>(waiting);
      waiting.clear();
      counters.queued.set(0);
    } finally {
      slots.unlock();
    }
    counters.dropped.add(discarded.size());
    if (watcher != null) {
      watcher.cancel(false);
    }
    for (HookRun run : active) {
      run.killAtClose();
    }
    pool.shutdown();
    try {
      if (!pool.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
        LOG.warn("hooks closed with {} runs still reporting", counters.running());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    timer.shutdownNow();
    LOG.info("hooks closed: {}", counters);
  }

  /** What the file system says of the file, to notice a change without reading it. */
  private record Stamp(long modifiedMillis, long size, Object fileKey) {

    static Stamp of(Path file) throws IOException {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return new Stamp(a.lastModifiedTime().toMillis(), a.size(), a.fileKey());
    }
  }
}
