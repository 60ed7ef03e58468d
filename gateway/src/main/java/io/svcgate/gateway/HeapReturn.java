package io.svcgate.gateway;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the heap a running gateway does not use back to the system
 * ({@code memory.heap-return-interval}, docs/operations.md, "Memory"): at each
 * interval, one concurrent collection, at whose end G1 shrinks the heap to what
 * {@code -XX:MaxHeapFreeRatio} allows.
 *
 * <p>Why the gateway asks for it: G1 on Java 17 shrinks the heap only at the end
 * of a marking cycle or after a full collection. Its own periodic collection
 * ({@code -XX:G1PeriodicGCInterval}) starts a cycle only after an interval with no
 * collection at all, which never comes to a gateway that receives heartbeats: each
 * young collection puts it off, and the heap keeps the size that the start and the
 * last burst gave it. A concurrent cycle over the gateway's few tens of MiB costs a
 * short pause to start it and some milliseconds of one GC thread.
 *
 * <p>The request is {@link System#gc()}, which is a concurrent cycle only under
 * {@code -XX:+ExplicitGCInvokesConcurrent} (the launcher's default); without it,
 * or with another collector, or with {@code -XX:+DisableExplicitGC}, it would be a
 * full stop-the-world collection or nothing, so the heap return stays off and says
 * why ({@link #whyOff}). {@code System.gc()} returns when the cycle is done: it
 * runs on a thread of its own, never on an event loop. One per process.
 */
public final class HeapReturn implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HeapReturn.class);

  /** The first request after the start, or after the interval when that is shorter. */
  static final Duration FIRST = Duration.ofSeconds(10);

  private final ScheduledExecutorService thread;
  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

  private HeapReturn(long firstMs, long intervalMs) {
    thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "svcgate-heap-return");
      t.setDaemon(true);
      return t;
    });
    thread.scheduleWithFixedDelay(this::collect, firstMs, intervalMs, TimeUnit.MILLISECONDS);
  }

  /**
   * Starts returning heap every {@code interval} when this JVM allows it, and logs
   * either way; empty when the interval is zero or the JVM's flags keep it off.
   */
  public static Optional<HeapReturn> start(Duration interval) {
    if (interval.isZero()) {
      LOG.info("heap return: off (memory.heap-return-interval is 0s)");
      return Optional.empty();
    }
    Optional<String> off = whyOff(JvmFlags.current());
    if (off.isPresent()) {
      LOG.info("heap return: off ({})", off.get());
      return Optional.empty();
    }
    long firstMs = Math.min(interval.toMillis(), FIRST.toMillis());
    LOG.info("heap return: a concurrent collection every {} s, the first after {} s", interval.toMillis() / 1000d,
        firstMs / 1000d);
    return Optional.of(new HeapReturn(firstMs, interval.toMillis()));
  }

  /** The JVM flags that decide whether {@link System#gc()} is a concurrent cycle. */
  record JvmFlags(boolean g1, boolean explicitGcConcurrent, boolean explicitGcDisabled) {

    /** This JVM's; all false on a JVM without HotSpot's diagnostic bean or these flags. */
    static JvmFlags current() {
      try {
        HotSpotDiagnosticMXBean hs = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        return new JvmFlags(on(hs, "UseG1GC"), on(hs, "ExplicitGCInvokesConcurrent"), on(hs, "DisableExplicitGC"));
      } catch (RuntimeException e) {
        return new JvmFlags(false, false, false);
      }
    }

    private static boolean on(HotSpotDiagnosticMXBean hs, String flag) {
      return Boolean.parseBoolean(hs.getVMOption(flag).getValue());
    }
  }

  /** Why {@code flags} keep the heap return off; empty when they allow it. */
  static Optional<String> whyOff(JvmFlags flags) {
    if (!flags.g1()) {
      return Optional.of("the JVM does not run G1 (-XX:+UseG1GC)");
    }
    if (flags.explicitGcDisabled()) {
      return Optional.of("-XX:+DisableExplicitGC");
    }
    if (!flags.explicitGcConcurrent()) {
      return Optional.of("needs -XX:+ExplicitGCInvokesConcurrent, else each request would be a full collection");
    }
    return Optional.empty();
  }

  private void collect() {
    try {
      MemoryUsage before = memory.getHeapMemoryUsage();
      if (before.getCommitted() <= Math.max(0, before.getInit())) {
        return; // already at the initial size: nothing to give back
      }
      long t0 = System.nanoTime();
      System.gc();
      MemoryUsage after = memory.getHeapMemoryUsage();
      LOG.debug("heap return: committed {} → {} MiB, {} MiB in use, {} ms", before.getCommitted() >> 20,
          after.getCommitted() >> 20, after.getUsed() >> 20, (System.nanoTime() - t0) / 1_000_000);
    } catch (RuntimeException e) {
      LOG.warn("heap return failed", e); // and goes on at the next interval
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
