package io.svcgate.gateway.history;

import io.svcgate.state.ClusterState.GenerationChange;
import io.svcgate.state.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What storing the nodes' merged generations with the events costs a durable write:
 * fsynced writes of {@code batch} events on RocksDB, alternately without and with one
 * generation per event (the worst case: each event from another message), so the
 * noise of the machine falls on both. A plain-Java program, not a test; the figures
 * are in docs/storage.md.
 *
 * <pre>
 * java -cp "$CP" io.svcgate.gateway.history.GenerationsBench [writes=4000] [batch=20]
 * </pre>
 */
public final class GenerationsBench {

  private GenerationsBench() {
  }

  public static void main(String[] args) throws Exception {
    int writes = args.length > 0 ? Integer.parseInt(args[0]) : 4000;
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    Path dir = Files.createTempDirectory("svcgate-generations-bench");
    long[] nanos = new long[2];
    long[] count = new long[2];
    try (RocksEventLog log = RocksEventLog.open(dir, true)) {
      long id = 0;
      for (int w = 0; w < writes; w++) {
        int mode = w % 2;
        List<Event> events = TestEvents.range(id + 1, id + batch, RocksEventLogTest.T0);
        List<GenerationChange> generations = new ArrayList<>();
        for (int i = 0; mode == 1 && i < batch; i++) {
          generations.add(new GenerationChange("node-" + (w * batch + i) % 50, w * batch + i, false));
        }
        long t0 = System.nanoTime();
        log.append(events, generations);
        nanos[mode] += System.nanoTime() - t0;
        count[mode]++;
        id += batch;
      }
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    System.out.printf("fsynced write of %d events: %.3f ms without generations, %.3f ms with %d (%d writes each)%n",
        batch, nanos[0] / 1e6 / count[0], nanos[1] / 1e6 / count[1], batch, count[0]);
  }
}
