package io.svcgate.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * P1 measured in CPU time rather than wall time: the same operation as
 * {@link CoreBench#applyGeneration}, run {@code rounds} × {@code n} times on this
 * thread, reporting generations per second of this thread's CPU time. On a
 * machine shared with other work (where JMH's wall-clock throughput drops with
 * the load), this is the figure that compares; so is the heap this thread allocates
 * per generation (the bench's own message objects included). Not a JMH benchmark: no
 * forks, warm-up is the first rounds.
 *
 * <pre>java -cp bench/target/bench.jar io.svcgate.bench.CoreCpu [n=200000] [rounds=5] [aggregates=true]</pre>
 */
public final class CoreCpu {

  private CoreCpu() {
  }

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    CoreBench b = new CoreBench();
    b.aggregates = args.length <= 2 || Boolean.parseBoolean(args[2]);
    b.setup();
    ThreadMXBean t = ManagementFactory.getThreadMXBean();
    com.sun.management.ThreadMXBean alloc = (com.sun.management.ThreadMXBean) t;
    long self = Thread.currentThread().getId();
    long sink = 0;
    for (int r = 1; r <= rounds; r++) {
      long cpu0 = t.getCurrentThreadCpuTime();
      long bytes0 = alloc.getThreadAllocatedBytes(self);
      long wall0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        sink += b.applyGeneration();
      }
      double cpu = (t.getCurrentThreadCpuTime() - cpu0) / 1e9;
      double wall = (System.nanoTime() - wall0) / 1e9;
      double bytes = alloc.getThreadAllocatedBytes(self) - bytes0;
      System.out.printf(Locale.ROOT,
          "round %d: %.0f generations per CPU-second (%.2f µs CPU each), %.0f per wall-second, %.0f bytes allocated each%n",
          r, n / cpu, cpu * 1e6 / n, n / wall, bytes / n);
    }
    System.out.println(sink == 42 ? "" : "(aggregates " + b.aggregates + ")");
  }
}
