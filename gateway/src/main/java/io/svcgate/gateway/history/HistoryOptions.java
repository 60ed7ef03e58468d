package io.svcgate.gateway.history;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Configuration of the durable history (docs/model.md §5). Fluent setters validate their
 * input and throw {@link IllegalArgumentException} with a precise message.
 */
public final class HistoryOptions {

  /** Default data directory: {@code ./data}. */
  public static final Path DEFAULT_DATA_DIR = Path.of("./data");
  /** Default bound on the events kept (docs/model.md §5). */
  public static final long DEFAULT_MAX_EVENTS = 100_000;
  /** Default bound on the age of the events kept (docs/model.md §5). */
  public static final Duration DEFAULT_MAX_AGE = Duration.ofHours(24);
  /** Default number of recent events served from memory. */
  public static final int DEFAULT_WINDOW_EVENTS = 4_096;
  /** Default bound on the events waiting to be written. */
  public static final int DEFAULT_MAX_QUEUED_EVENTS = 65_536;
  /** Default bound on the events written in one batch. */
  public static final int DEFAULT_MAX_BATCH_EVENTS = 4_096;
  /** Default size of RocksDB's block cache: 8 MiB (reads older than the in-memory window). */
  public static final long DEFAULT_BLOCK_CACHE_BYTES = 8L << 20;
  /** Default size of the events' write buffer (memtable): 8 MiB, two at most. */
  public static final long DEFAULT_WRITE_BUFFER_BYTES = 8L << 20;
  /** Smallest write buffer accepted: 64 KiB. */
  public static final long MIN_WRITE_BUFFER_BYTES = 64L << 10;
  /** Largest block cache or write buffer accepted: 64 GiB. */
  public static final long MAX_STORE_BYTES = 64L << 30;
  /** Default period of the background retention. */
  public static final Duration DEFAULT_RETENTION_INTERVAL = Duration.ofSeconds(10);

  private Path dataDir = DEFAULT_DATA_DIR;
  private boolean durable = true;
  private long maxEvents = DEFAULT_MAX_EVENTS;
  private Duration maxAge = DEFAULT_MAX_AGE;
  private int windowEvents = DEFAULT_WINDOW_EVENTS;
  private int maxQueuedEvents = DEFAULT_MAX_QUEUED_EVENTS;
  private int maxBatchEvents = DEFAULT_MAX_BATCH_EVENTS;
  private Duration retentionInterval = DEFAULT_RETENTION_INTERVAL;
  private long blockCacheBytes = DEFAULT_BLOCK_CACHE_BYTES;
  private long writeBufferBytes = DEFAULT_WRITE_BUFFER_BYTES;

  public HistoryOptions() {
  }

  public HistoryOptions(HistoryOptions other) {
    this.dataDir = other.dataDir;
    this.durable = other.durable;
    this.maxEvents = other.maxEvents;
    this.maxAge = other.maxAge;
    this.windowEvents = other.windowEvents;
    this.maxQueuedEvents = other.maxQueuedEvents;
    this.maxBatchEvents = other.maxBatchEvents;
    this.retentionInterval = other.retentionInterval;
    this.blockCacheBytes = other.blockCacheBytes;
    this.writeBufferBytes = other.writeBufferBytes;
  }

  /** The data directory; the history lives in {@code <dir>/history}, the lock is {@code <dir>/LOCK}. */
  public Path getDataDir() {
    return dataDir;
  }

  public HistoryOptions setDataDir(Path dataDir) {
    this.dataDir = Objects.requireNonNull(dataDir, "data directory");
    return this;
  }

  /**
   * Whether each batch is fsynced before its appends complete (default true). Off, a
   * completed append survives a crash of the process (SIGKILL) but not of the machine.
   */
  public boolean isDurable() {
    return durable;
  }

  public HistoryOptions setDurable(boolean durable) {
    this.durable = durable;
    return this;
  }

  /** Retention by count: at most this many events are kept (default 100 000). */
  public long getMaxEvents() {
    return maxEvents;
  }

