package io.svcgate.gateway.history;

import io.svcgate.state.ClusterState.GenerationChange;
import io.svcgate.state.Event;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/**
 * Where the fsync of a cluster member goes (docs/storage.md, "Where the fsync
 * happens"): the cost of one history write of a committed entry ({@code batch} events,
 * a generation and the Raft position) fsynced and not, beside one fsynced append of
 * the entry's bytes to a plain file, which is what a Raft log write costs at least.
 * The three are interleaved, so the noise of the machine falls on all of them. A
 * plain-Java program, not a test.
 *
 * <pre>
 * java -cp "$CP" io.svcgate.gateway.history.ClusterFsyncBench [writes=3000] [batch=4]
 * </pre>
 */
public final class ClusterFsyncBench {

  private ClusterFsyncBench() {
  }

  public static void main(String[] args) throws Exception {
    int writes = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    Path dir = Files.createTempDirectory("svcgate-cluster-fsync-bench");
    long[][] nanos = new long[3][writes / 3];
    try (RocksEventLog synced = RocksEventLog.open(dir.resolve("synced"), true);
         RocksEventLog unsynced = RocksEventLog.open(dir.resolve("unsynced"), false);
         FileChannel raftLog = FileChannel.open(dir.resolve("raft-log"), StandardOpenOption.CREATE,
             StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      long id = 0;
      for (int w = 0; w < (writes / 3) * 3; w++) {
        int mode = w % 3;
        int n = w / 3;
        if (mode == 0) {
          id += batch;
        }
        List<Event> events = TestEvents.range(id - batch + 1, id, RocksEventLogTest.T0);
        List<GenerationChange> gens = List.of(new GenerationChange("node-" + n % 50, n + 1, false));
        RaftPosition position = new RaftPosition(1, n + 1);
        long t0 = System.nanoTime();
        switch (mode) {
          case 0 -> synced.append(events, gens, position);
          case 1 -> unsynced.append(events, gens, position);
          default -> {
            // the entry as a Raft log holds it: about the size of the message, once
            int size = 0;
            for (Event e : events) {
              size += e.json().length;
            }
            raftLog.write(ByteBuffer.allocate(size));
            raftLog.force(false);
          }
        }
        nanos[mode][n] = System.nanoTime() - t0;
      }
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    String[] names = {"history write, fsynced", "history write, no fsync", "fsynced append to a plain file"};
    System.out.printf("%d writes each, %d events per entry%n", writes / 3, batch);
    for (int m = 0; m < 3; m++) {
      long[] a = nanos[m].clone();
      Arrays.sort(a);
      double mean = Arrays.stream(a).average().orElse(0) / 1e6;
      System.out.printf("  %-32s mean %.3f ms  p50 %.3f ms  p99 %.3f ms%n", names[m], mean, a[a.length / 2] / 1e6,
          a[(int) (a.length * 0.99)] / 1e6);
    }
  }
}
