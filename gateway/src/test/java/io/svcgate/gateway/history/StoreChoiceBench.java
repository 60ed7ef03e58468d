package io.svcgate.gateway.history;

import io.svcgate.state.Event;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The measurement behind the choice of store in docs/storage.md: RocksDB vs H2 MVStore,
 * appending events of about 500 bytes in batches, durable (fsync per batch) or not, then
 * reading random pages of 1000 events back as envelopes.
 *
 * <p>Not a test: a main, run as docs/storage.md says. Arguments:
 * {@code [events] [batch] [pages]}, defaults 100000 64 1000.
 */
public final class StoreChoiceBench {

  private StoreChoiceBench() {
  }

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    int pages = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
    List<Event> events = TestEvents.range(1, n, System.currentTimeMillis() * 1000);
    long bytes = events.stream().mapToLong(e -> e.json().length).sum();
    System.out.printf("events=%d batch=%d avg_bytes=%d%n", n, batch, bytes / n);
    RocksDB.loadLibrary();
    for (int round = 0; round < 3; round++) {
      for (boolean sync : new boolean[] {true, false}) {
        rocks(events, batch, sync, pages);
        mvstore(events, batch, sync, pages);
      }
    }
  }

  private static void rocks(List<Event> events, int batch, boolean sync, int pages) throws Exception {
    Path dir = Files.createTempDirectory("bench-rocks");
    try (Options o = new Options().setCreateIfMissing(true);
         RocksDB db = RocksDB.open(o, dir.toString());
         WriteOptions wo = new WriteOptions().setSync(sync)) {
      long t0 = System.nanoTime();
      for (int i = 0; i < events.size(); i += batch) {
        try (WriteBatch wb = new WriteBatch()) {
          for (int j = i; j < Math.min(events.size(), i + batch); j++) {
            Event e = events.get(j);
            wb.put(key(e.id()), e.json());
          }
          db.write(wo, wb);
        }
      }
      long t1 = System.nanoTime();
      long[] lat = new long[pages];
      SplittableRandom rnd = new SplittableRandom(1);
      for (int p = 0; p < pages; p++) {
        long after = rnd.nextLong(events.size() - 1000);
        long s = System.nanoTime();
        try (RocksIterator it = db.newIterator()) {
          int k = 0;
          for (it.seek(key(after + 1)); it.isValid() && k < 1000; it.next(), k++) {
            Event.fromJson(it.value());
          }
        }
        lat[p] = System.nanoTime() - s;
      }
      report("rocksdb", sync, events.size(), t1 - t0, lat);
    }
    try {
      long s = System.nanoTime();
      try (Options o = new Options(); RocksDB db = RocksDB.open(o, dir.toString()); RocksIterator it = db.newIterator()) {
        it.seekToLast();
        long last = ByteBuffer.wrap(it.key()).getLong();
        it.seekToFirst();
        System.out.printf("         reopen %.0f ms (last %d), disk %d KiB%n", (System.nanoTime() - s) / 1e6, last, du(dir) / 1024);
      }
    } finally {
      delete(dir);
    }
  }

  private static void mvstore(List<Event> events, int batch, boolean sync, int pages) throws Exception {
    Path dir = Files.createTempDirectory("bench-mv");
    MVStore store = new MVStore.Builder().fileName(dir.resolve("h.mv").toString()).autoCommitDisabled().open();
    try {
      MVMap<Long, byte[]> map = store.openMap("events");
      long t0 = System.nanoTime();
      for (int i = 0; i < events.size(); i += batch) {
        for (int j = i; j < Math.min(events.size(), i + batch); j++) {
          Event e = events.get(j);
          map.put(e.id(), e.json());
        }
        store.commit();
        if (sync) {
          store.sync();
        }
      }
      long t1 = System.nanoTime();
      long[] lat = new long[pages];
      SplittableRandom rnd = new SplittableRandom(1);
      for (int p = 0; p < pages; p++) {
        long after = rnd.nextLong(events.size() - 1000);
        long s = System.nanoTime();
        Cursor<Long, byte[]> c = map.cursor(after + 1);
        for (int k = 0; k < 1000 && c.hasNext(); k++) {
          c.next();
          Event.fromJson(c.getValue());
        }
        lat[p] = System.nanoTime() - s;
      }
      report("mvstore", sync, events.size(), t1 - t0, lat);
    } finally {
      store.close();
    }
    try {
      long s = System.nanoTime();
      MVStore again = new MVStore.Builder().fileName(dir.resolve("h.mv").toString()).autoCommitDisabled().open();
      MVMap<Long, byte[]> map = again.openMap("events");
      long last = map.lastKey();
      System.out.printf("         reopen %.0f ms (last %d), disk %d KiB%n", (System.nanoTime() - s) / 1e6, last, du(dir) / 1024);
      again.close();
    } finally {
      delete(dir);
    }
  }

  private static void report(String store, boolean sync, int n, long nanos, long[] lat) {
    Arrays.sort(lat);
    System.out.printf("%-8s sync=%-5s append %,10.0f events/s   page(1000) p50 %6.2f ms  p99 %6.2f ms%n",
        store, sync, n / (nanos / 1e9), lat[lat.length / 2] / 1e6, lat[lat.length * 99 / 100] / 1e6);
  }

  static byte[] key(long id) {
    return ByteBuffer.allocate(8).putLong(id).array();
  }

  private static long du(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
