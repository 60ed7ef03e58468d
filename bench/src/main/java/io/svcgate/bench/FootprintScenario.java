package io.svcgate.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * P7: a child gateway as a user starts it, {@code bin/svcgate serve --simulate 50}
 * (50 simulated nodes, one heartbeat each per second), in an empty working
 * directory: start until ready (process start → first {@code GET /health} 200) and the
 * process's CPU time until then,
 * then, after 20 s of that steady load, its resident memory ({@code VmRSS} of
 * {@code /proc/<pid>/status}), and the median of samples every 100 ms over the next
 * 10 s; then under load: 1 000 SSE subscribers and the
 * driver's nodes POSTing heartbeats flat out over 16 connections for the warm-up
 * and the measured duration, resident memory sampled every 100 ms (the highest
 * sample, and {@code VmHWM} at the end) and the POSTs/s acknowledged (the
 * throughput of the launcher's defaults). JVM options come from the launcher's
 * defaults, {@code SVCGATE_SERVE_JVM_OPTS} and {@code JAVA_OPTS} as for any run
 * of the launcher (docs/operations.md, "Memory").
 */
final class FootprintScenario {

  private static final long IDLE_SECONDS = 20;
  private static final int IDLE_WINDOW_SECONDS = 10;
  private static final int SUBSCRIBERS = 1000;
  private final LoadDriver d;

  FootprintScenario(LoadDriver d) {
    this.d = d;
  }

  void run() throws Exception {
    Path svcgate = d.options.svcgate != null ? Path.of(d.options.svcgate) : LoadDriver.repoRoot().resolve("bin/svcgate");
    if (!Files.isExecutable(svcgate)) {
      System.err.println("  P7 skipped: no launcher at " + svcgate + " (--svcgate PATH)");
      d.results.add("P7 skipped: no bin/svcgate", "", Results.Goal.none(), Double.NaN);
      return;
    }
    Path dir = Files.createTempDirectory("svcgate-bench-p7-");
    int port = EtcdScenario.freePort();
    ProcessBuilder pb = new ProcessBuilder(svcgate.toString(), "serve", "--simulate", Integer.toString(d.options.nodes),
        "--http-port", Integer.toString(port), "--data", dir.resolve("data").toString())
        .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("svcgate.log").toFile());
    // The driver's 1 000 subscribers come from one address: one client for the per-client limit.
    pb.environment().putIfAbsent(io.svcgate.gateway.config.ConfigKey.STREAM_MAX_PER_CLIENT.envName(), "2000");
    long t0 = System.nanoTime();
    Process p = pb.start();
    try {
      HttpClient h = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      long readyMs = -1;
      while (System.nanoTime() < deadline && p.isAlive()) {
        try {
          HttpResponse<String> r = h.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
              .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() == 200) {
            readyMs = (System.nanoTime() - t0) / 1_000_000;
            break;
          }
        } catch (java.io.IOException e) {
          // not listening yet
        }
        Thread.sleep(5);
      }
      if (readyMs < 0) {
        throw new IllegalStateException("svcgate serve did not become ready; see " + dir.resolve("svcgate.log"));
      }
      long cpuReadyMs = cpuMs(p);
      Thread.sleep(TimeUnit.SECONDS.toMillis(IDLE_SECONDS));
      long rssKb = statusKb(p, "VmRSS:");
      String cmd = new String(Files.readAllBytes(Path.of("/proc/" + p.pid() + "/cmdline"))).replace('\0', ' ');
      System.err.printf("  P7: ready in %d ms; VmRSS %d KiB after %d s (%s)%n", readyMs, rssKb, IDLE_SECONDS,
          cmd.length() > 80 ? cmd.substring(0, 80) + "…" : cmd);
      d.results.add("P7 resident memory idle, " + d.options.nodes + " simulated nodes", "MiB",
          Results.Goal.atMost(150, "≤ 150 MiB"), rssKb / 1024d);
      // One sample moves by ±20 MiB with where the last collection and malloc trim fell:
      // the median of a further window says more about the level.
      long[] window = new long[IDLE_WINDOW_SECONDS * 10];
      for (int i = 0; i < window.length; i++) {
        Thread.sleep(100);
        window[i] = statusKb(p, "VmRSS:");
      }
      java.util.Arrays.sort(window);
      System.err.printf("  P7: VmRSS over the next %d s: %d–%d KiB, median %d KiB%n", IDLE_WINDOW_SECONDS, window[0],
          window[window.length - 1], window[window.length / 2]);
      d.results.add("P7 resident memory idle, median of " + IDLE_WINDOW_SECONDS + " s after that", "MiB",
          Results.Goal.none(), window[window.length / 2] / 1024d);
      d.results.add("P7 start until ready (svcgate serve, new JVM)", "ms", Results.Goal.atMost(1500, "≤ 1.5 s"), readyMs);
      // CPU time of the whole process (all threads, JIT included) until ready: holds on a loaded machine
      d.results.add("P7 CPU time until ready (user + system, all threads)", "ms", Results.Goal.none(), cpuReadyMs);
      underLoad(p, "http://127.0.0.1:" + port);
    } finally {
      p.destroy();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      LocalGateway.deleteTree(dir);
    }
  }

  /** 1 000 subscribers and heartbeats POSTed flat out; the highest RSS seen and the POSTs/s. */
  private void underLoad(Process p, String base) throws Exception {
    io.vertx.core.http.HttpClient subHttp = d.httpClient(SUBSCRIBERS + 8);
    io.vertx.core.http.HttpClient ingest = d.httpClient(16);
    long[] maxRssKb = {0};
    Thread sampler = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        try {
          maxRssKb[0] = Math.max(maxRssKb[0], statusKb(p, "VmRSS:"));
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        } catch (java.io.IOException | RuntimeException e) {
          return; // the process is gone
        }
      }
    }, "p7-rss-sampler");
    java.util.List<StreamSubscriber> subs = java.util.List.of();
    try {
      Feeder flat = new Feeder(d.client.getOrCreateContext(), LoadDriver.httpTransport(ingest, base), d.workload(),
          16, 1, 0);
      flat.primeNow().await(2, TimeUnit.MINUTES);
      subs = new StreamScenarios(d).open(subHttp, base, SUBSCRIBERS, null, () -> 0, -1);
      sampler.start();
      Feeder.Outcome o = flat.run(d.options.warmupMs(), d.options.durationMs()).await(5, TimeUnit.MINUTES);
      LoadDriver.note("P7 under load", o);
      StreamScenarios.awaitQuiet(subs);
      sampler.interrupt();
      sampler.join();
      long hwmKb = statusKb(p, "VmHWM:");
      long notified = 0;
      for (StreamSubscriber s : subs) {
        notified += s.notifications;
      }
      System.err.printf("  P7 under load: %d subscribers, %.0f POSTs/s, %d notifications; highest VmRSS sampled %d KiB,"
          + " VmHWM %d KiB%n", subs.size(), o.messagesPerSecond(), notified, maxRssKb[0], hwmKb);
      d.results.add("P7 resident memory, " + SUBSCRIBERS + " subscribers under load (highest sample)", "MiB",
          Results.Goal.atMost(400, "≤ 400 MiB"), maxRssKb[0] / 1024d);
      d.results.add("P7 peak resident memory of the run (VmHWM)", "MiB", Results.Goal.none(), hwmKb / 1024d);
      d.results.add("P7 POSTs/s with " + SUBSCRIBERS + " subscribers, launcher's JVM options", "requests/s",
          Results.Goal.none(), o.messagesPerSecond());
    } finally {
      sampler.interrupt();
      subs.forEach(StreamSubscriber::close);
      subHttp.close().await(30, TimeUnit.SECONDS);
      ingest.close().await(30, TimeUnit.SECONDS);
    }
  }

  /**
   * User plus system CPU time of the process so far, in ms ({@code /proc/<pid>/stat}, fields 14 and 15,
   * in clock ticks of 10 ms: Linux's USER_HZ); -1 when unreadable. bin/svcgate execs java, so the pid is the JVM's.
   */
  private static long cpuMs(Process p) {
    try {
      String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
    } catch (java.io.IOException | RuntimeException e) {
      return -1;
    }
  }

  /** A {@code kB} line of {@code /proc/<pid>/status}, or -1. */
  private static long statusKb(Process p, String key) throws java.io.IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + p.pid() + "/status"))) {
      if (line.startsWith(key)) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return -1;
  }
}
