package io.svcgate.gateway.history;

import io.svcgate.state.ClusterState.GenerationChange;
import io.svcgate.state.Event;
import io.svcgate.state.history.HistoryGoneException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Status;
import org.rocksdb.WALRecoveryMode;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable history on RocksDB, in {@code <data dir>/history}, the data directory
 * being locked for the life of the log (see {@link DataDirectoryLock}).
 *
 * <p>Layout: column family {@code events} maps the big-endian 8-byte id to the
 * envelope bytes ({@link Event#json()}), so iteration is in id order; column family
 * {@code meta} holds the epoch, the format, the oldest id kept, the state snapshot and
 * each node's merged generation ({@code gen/<nodename>}, 8 bytes). An append is one
 * {@link WriteBatch} (the events and the generations that changed with them),
 * fsynced before {@link #append} returns when the log is durable; retention is one {@code DeleteRange} plus the new oldest id, in
 * one batch.
 *
 * <p>Open checks what it serves: a torn last write (a WAL record cut short by a crash)
 * is dropped by RocksDB's {@code TolerateCorruptedTailRecords} recovery, and since an
 * append returns only after its record is whole, only unacknowledged events can be
 * lost that way. Every key is then checked to be an id continuing the previous one,
 * every value to start as the envelope of that id, and the first and last events to
 * parse; anything else (a gap, a foreign value, a checksum mismatch before the tail)
 * fails the open with {@link HistoryCorruptedException}.
 *
 * <p>Threading: one writer appends and saves snapshots; {@link #retain} may run
 * concurrently on another thread; reads from any thread.
 */
public final class RocksEventLog implements DurableEventLog {

  private static final Logger log = LoggerFactory.getLogger(RocksEventLog.class);

  /** Subdirectory of the data directory holding the store. */
  static final String STORE_DIR = "history";
  static final byte[] EVENTS_CF = bytes("events");
  static final byte[] META_CF = bytes("meta");
  static final byte[] META_EPOCH = bytes("epoch");
  static final byte[] META_FORMAT = bytes("format");
  static final byte[] META_OLDEST = bytes("oldest");
  static final byte[] META_SNAPSHOT = bytes("snapshot");
  /** Prefix of the meta keys holding each node's merged generation: {@code gen/<nodename>}. */
  static final byte[] META_GEN_PREFIX = bytes("gen/");
  /** The Raft entry the last write came from (cluster mode): 16 bytes, term then index. */
  static final byte[] META_RAFT = bytes("raft");
  static final String FORMAT = "1";
  private static final byte[] ID_PREFIX = bytes("{\"id\":");

  static {
    RocksDB.loadLibrary();
  }

  private final Path dataDir;
  private final Path storeDir;
  private final DataDirectoryLock lock;
  private final List<AutoCloseable> resources;
  private final RocksDB db;
  private final ColumnFamilyHandle events;
  private final ColumnFamilyHandle meta;
  private final WriteOptions writeOptions;
  private final WriteOptions syncWriteOptions;
  private final boolean durable;
  private volatile String epoch;
  private volatile RaftPosition raftPosition;
  private final ReentrantReadWriteLock useLock = new ReentrantReadWriteLock();
  private final ReentrantLock retainLock = new ReentrantLock();
  private volatile long lastId;
  private volatile long oldestId;
  private volatile long snapshotId;
  private boolean closed;
  private boolean heldBack;
  private long droppedSinceCompaction;

  private RocksEventLog(Path dataDir, Path storeDir, DataDirectoryLock lock, List<AutoCloseable> resources, RocksDB db,
                        ColumnFamilyHandle events, ColumnFamilyHandle meta, boolean durable) {
    this.dataDir = dataDir;
    this.storeDir = storeDir;
    this.lock = lock;
    this.resources = resources;
    this.db = db;
    this.events = events;
    this.meta = meta;
    this.durable = durable;
    this.writeOptions = track(resources, new WriteOptions().setSync(durable));
    this.syncWriteOptions = track(resources, new WriteOptions().setSync(true));
    this.epoch = recover();
  }

  /**
   * Locks {@code dataDir} and opens (or creates, with a new epoch) the history in it.
   *
   * @param durable whether appends and retention are fsynced before they return
   * @throws DataDirectoryInUseException when another svcgate holds the directory
   * @throws HistoryCorruptedException   when the stored history cannot be trusted
   * @throws HistoryStoreException       on any other failure to open
   */
  public static RocksEventLog open(Path dataDir, boolean durable) {
    return open(dataDir, durable, HistoryOptions.DEFAULT_BLOCK_CACHE_BYTES, HistoryOptions.DEFAULT_WRITE_BUFFER_BYTES);
  }

  /**
   * As {@link #open(Path, boolean)}, with RocksDB's memory sized: {@code blockCacheBytes}
   * of block cache (0: none), {@code writeBufferBytes} per write buffer of the events
   * (two at most), a quarter of it (at least 64 KiB) for each of the small column families.
   */
  public static RocksEventLog open(Path dataDir, boolean durable, long blockCacheBytes, long writeBufferBytes) {
    DataDirectoryLock lock = DataDirectoryLock.acquire(dataDir);
    try {
      CheckpointFile.finishSwap(dataDir);
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
    return open(dataDir, dataDir.resolve(STORE_DIR), lock, durable, true, blockCacheBytes, writeBufferBytes);
  }

  /**
   * Opens the store in {@code storeDir} ({@code lock}, if not null, is released with the
   * log); a fresh store is created only when {@code create}.
   */
  static RocksEventLog open(Path dataDir, Path storeDir, DataDirectoryLock lock, boolean durable, boolean create,
                            long blockCacheBytes, long writeBufferBytes) {
    List<AutoCloseable> resources = new ArrayList<>();
    try {
      boolean fresh = isFresh(storeDir);
      if (fresh && !create) {
        throw new HistoryCorruptedException("history store " + storeDir + " holds no store (no CURRENT file)");
      }
      BlockBasedTableConfig table = new BlockBasedTableConfig().setBlockSize(16 << 10);
      if (blockCacheBytes > 0) {
        table.setBlockCache(track(resources, new LRUCache(blockCacheBytes)));
      } else {
        table.setNoBlockCache(true);
      }
      long smallBuffer = Math.max(64L << 10, writeBufferBytes / 4);
      ColumnFamilyOptions eventsOptions = track(resources, new ColumnFamilyOptions()
          .setTableFormatConfig(table)
          .setCompressionType(CompressionType.LZ4_COMPRESSION)
          .setWriteBufferSize(writeBufferBytes)
          .setMaxWriteBufferNumber(2));
      ColumnFamilyOptions metaOptions = track(resources, new ColumnFamilyOptions()
          .setTableFormatConfig(table)
          .setCompressionType(CompressionType.LZ4_COMPRESSION)
          .setWriteBufferSize(smallBuffer)
          .setMaxWriteBufferNumber(2));
      DBOptions dbOptions = track(resources, new DBOptions()
          .setCreateIfMissing(fresh)
          .setCreateMissingColumnFamilies(fresh)
          .setWalRecoveryMode(WALRecoveryMode.TolerateCorruptedTailRecords)
          .setMaxBackgroundJobs(2)
          .setMaxTotalWalSize(64L << 20)
          .setInfoLogLevel(InfoLogLevel.INFO_LEVEL)
          .setMaxLogFileSize(1L << 20)
          .setKeepLogFileNum(3));
      if (!fresh) {
        checkColumnFamilies(storeDir);
      }
      List<ColumnFamilyDescriptor> descriptors = List.of(
          new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, metaOptions),
          new ColumnFamilyDescriptor(EVENTS_CF, eventsOptions),
          new ColumnFamilyDescriptor(META_CF, metaOptions));
      List<ColumnFamilyHandle> handles = new ArrayList<>();
      RocksDB db;
      try {
        Files.createDirectories(storeDir);
        db = RocksDB.open(dbOptions, storeDir.toString(), descriptors, handles);
      } catch (RocksDBException e) {
        throw storeError(storeDir, "cannot open", e);
      } catch (IOException e) {
        throw new HistoryStoreException("cannot create " + storeDir + ": " + e, e);
      }
      // closed in reverse order: handles, then the db, then the options they use
      resources.add(db);
      resources.addAll(handles);
      return new RocksEventLog(dataDir, storeDir, lock, resources, db, handles.get(1), handles.get(2), durable);
    } catch (RuntimeException e) {
      closeAll(resources);
      if (lock != null) {
        lock.close();
      }
      throw e;
    }
  }

  private static boolean isFresh(Path storeDir) {
    if (Files.exists(storeDir.resolve("CURRENT"))) {
      return false;
    }
    if (!Files.isDirectory(storeDir)) {
      return true;
    }
    try (Stream<Path> files = Files.list(storeDir)) {
      Optional<Path> data = files.filter(p -> {
        String name = p.getFileName().toString();
        return name.endsWith(".sst") || name.endsWith(".log") || name.startsWith("MANIFEST-");
      }).findFirst();
      if (data.isPresent()) {
        throw new HistoryCorruptedException("history store " + storeDir + " holds data (" + data.get().getFileName()
            + ") but no CURRENT file; svcgate will not serve a history it cannot trust: restore a backup of "
            + storeDir.getParent() + ", or wipe it to start a new history (a new epoch)");
      }
      return true;
    } catch (IOException e) {
      throw new HistoryStoreException("cannot list " + storeDir + ": " + e, e);
    }
  }

  private static void checkColumnFamilies(Path storeDir) {
    List<byte[]> families;
    try (Options options = new Options()) {
      families = RocksDB.listColumnFamilies(options, storeDir.toString());
    } catch (RocksDBException e) {
      throw storeError(storeDir, "cannot read", e);
    }
    for (byte[] wanted : List.of(EVENTS_CF, META_CF)) {
      if (families.stream().noneMatch(f -> Arrays.equals(f, wanted))) {
        throw new HistoryCorruptedException("history store " + storeDir + " is not an svcgate history: it has no '"
            + new String(wanted, StandardCharsets.US_ASCII) + "' column family");
      }
    }
  }

  /** Checks the stored history and sets the ids; returns the epoch (a new one on a fresh store). */
  /**
   * Why a stored format is refused: a newer one was written by a newer svcgate (run it, or
   * restore the backup made before the upgrade); anything else is not this store's.
   */
  private String formatRefused(String format) {
    int n;
    try {
      n = Integer.parseInt(format);
    } catch (NumberFormatException e) {
      n = -1;
    }
    if (n > Integer.parseInt(FORMAT)) {
      return "history store " + storeDir() + " has format " + format + ", written by a newer svcgate; this one reads"
          + " format " + FORMAT + " and older. Run the newer svcgate again, or restore the backup made before the"
          + " upgrade (docs/operations.md, \"Upgrade\")";
    }
    return "history store " + storeDir() + " has format " + format + ", this svcgate reads format " + FORMAT;
  }

  private String recover() {
    long start = System.nanoTime();
    try {
      byte[] epochBytes = db.get(meta, META_EPOCH);
      Scan scan = scan();
      if (epochBytes == null) {
        if (scan.count > 0) {
          throw corrupted("it holds " + scan.count + " events but no epoch");
        }
        String fresh = UUID.randomUUID().toString();
        try (WriteBatch batch = new WriteBatch()) {
          batch.put(meta, META_EPOCH, bytes(fresh));
          batch.put(meta, META_FORMAT, bytes(FORMAT));
          batch.put(meta, META_OLDEST, key(1));
          db.write(syncWriteOptions, batch);
        }
        lastId = 0;
        oldestId = 1;
        log.info("history {}: new history, epoch {}", dataDir, fresh);
        return fresh;
      }
      String format = string(db.get(meta, META_FORMAT));
      if (!FORMAT.equals(format)) {
        throw new HistoryStoreException(formatRefused(format));
      }
      long oldest = longValue(db.get(meta, META_OLDEST), "oldest id");
      if (scan.count == 0) {
        if (oldest != 1) {
          throw corrupted("no event is left, but events before " + oldest + " were dropped by retention "
              + "(which always keeps the last event)");
        }
        lastId = 0;
        oldestId = 1;
      } else {
        if (scan.first != oldest) {
          throw corrupted("the oldest event kept is " + scan.first + ", but the history's oldest id is " + oldest);
        }
        oldestId = scan.first;
        lastId = scan.last;
      }
      byte[] snap = db.get(meta, META_SNAPSHOT);
      if (snap != null) {
        long id = snapshotIdOf(snap);
        if (id > lastId || id < oldestId - 1) {
          throw corrupted("the state snapshot is at id " + id + ", outside the events kept (" + oldestId + ".."
              + lastId + ")");
        }
        snapshotId = id;
      }
      byte[] raft = db.get(meta, META_RAFT);
      if (raft != null) {
        if (raft.length != 16) {
          throw corrupted("its Raft position is " + raft.length + " bytes long");
        }
        ByteBuffer b = ByteBuffer.wrap(raft);
        long term = b.getLong();
        long index = b.getLong();
        if (term < 0 || index < 0) {
          throw corrupted("its Raft position (" + term + ", " + index + ") is negative");
        }
        raftPosition = new RaftPosition(term, index);
      }
      String stored = string(epochBytes);
      log.info("history {}: epoch {}, recovered {} events{}, state snapshot at {}{}, in {} ms", dataDir, stored,
          scan.count, scan.count == 0 ? "" : " (ids " + oldestId + ".." + lastId + ")", snapshotId,
          raftPosition == null ? "" : ", Raft position " + raftPosition,
          (System.nanoTime() - start) / 1_000_000);
      return stored;
    } catch (RocksDBException e) {
      throw storeError(storeDir(), "cannot read", e);
    }
  }

  private record Scan(long first, long last, long count) {
  }

  /** Walks every event: ids consecutive, values starting as their envelope, first and last parsing. */
  private Scan scan() throws RocksDBException {
    long first = 0;
    long expected = 0;
    long count = 0;
    byte[] prefix = new byte[32];
    try (ReadOptions options = new ReadOptions().setFillCache(false).setReadaheadSize(2L << 20);
         RocksIterator it = db.newIterator(events, options)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        byte[] k = it.key();
        if (k.length != 8) {
          throw corrupted("a key of " + k.length + " bytes is not an event id"
              + (count > 0 ? " (after event " + (expected - 1) + ")" : ""));
        }
        long id = ByteBuffer.wrap(k).getLong();
        if (count == 0) {
          first = id;
          if (id < 1) {
            throw corrupted("event id " + id + " is not positive");
          }
        } else if (id != expected) {
          throw corrupted((id - 1 > expected ? "events " + expected + ".." + (id - 1) + " are" : "event " + expected
              + " is") + " missing: the ids go from " + (expected - 1) + " to " + id);
        }
        int length = it.value(prefix);
        if (!startsWithId(prefix, Math.min(length, prefix.length), id)) {
          throw corrupted("the value stored for event " + id + " is not its envelope");
        }
        expected = id + 1;
        count++;
      }
      it.status();
    }
    if (count > 0) {
      checkParses(first);
      checkParses(expected - 1);
    }
    return new Scan(first, expected - 1, count);
  }

  private void checkParses(long id) throws RocksDBException {
    byte[] value = db.get(events, key(id));
    try {
      Event e = Event.fromJson(value);
      if (e.id() != id) {
        throw corrupted("the value stored for event " + id + " is the envelope of event " + e.id());
      }
    } catch (IOException e) {
      throw corrupted("the value stored for event " + id + " is not an event envelope (" + e.getMessage() + ")");
    }
  }

  static boolean startsWithId(byte[] buf, int length, long id) {
    String digits = Long.toString(id);
    int n = ID_PREFIX.length + digits.length() + 1;
    if (length < n) {
      return false;
    }
    for (int i = 0; i < ID_PREFIX.length; i++) {
      if (buf[i] != ID_PREFIX[i]) {
        return false;
      }
    }
    for (int i = 0; i < digits.length(); i++) {
      if (buf[ID_PREFIX.length + i] != digits.charAt(i)) {
        return false;
      }
    }
    return buf[n - 1] == ',';
  }

  @Override
  public String epoch() {
    return epoch;
  }

  @Override
  public long lastId() {
    return lastId;
  }

  @Override
  public long oldestId() {
    return oldestId;
  }

  @Override
  public long size() {
    long last = lastId;
    long oldest = oldestId;
    return last >= oldest ? last - oldest + 1 : 0;
  }

  /** The data directory this log locks. */
  public Path dataDir() {
    return dataDir;
  }

  /** Whether appends are fsynced before they return. */
  public boolean durable() {
    return durable;
  }

  /**
   * Appends {@code events} in one batch; when the log is durable they are on disk
   * (fsynced) when this returns.
   *
   * @throws IllegalArgumentException when the ids do not continue {@link #lastId()}
   * @throws HistoryStoreException    when the write fails (the log then stays where it was)
   */
  @Override
  public void append(List<Event> events) {
    append(events, List.of());
  }

  /**
   * Appends {@code events} and the nodes' merged {@code generations} in one batch,
   * so a crash keeps both or neither; when the log is durable they are on disk
   * (fsynced) when this returns.
   *
   * @throws IllegalArgumentException when the ids do not continue {@link #lastId()}
   * @throws HistoryStoreException    when the write fails (the log then stays where it was)
   */
  @Override
  public void append(List<Event> events, List<GenerationChange> generations) {
    append(events, generations, null);
  }

  /**
   * As {@link #append(List, List)}, with the Raft entry the changes come from
   * ({@code position}, null for none) in the same batch: a crash keeps the three or
   * none. A position alone (no event, no generation) is not written.
   *
   * @throws IllegalArgumentException when the ids do not continue {@link #lastId()}, or
   *                                  {@code position} is behind the recorded one
   */
  @Override
  public void append(List<Event> events, List<GenerationChange> generations, RaftPosition position) {
    if (events.isEmpty() && generations.isEmpty()) {
      return;
    }
    RaftPosition recorded = raftPosition;
    if (position != null && recorded != null && position.index() < recorded.index()) {
      throw new IllegalArgumentException("Raft position " + position + " is behind the recorded " + recorded);
    }
    long expected = lastId + 1;
    for (Event e : events) {
      if (e.id() != expected) {
        throw new IllegalArgumentException("event ids must continue the history without a gap: expected "
            + expected + ", got " + e.id());
      }
      expected++;
    }
    useLock.readLock().lock();
    try {
      ensureOpen();
      try (WriteBatch batch = new WriteBatch()) {
        for (Event e : events) {
          batch.put(this.events, key(e.id()), e.json());
        }
        for (GenerationChange g : generations) {
          if (g.forgotten()) {
            batch.delete(meta, genKey(g.nodename()));
          } else {
            batch.put(meta, genKey(g.nodename()), key(g.merged()));
          }
        }
        if (position != null) {
          batch.put(meta, META_RAFT, raftValue(position));
        }
        db.write(writeOptions, batch);
      } catch (RocksDBException e) {
        throw new HistoryStoreException((events.isEmpty() ? "cannot write node generations"
            : "cannot write events " + events.get(0).id() + ".." + (expected - 1)) + " to the history "
            + storeDir() + ": " + e.getMessage(), e);
      }
      lastId = expected - 1;
      if (position != null) {
        raftPosition = position;
      }
    } finally {
      useLock.readLock().unlock();
    }
  }

  @Override
  public Optional<RaftPosition> loadRaftPosition() {
    return Optional.ofNullable(raftPosition);
  }

  @Override
  public void adoptEpoch(String epoch) {
    if (epoch == null || epoch.isBlank()) {
      throw new IllegalArgumentException("epoch must not be blank");
    }
    useLock.readLock().lock();
    try {
      ensureOpen();
      if (lastId != 0 || raftPosition != null) {
        throw new IllegalStateException("history " + storeDir() + " is not empty: it keeps epoch " + this.epoch);
      }
      db.put(meta, syncWriteOptions, META_EPOCH, bytes(epoch));
      this.epoch = epoch;
      log.info("history {}: epoch {} (decided by the cluster)", dataDir, epoch);
    } catch (RocksDBException e) {
      throw storeError(storeDir(), "cannot write the epoch to", e);
    } finally {
      useLock.readLock().unlock();
    }
  }

  static byte[] raftValue(RaftPosition p) {
    return ByteBuffer.allocate(16).putLong(p.term()).putLong(p.index()).array();
  }

  /**
   * The merged generation of every node as the last append left it, in node name
   * order (blocking; for the start).
   *
   * @throws HistoryCorruptedException when a stored generation is not 8 bytes
   */
  @Override
  public Map<String, Long> loadGenerations() {
    Map<String, Long> out = new LinkedHashMap<>();
    useLock.readLock().lock();
    try {
      ensureOpen();
      try (RocksIterator it = db.newIterator(meta)) {
        for (it.seek(META_GEN_PREFIX); it.isValid(); it.next()) {
          byte[] k = it.key();
          if (!startsWith(k, META_GEN_PREFIX)) {
            break;
          }
          String node = new String(k, META_GEN_PREFIX.length, k.length - META_GEN_PREFIX.length,
              StandardCharsets.UTF_8);
          long merged = longValue(it.value(), "merged generation of node " + node);
          if (merged < 0) {
            throw corrupted("its merged generation of node " + node + " is negative (" + merged + ")");
          }
          out.put(node, merged);
        }
        it.status();
      }
      return out;
    } catch (RocksDBException e) {
      throw storeError(storeDir(), "cannot read node generations from", e);
    } finally {
      useLock.readLock().unlock();
    }
  }

  static byte[] genKey(String nodename) {
    byte[] name = bytes(nodename);
    byte[] k = Arrays.copyOf(META_GEN_PREFIX, META_GEN_PREFIX.length + name.length);
    System.arraycopy(name, 0, k, META_GEN_PREFIX.length, name.length);
    return k;
  }

  private static boolean startsWith(byte[] b, byte[] prefix) {
    return b.length >= prefix.length && Arrays.equals(b, 0, prefix.length, prefix, 0, prefix.length);
  }

  /**
   * Reads up to {@code limit} events after {@code after} from the store.
   *
   * @throws IllegalArgumentException  when {@code after < 0} or {@code limit < 1}
   * @throws HistoryGoneException      when events after {@code after} were dropped by retention
   * @throws HistoryCorruptedException when a stored value does not parse
   */
  @Override
  public List<Event> readAfter(long after, int limit) {
    return readAfter(after, limit, Long.MAX_VALUE);
  }

  /** As {@link #readAfter(long, int)}, stopping after the value that reaches {@code maxBytes}. */
  @Override
  public List<Event> readAfter(long after, int limit, long maxBytes) {
    return read(after, limit, maxBytes, (id, value) -> {
      try {
        return Event.fromJson(value);
      } catch (IOException e) {
        throw corrupted("the value stored for event " + id + " is not an event envelope (" + e.getMessage() + ")");
      }
    });
  }

  /**
   * As {@link #readAfter}, the stored envelopes as they are (no parse; the scan at
   * open checked that each starts as the envelope of its id).
   */
  @Override
  public List<byte[]> readRawAfter(long after, int limit) {
    return read(after, limit, Long.MAX_VALUE, (id, value) -> value);
  }

  private interface ValueReader<T> {
    T read(long id, byte[] value);
  }

  private <T> List<T> read(long after, int limit, long maxBytes, ValueReader<T> reader) {
    if (after < 0) {
      throw new IllegalArgumentException("after must be >= 0, got " + after);
    }
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, got " + limit);
    }
    long last = lastId;
    long oldest = oldestId;
    if (after < oldest - 1) {
      throw new HistoryGoneException(after, oldest, last);
    }
    if (after >= last) {
      return List.of();
    }
    int n = (int) Math.min(limit, last - after);
    List<T> out = new ArrayList<>(Math.min(n, 1024));
    long bytes = 0;
    useLock.readLock().lock();
    try {
      ensureOpen();
      try (RocksIterator it = db.newIterator(events)) {
        for (it.seek(key(after + 1)); it.isValid() && out.size() < n; it.next()) {
          long id = ByteBuffer.wrap(it.key()).getLong();
          if (id != after + 1 + out.size()) {
            // retention ran between the check and the read
            throw new HistoryGoneException(after, oldestId, lastId);
          }
          byte[] value = it.value();
          out.add(reader.read(id, value));
          bytes += value.length;
          if (bytes >= maxBytes) {
            break;
          }
        }
        it.status();
      } catch (RocksDBException e) {
        throw storeError(storeDir(), "cannot read", e);
      }
    } finally {
      useLock.readLock().unlock();
    }
    if (out.size() < n && bytes < maxBytes) {
      throw new HistoryGoneException(after, oldestId, lastId);
    }
    return out;
  }

  /**
   * Drops the oldest events beyond {@code maxEvents} and those older than
   * {@code minTsMicros}, in one range delete. Two things are always kept: the last
   * event, and every event after the stored state snapshot (they are what restart
   * replays onto it), so with no snapshot nothing is dropped; when that holds
   * retention back, a warning says so. May run concurrently with appends.
   *
   * <p>The age bound finds its cut by binary search, so it relies on timestamps that
   * do not go backwards, which is how the gateway stamps events; when its clock steps
   * back, the age bound is approximate.
   */
  @Override
  public long retain(long maxEvents, long minTsMicros) {
    if (maxEvents < 1) {
      throw new IllegalArgumentException("maxEvents must be at least 1, got " + maxEvents);
    }
    retainLock.lock();
    useLock.readLock().lock();
    try {
      ensureOpen();
      long last = lastId;
      long oldest = oldestId;
      if (last < oldest) {
        return 0;
      }
      long cut = Math.max(oldest, last - maxEvents + 1);
      if (minTsMicros > 0) {
        cut = Math.max(cut, firstNotOlder(cut, last, minTsMicros));
      }
      long hold = snapshotId + 1;
      if (cut > hold) {
        if (!heldBack) {
          log.warn("history {}: retention held back at id {}: the events after the latest state snapshot ({}) are "
              + "kept until a newer snapshot is saved", dataDir, hold, snapshotId);
          heldBack = true;
        }
        cut = hold;
      } else if (heldBack) {
        log.info("history {}: retention no longer held back by the state snapshot", dataDir);
        heldBack = false;
      }
      if (cut <= oldest) {
        return 0;
      }
      try (WriteBatch batch = new WriteBatch()) {
        batch.deleteRange(events, key(oldest), key(cut));
        batch.put(meta, META_OLDEST, key(cut));
        db.write(writeOptions, batch);
      }
      oldestId = cut;
      long dropped = cut - oldest;
      droppedSinceCompaction += dropped;
      if (droppedSinceCompaction >= Math.max(10_000, size())) {
        // reclaim the space of what was dropped now rather than whenever compaction gets there
        db.compactRange(events, key(0), key(cut));
        droppedSinceCompaction = 0;
      }
      return dropped;
    } catch (RocksDBException e) {
      throw storeError(storeDir(), "cannot apply retention to", e);
    } finally {
      useLock.readLock().unlock();
      retainLock.unlock();
    }
  }

  /** The first id in [from, last] whose event is not older than {@code minTsMicros}; {@code last} when all are. */
  private long firstNotOlder(long from, long last, long minTsMicros) throws RocksDBException {
    long lo = from;
    long hi = last;
    while (lo < hi) {
      long mid = lo + (hi - lo) / 2;
      if (tsMicros(mid) < minTsMicros) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private long tsMicros(long id) throws RocksDBException {
    byte[] value = db.get(events, key(id));
    if (value == null) {
      throw corrupted("event " + id + " is missing");
    }
    try {
      return Event.fromJson(value).tsMicros();
    } catch (IOException e) {
      throw corrupted("the value stored for event " + id + " is not an event envelope (" + e.getMessage() + ")");
    }
  }

  @Override
  public void saveSnapshot(long id, byte[] blob) {
    if (blob == null) {
      throw new IllegalArgumentException("snapshot blob must not be null");
    }
    if (id > lastId) {
      throw new IllegalArgumentException("snapshot id " + id + " is past the last event written (" + lastId + ")");
    }
    if (id < oldestId - 1) {
      throw new IllegalArgumentException("snapshot id " + id + " is older than the events kept (oldest id "
          + oldestId + "): the events after it are gone");
    }
    if (id < snapshotId) {
      throw new IllegalArgumentException("snapshot id " + id + " is older than the stored snapshot (" + snapshotId
          + ")");
    }
    byte[] value = ByteBuffer.allocate(8 + blob.length).putLong(id).put(blob).array();
    useLock.readLock().lock();
    try {
      ensureOpen();
      db.put(meta, syncWriteOptions, META_SNAPSHOT, value);
      snapshotId = id;
    } catch (RocksDBException e) {
      throw storeError(storeDir(), "cannot write the state snapshot to", e);
    } finally {
      useLock.readLock().unlock();
    }
  }

  @Override
  public Optional<Snapshot> loadSnapshot() {
    useLock.readLock().lock();
    try {
      ensureOpen();
      byte[] value = db.get(meta, META_SNAPSHOT);
      if (value == null) {
        return Optional.empty();
      }
      return Optional.of(new Snapshot(snapshotIdOf(value), Arrays.copyOfRange(value, 8, value.length)));
    } catch (RocksDBException e) {
      throw storeError(storeDir(), "cannot read the state snapshot from", e);
    } finally {
      useLock.readLock().unlock();
    }
  }

  @Override
  public long snapshotId() {
    return snapshotId;
  }

  /** Bytes of the store's table files on disk (RocksDB's estimate), for metrics. */
  public long diskBytes() {
    useLock.readLock().lock();
    try {
      ensureOpen();
      return db.getLongProperty(events, "rocksdb.total-sst-files-size")
          + db.getLongProperty(meta, "rocksdb.total-sst-files-size");
    } catch (RocksDBException e) {
      throw storeError(storeDir(), "cannot read properties of", e);
    } finally {
      useLock.readLock().unlock();
    }
  }

  /**
   * Closes the store (after flushing its memory tables, so the next open is quick) and
   * releases the data directory. Waits for reads in progress; idempotent.
   */
  @Override
  public void close() {
    useLock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      // a clean close leaves table files only, so the next open replays no log
      try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
        db.flush(flush, List.of(events, meta));
      } catch (RocksDBException e) {
        log.warn("history {}: cannot flush the store at close (the next open replays its log): {}", dataDir,
            e.getMessage());
      }
      closeAll(resources);
      if (lock != null) {
        lock.close();
      }
    } finally {
      useLock.writeLock().unlock();
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new HistoryStoreException("the history " + storeDir() + " is closed");
    }
  }

  private Path storeDir() {
    return storeDir;
  }

  /**
   * Replaces the store of {@code dataDir} (not open: this takes its lock) with the
   * history packed in {@code file} ({@link CheckpointFile}): unpacked beside it,
   * opened and checked as at any open, then swapped in so that a crash at any point
   * leaves the old store or the new one, never a mix.
   *
   * @return what the packed history holds
   * @throws HistoryStoreException     when the file is not a packed history, or on I/O errors
   * @throws HistoryCorruptedException when the packed store does not check out (nothing replaced)
   */
  static CheckpointFile.Manifest importCheckpoint(Path dataDir, Path file) {
    DataDirectoryLock lock = DataDirectoryLock.acquire(dataDir);
    try {
      CheckpointFile.finishSwap(dataDir);
      Path fresh = dataDir.resolve(CheckpointFile.NEW_DIR);
      CheckpointFile.Manifest m;
      try {
        m = CheckpointFile.unpack(file, fresh);
        try (RocksEventLog check = open(dataDir, fresh, null, true, false, HistoryOptions.DEFAULT_BLOCK_CACHE_BYTES,
            HistoryOptions.DEFAULT_WRITE_BUFFER_BYTES)) {
          RaftPosition held = check.loadRaftPosition().orElse(new RaftPosition(0, 0));
          if (!check.epoch().equals(m.epoch()) || check.lastId() != m.lastId() || !held.equals(m.position())) {
            throw new HistoryCorruptedException("snapshot " + file + " does not hold what its manifest says: epoch "
                + check.epoch() + ", last id " + check.lastId() + ", Raft position " + held + " against " + m);
          }
        }
      } catch (RuntimeException e) {
        try {
          CheckpointFile.deleteTree(fresh);
        } catch (IOException io) {
          e.addSuppressed(io);
        }
        throw e;
      }
      CheckpointFile.commitSwap(dataDir);
      log.info("history {}: replaced by snapshot {}: epoch {}, ids {}..{}, Raft position {}", dataDir, file, m.epoch(),
          m.oldestId(), m.lastId(), m.position());
      return m;
    } finally {
      lock.close();
    }
  }

  /**
   * Makes a RocksDB checkpoint of the store in {@code dir} (which must not exist): a
   * consistent copy of every column family as of now (table files hard-linked when on
   * the same file system). The caller keeps writes out meanwhile to know what it holds.
   */
  void checkpoint(Path dir) {
    useLock.readLock().lock();
    try {
      ensureOpen();
      // what the checkpoint holds is durable here too, whether appends are fsynced or not: the Raft
      // log may be purged behind it
      db.flushWal(true);
      try (org.rocksdb.Checkpoint cp = org.rocksdb.Checkpoint.create(db)) {
        cp.createCheckpoint(dir.toString());
      }
    } catch (RocksDBException e) {
      throw storeError(storeDir(), "cannot make a checkpoint of", e);
    } finally {
      useLock.readLock().unlock();
    }
  }

  private HistoryCorruptedException corrupted(String detail) {
    return corrupted(storeDir(), detail, null);
  }

  private static HistoryCorruptedException corrupted(Path storeDir, String detail, Throwable cause) {
    return new HistoryCorruptedException("history store " + storeDir + " is damaged: " + detail
        + ". svcgate will not serve a history it cannot trust: restore a backup of " + storeDir.getParent()
        + ", or wipe it to start a new history (a new epoch)", cause);
  }

  private static HistoryStoreException storeError(Path storeDir, String what, RocksDBException e) {
    Status status = e.getStatus();
    if (status != null && status.getCode() == Status.Code.Corruption) {
      return corrupted(storeDir, "RocksDB reports \"" + e.getMessage() + "\"", e);
    }
    return new HistoryStoreException(what + " history store " + storeDir + ": " + e.getMessage(), e);
  }

  private static void closeAll(List<AutoCloseable> resources) {
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        log.warn("history: cannot close {}: {}", resources.get(i).getClass().getSimpleName(), e.toString());
      }
    }
    resources.clear();
  }

  private static <T extends AutoCloseable> T track(List<AutoCloseable> resources, T resource) {
    resources.add(resource);
    return resource;
  }

  /** The store key of an id: 8 bytes big-endian, so keys sort in id order. */
  static byte[] key(long id) {
    return ByteBuffer.allocate(8).putLong(id).array();
  }

  private long longValue(byte[] value, String what) {
    if (value == null || value.length != 8) {
      throw corrupted("its " + what + " is " + (value == null ? "missing" : value.length + " bytes long"));
    }
    return ByteBuffer.wrap(value).getLong();
  }

  private long snapshotIdOf(byte[] value) {
    if (value.length < 8) {
      throw corrupted("its state snapshot is " + value.length + " bytes long");
    }
    return ByteBuffer.wrap(value, 0, 8).getLong();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String string(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }
}
