package io.svcgate.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * etcd's own client as a cross-check of P8's JSON-gateway watchers: one
 * {@code etcdctl watch -i} process (Debian's {@code etcd-client}) given {@code n}
 * {@code watch --prefix} commands, that is {@code n} watchers on one gRPC
 * connection, as etcd's Go client makes them. A thread of the driver reads what
 * it prints (for a put: {@code PUT}, the key, the value on one line each) and
 * records now − sent for each value holding {@code "ts~<nanos>"}
 * ({@link System#nanoTime()} of this JVM, the same monotonic clock). The latency
 * includes etcdctl printing and the pipe; it is an upper bound of what a gRPC
 * watcher sees.
 */
final class EtcdctlWatch implements AutoCloseable {

  private final Process process;
  private final Thread reader;
  private final Stats latency;
  private final LongSupplier measureFrom;
  private final ConcurrentHashMap<String, AtomicInteger> marks = new ConcurrentHashMap<>();
  volatile long notifications;

  private EtcdctlWatch(Process process, Stats latency, LongSupplier measureFrom) {
    this.process = process;
    this.latency = latency;
    this.measureFrom = measureFrom;
    this.reader = new Thread(this::read, "etcdctl-watch-reader");
    this.reader.setDaemon(true);
    this.reader.start();
  }

  /**
   * Starts the process with {@code n} watchers of {@code prefix} and returns once
   * every one of them sees a put (a marker key written until then, every 200 ms).
   *
   * @param put writes a marker value under {@code prefix} and waits for etcd's answer
   */
  static EtcdctlWatch start(String etcdctl, String endpoint, String prefix, int n, Stats latency,
                            LongSupplier measureFrom, java.util.function.Consumer<String> put) throws Exception {
    Process p = new ProcessBuilder(etcdctl, "--endpoints", endpoint, "watch", "-i")
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    EtcdctlWatch w = new EtcdctlWatch(p, latency, measureFrom);
    try {
      OutputStream in = p.getOutputStream();
      byte[] cmd = ("watch --prefix " + prefix + "\n").getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < n; i++) {
        in.write(cmd);
      }
      in.flush();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      for (int k = 0; ; k++) {
        String mark = "mark-" + k;
        put.accept(mark);
        Thread.sleep(200);
        AtomicInteger seen = w.marks.get(mark);
        if (seen != null && seen.get() >= n) {
          return w;
        }
        if (!p.isAlive() || System.nanoTime() > deadline) {
          throw new IOException("etcdctl watch: " + (seen == null ? 0 : seen.get()) + " of " + n
              + " watchers ready after 60 s");
        }
      }
    } catch (Exception e) {
      w.close();
      throw e;
    }
  }

  private void read() {
    byte[] line = new byte[1 << 16];
    try (InputStream in = new BufferedInputStream(process.getInputStream(), 1 << 16)) {
      int len = 0;
      int b;
      while ((b = in.read()) >= 0) {
        if (b != '\n') {
          if (len == line.length) {
            line = java.util.Arrays.copyOf(line, line.length * 2);
          }
          line[len++] = (byte) b;
          continue;
        }
        long now = System.nanoTime();
        if (len > 5 && line[0] == 'm' && line[4] == '-') {
          marks.computeIfAbsent(new String(line, 0, len, StandardCharsets.US_ASCII), x -> new AtomicInteger())
              .incrementAndGet();
        } else {
          long sent = ReplayNode.sentNanos(line, 0, len);
          if (sent > 0) {
            notifications++;
            if (latency != null && sent >= measureFrom.getAsLong()) {
              latency.add(now - sent);
            }
          }
        }
        len = 0;
      }
    } catch (IOException ignored) {
      // the process ended
    }
  }

  /** CPU time the etcdctl process has used so far, in nanoseconds; 0 when unknown. */
  long cpuNanos() {
    return EtcdScenario.cpuNanos(process.pid());
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      reader.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
