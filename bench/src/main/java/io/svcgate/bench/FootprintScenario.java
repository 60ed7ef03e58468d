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
 * directory: start until ready (process start → first {@code GET /health} 200),
 * then, after 20 s of that steady load, its resident memory ({@code VmRSS} of
 * {@code /proc/<pid>/status}). JVM options come from {@code JAVA_OPTS} as for any run
 * of the launcher.
 */
final class FootprintScenario {

  private static final long IDLE_SECONDS = 20;
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
      Thread.sleep(TimeUnit.SECONDS.toMillis(IDLE_SECONDS));
      long rssKb = -1;
      for (String line : Files.readAllLines(Path.of("/proc/" + p.pid() + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          rssKb = Long.parseLong(line.replaceAll("\\D", ""));
        }
      }
      String cmd = new String(Files.readAllBytes(Path.of("/proc/" + p.pid() + "/cmdline"))).replace('\0', ' ');
      System.err.printf("  P7: ready in %d ms; VmRSS %d KiB after %d s (%s)%n", readyMs, rssKb, IDLE_SECONDS,
          cmd.length() > 80 ? cmd.substring(0, 80) + "…" : cmd);
      d.results.add("P7 resident memory idle, " + d.options.nodes + " simulated nodes", "MiB",
          Results.Goal.atMost(150, "≤ 150 MiB"), rssKb / 1024d);
      d.results.add("P7 start until ready (svcgate serve, new JVM)", "ms", Results.Goal.atMost(1500, "≤ 1.5 s"), readyMs);
    } finally {
      p.destroy();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      LocalGateway.deleteTree(dir);
    }
  }
}
