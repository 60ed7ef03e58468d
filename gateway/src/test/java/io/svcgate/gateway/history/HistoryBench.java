package io.svcgate.gateway.history;

import io.svcgate.state.Event;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * Throughput of the history as the state verticle uses it (docs/storage.md): one thread
 * appends events of about 500 bytes through {@link History} (group commit), durable on
 * and off, with 1 and 8 events per append; for comparison, the same without group
 * commit (one synced write per append); one event per append at a steady 10 000 and
 * 100 000 events/s (batch sizes and ack latency); then, on a history of 1 000 000 events, the
 * time to reopen it and random pages of 1000 read from the store. Not a test: a main.
 *
 * <p>Arguments: {@code [events per run] [events in the big history]}, defaults 200000 1000000.
 */
public final class HistoryBench {

  private HistoryBench() {
  }

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int big = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    long ts = System.currentTimeMillis() * 1000;
    List<Event> events = TestEvents.range(1, Math.max(n, 1), ts);
    System.out.printf("events of %d bytes on average, %d per run%n",
        events.stream().mapToLong(e -> e.json().length).sum() / events.size(), n);
    for (int round = 0; round < 3; round++) {
      System.out.println("round " + (round + 1));
      for (boolean durable : new boolean[] {true, false}) {
        for (int perAppend : new int[] {1, 8}) {
          groupCommit(events, durable, perAppend);
        }
      }
      noGroupCommit(events.subList(0, Math.min(n, 20_000)), true);
      for (boolean durable : new boolean[] {true, false}) {
        for (int rate : new int[] {10_000, 100_000}) {
          paced(events.subList(0, Math.min(n, rate * 2)), durable, rate);
        }
      }
    }
    bigHistory(big, ts);
  }

  private static void groupCommit(List<Event> events, boolean durable, int perAppend) throws Exception {
    Path dir = Files.createTempDirectory("bench-history");
    try {
      History h = History.open(new HistoryOptions().setDataDir(dir).setDurable(durable)
          .setRetentionInterval(Duration.ZERO));
      long t0 = System.nanoTime();
      CompletableFuture<Void> last = null;
      int appends = 0;
      for (int i = 0; i < events.size(); i += perAppend) {
        List<Event> chunk = events.subList(i, Math.min(events.size(), i + perAppend));
        while (!h.canAccept(chunk.size())) {
          Thread.onSpinWait();
        }
        last = h.append(chunk);
        appends++;
      }
      last.join();
      long nanos = System.nanoTime() - t0;
      History.Stats s = h.stats();
      h.close();
      System.out.printf("  group commit durable=%-5s %d/append: %,9.0f appends/s %,9.0f events/s, %,d writes,"
              + " %.1f events/write on average, largest %d%n", durable, perAppend, appends / (nanos / 1e9),
          events.size() / (nanos / 1e9), s.batches(), (double) s.eventsWritten() / s.batches(), s.largestBatch());
    } finally {
      delete(dir);
    }
  }

  /** One event per append at a steady offered rate: the batch sizes and ack latency a given load gets. */
  private static void paced(List<Event> events, boolean durable, int perSecond) throws Exception {
    Path dir = Files.createTempDirectory("bench-history");
    try {
      History h = History.open(new HistoryOptions().setDataDir(dir).setDurable(durable)
          .setRetentionInterval(Duration.ZERO));
      long[] latency = new long[events.size()];
      long interval = 1_000_000_000L / perSecond;
      long t0 = System.nanoTime();
      int refused = 0;
      for (int i = 0; i < events.size(); i++) {
        long due = t0 + i * interval;
        while (System.nanoTime() < due) {
          Thread.onSpinWait();
        }
        if (!h.canAccept(1)) {
          refused++;
          while (!h.canAccept(1)) {
            Thread.onSpinWait();
          }
        }
        int k = i;
        long start = System.nanoTime();
        h.append(events.subList(i, i + 1)).thenRun(() -> latency[k] = System.nanoTime() - start);
      }
      h.sync();
      long nanos = System.nanoTime() - t0;
      History.Stats s = h.stats();
      h.close();
      Arrays.sort(latency);
      System.out.printf("  paced %,d events/s durable=%-5s: got %,9.0f events/s, %.1f events/write on average, "
              + "largest %d, ack latency p50 %.2f ms p99 %.2f ms, backlog full %d times%n", perSecond, durable,
          events.size() / (nanos / 1e9), (double) s.eventsWritten() / s.batches(), s.largestBatch(),
          latency[latency.length / 2] / 1e6, latency[latency.length * 99 / 100] / 1e6, refused);
    } finally {
      delete(dir);
    }
  }

  private static void noGroupCommit(List<Event> events, boolean durable) throws Exception {
    Path dir = Files.createTempDirectory("bench-history");
    try (RocksEventLog log = RocksEventLog.open(dir, durable)) {
      long t0 = System.nanoTime();
      for (Event e : events) {
        log.append(List.of(e));
      }
      long nanos = System.nanoTime() - t0;
      System.out.printf("  one write per event durable=%-5s: %,9.0f events/s%n", durable, events.size() / (nanos / 1e9));
    } finally {
      delete(dir);
    }
  }

  private static void bigHistory(int count, long ts) throws Exception {
    Path dir = Files.createTempDirectory("bench-history");
    try {
      HistoryOptions options = new HistoryOptions().setDataDir(dir).setRetentionInterval(Duration.ZERO);
      try (History h = History.open(options)) {
        for (long id = 1; id <= count; id += 1000) {
          List<Event> chunk = TestEvents.range(id, Math.min(count, id + 999), ts);
          while (!h.canAccept(chunk.size())) {
            Thread.onSpinWait();
          }
          h.append(chunk);
        }
        h.sync();
      }
      long t0 = System.nanoTime();
      try (History h = History.open(options)) {
        long open = System.nanoTime() - t0;
        SplittableRandom random = new SplittableRandom(7);
        long[] lat = new long[500];
        for (int i = 0; i < lat.length; i++) {
          long after = random.nextLong(count - 1000);
          long s = System.nanoTime();
          List<Event> page = h.readAfter(after, 1000);
          lat[i] = System.nanoTime() - s;
          if (page.size() != 1000 || page.get(0).id() != after + 1) {
            throw new AssertionError("bad page after " + after);
          }
        }
        Arrays.sort(lat);
        System.out.printf("history of %,d events (%,d KiB of table files): reopen until ready %.0f ms; "
                + "page of 1000 from the store p50 %.2f ms p99 %.2f ms%n", count,
            ((RocksEventLog) h.store()).diskBytes() / 1024, open / 1e6, lat[lat.length / 2] / 1e6,
            lat[lat.length * 99 / 100] / 1e6);
      }
    } finally {
      delete(dir);
    }
  }

  private static void delete(Path dir) throws IOException {
    List<Path> paths = new ArrayList<>();
    try (var s = Files.walk(dir)) {
      s.forEach(paths::add);
    }
    for (int i = paths.size() - 1; i >= 0; i--) {
      Files.delete(paths.get(i));
    }
  }
}