  public HistoryOptions setMaxEvents(long maxEvents) {
    if (maxEvents < 1) {
      throw new IllegalArgumentException("history max events must be at least 1, got " + maxEvents);
    }
    this.maxEvents = maxEvents;
    return this;
  }

  /** Retention by age: events older than this are dropped (default 24 h); zero for no age bound. */
  public Duration getMaxAge() {
    return maxAge;
  }

  public HistoryOptions setMaxAge(Duration maxAge) {
    Objects.requireNonNull(maxAge, "history max age");
    if (maxAge.isNegative()) {
      throw new IllegalArgumentException("history max age must not be negative, got " + maxAge);
    }
    this.maxAge = maxAge;
    return this;
  }

  /** How many of the most recent events are kept in memory to serve reads without the disk (default 4096; 0 for none). */
  public int getWindowEvents() {
    return windowEvents;
  }

  public HistoryOptions setWindowEvents(int windowEvents) {
    if (windowEvents < 0 || windowEvents > 10_000_000) {
      throw new IllegalArgumentException("history window must be between 0 and 10000000 events, got " + windowEvents);
    }
    this.windowEvents = windowEvents;
    return this;
  }

  /** Bound on the events accepted but not yet written; past it appends fail with {@link HistoryBacklogFullException}. */
  public int getMaxQueuedEvents() {
    return maxQueuedEvents;
  }

  public HistoryOptions setMaxQueuedEvents(int maxQueuedEvents) {
    if (maxQueuedEvents < 1) {
      throw new IllegalArgumentException("history max queued events must be at least 1, got " + maxQueuedEvents);
    }
    this.maxQueuedEvents = maxQueuedEvents;
    return this;
  }

  /** Bound on the events of one write; one append is never split, so a batch may pass it by one append. */
  public int getMaxBatchEvents() {
    return maxBatchEvents;
  }

  public HistoryOptions setMaxBatchEvents(int maxBatchEvents) {
    if (maxBatchEvents < 1) {
      throw new IllegalArgumentException("history max batch events must be at least 1, got " + maxBatchEvents);
    }
    this.maxBatchEvents = maxBatchEvents;
    return this;
  }

  /** Period of the background retention (default 10 s); zero for none (the owner calls {@link History#retainNow()}). */
  public Duration getRetentionInterval() {
    return retentionInterval;
  }

  public HistoryOptions setRetentionInterval(Duration retentionInterval) {
    Objects.requireNonNull(retentionInterval, "history retention interval");
    if (retentionInterval.isNegative()) {
      throw new IllegalArgumentException("history retention interval must not be negative, got " + retentionInterval);
    }
    this.retentionInterval = retentionInterval;
    return this;
  }

  /** RocksDB's block cache, bytes (default 8 MiB); 0 for none (every read of an older event goes to the files). */
  public long getBlockCacheBytes() {
    return blockCacheBytes;
  }

  public HistoryOptions setBlockCacheBytes(long blockCacheBytes) {
    if (blockCacheBytes < 0 || blockCacheBytes > MAX_STORE_BYTES) {
      throw new IllegalArgumentException("history block cache (history.block-cache-bytes) must be between 0 and " + MAX_STORE_BYTES
          + " bytes, got " + blockCacheBytes);
    }
    this.blockCacheBytes = blockCacheBytes;
    return this;
  }

  /**
   * The write buffer (memtable) of the events, bytes (default 8 MiB): two at most,
   * and a quarter of it (at least 64 KiB) for each of the two small column families.
   */
  public long getWriteBufferBytes() {
    return writeBufferBytes;
  }

  public HistoryOptions setWriteBufferBytes(long writeBufferBytes) {
    if (writeBufferBytes < MIN_WRITE_BUFFER_BYTES || writeBufferBytes > MAX_STORE_BYTES) {
      throw new IllegalArgumentException("history write buffer (history.write-buffer-bytes) must be between " + MIN_WRITE_BUFFER_BYTES + " and "
          + MAX_STORE_BYTES + " bytes, got " + writeBufferBytes);
    }
    this.writeBufferBytes = writeBufferBytes;
    return this;
  }
}
