package io.svcgate.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * P8: the gateway beside etcd (Debian's {@code etcd-server}, which this driver never
 * installs: {@code apt-get install -y etcd-server}) on the same machine in the same
 * run. etcd runs on loopback ports with a temporary data directory and is used
 * through its JSON gateway: {@code POST /v3/kv/put} for writes, {@code POST
 * /v3/watch} for watchers (keys and values base64). The same writes (the driver's
 * heartbeat messages, as etcd values under {@code bench/<node>}) and the same
 * watchers (1 000 streams each seeing every write) on both:
 * <ul>
 *   <li>write → watcher notified p50/p99 at 1 000 watchers × 20 writes/s
 *       (gateway: 1 000 SSE subscribers, heartbeats POSTed at 20/s);</li>
 *   <li>sustained writes with 1 000 watchers (16 writers, each one write at a time).</li>
 * </ul>
 * Ratios: etcd latency / gateway latency and gateway writes / etcd writes (≥ 5 = the goal).
 */
final class EtcdScenario {

  static final byte[] VALUE_KEY = "\"value\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final int WATCHERS = 1000;

  private final LoadDriver d;

  EtcdScenario(LoadDriver d) {
    this.d = d;
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** The range end that covers every key starting with {@code prefix}. */
  static String rangeEnd(String prefix) {
    char[] c = prefix.toCharArray();
    c[c.length - 1]++;
    return new String(c);
  }

  void run() throws Exception {
    if (!new File(d.options.etcd).canExecute()) {
      System.err.println("  P8 skipped: no etcd at " + d.options.etcd + " (apt-get install -y etcd-server, or --etcd PATH)");
      d.results.add("P8 skipped: etcd not installed", "", Results.Goal.none(), Double.NaN);
      return;
    }
    // etcd
    double[] etcd = new double[3];
    try (Etcd e = Etcd.start(d.options.etcd)) {
      etcd = measureEtcd(e.base);
    }
    // gateway, same writes and watchers, over HTTP
    double[] gw = measureGateway();
    d.results.add("P8 etcd notify p50, 1000 watchers × 20 writes/s", "ms", Results.Goal.none(), etcd[0]);
    d.results.add("P8 etcd notify p99, 1000 watchers × 20 writes/s", "ms", Results.Goal.none(), etcd[1]);
    d.results.add("P8 etcd sustained writes, 1000 watchers", "writes/s", Results.Goal.none(), etcd[2]);
    d.results.add("P8 gateway notify p50, 1000 SSE × 20 POST/s", "ms", Results.Goal.none(), gw[0]);
    d.results.add("P8 gateway notify p99, 1000 SSE × 20 POST/s", "ms", Results.Goal.none(), gw[1]);
    d.results.add("P8 gateway sustained POSTs, 1000 SSE subscribers", "writes/s", Results.Goal.none(), gw[2]);
    d.results.add("P8 ratio notify p99 etcd/gateway", "×", Results.Goal.atLeast(5, "≥ 5× better"), etcd[1] / gw[1]);
    d.results.add("P8 ratio sustained writes gateway/etcd", "×", Results.Goal.atLeast(5, "≥ 5× better"), gw[2] / etcd[2]);
  }

  /** {p50, p99, writes/s} against etcd. */
  private double[] measureEtcd(String base) throws Exception {
    HttpClient http = d.httpClient(WATCHERS + 32);
    Stats stats = new Stats(5_000_000);
    long[] measureFrom = {Long.MAX_VALUE};
    List<StreamSubscriber> subs = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < WATCHERS; i += 50) {
        List<Future<Void>> batch = new java.util.ArrayList<>();
        for (int k = i; k < Math.min(WATCHERS, i + 50); k++) {
          StreamSubscriber s = new StreamSubscriber(StreamSubscriber.Kind.ETCD, stats, () -> measureFrom[0]);
          subs.add(s);
          batch.add(s.openEtcd(http, base, "bench/"));
        }
        Future.all(batch).await(60, TimeUnit.SECONDS);
      }
      long warm = d.options.warmupMs();
      d.client.setTimer(Math.max(1, warm), x -> measureFrom[0] = System.nanoTime());
      Writer paced = new Writer(d.client.getOrCreateContext(), http, base, d.workload(), 16, 20);
      long puts = paced.run(warm, d.options.durationMs()).await(5, TimeUnit.MINUTES);
      long lastSend = System.nanoTime();
      StreamScenarios.awaitQuiet(subs);
      double p50 = stats.percentileMs(50);
      double p99 = stats.percentileMs(99);
      long expected = puts * WATCHERS;
      System.err.printf("  P8 etcd: %d paced puts measured, %d of %d notifications read%n", puts, stats.count(), expected);
      if (stats.count() < 0.99 * expected) {
        // More than 1 % never arrived: p99 is at least the time the last ones have waited so far.
        double bound = (System.nanoTime() - lastSend) / 1e6;
        p99 = Double.isNaN(p99) ? bound : Math.max(p99, bound);
        if (stats.count() < 0.5 * expected) {
          p50 = Double.isNaN(p50) ? bound : Math.max(p50, bound);
        }
        System.err.printf("  P8 etcd: fewer than 99 %% read: p99 is a lower bound, %.0f ms%n", p99);
      }
      subs.forEach(StreamSubscriber::close);
      subs.clear();
      // Sustained: counting watchers, 16 writers flat out.
      for (int i = 0; i < WATCHERS; i += 50) {
        List<Future<Void>> batch = new java.util.ArrayList<>();
        for (int k = i; k < Math.min(WATCHERS, i + 50); k++) {
          StreamSubscriber s = new StreamSubscriber(StreamSubscriber.Kind.ETCD, null, () -> 0);
          subs.add(s);
          batch.add(s.openEtcd(http, base, "bench/"));
        }
        Future.all(batch).await(60, TimeUnit.SECONDS);
      }
      Writer flat = new Writer(d.client.getOrCreateContext(), http, base, d.workload(), 16, 0);
      long n = flat.run(warm, d.options.durationMs()).await(5, TimeUnit.MINUTES);
      double rate = n / (d.options.durationMs() / 1000d);
      StreamScenarios.awaitQuiet(subs);
      long got = StreamScenarios.total(subs);
      System.err.printf("  P8 etcd: %.0f puts/s sustained; watchers got %d notifications in all%n", rate, got);
      return new double[] {p50, p99, rate};
    } finally {
      subs.forEach(StreamSubscriber::close);
      http.close().await(30, TimeUnit.SECONDS);
    }
  }

  /** {p50, p99, writes/s} against the gateway: SSE subscribers, heartbeats POSTed. */
  private double[] measureGateway() throws Exception {
    var config = d.loadConfig();
    config.put(io.svcgate.gateway.config.ConfigKey.STREAM_MAX_SUBSCRIBERS, "20000");
    StreamScenarios streams = new StreamScenarios(d);
    double p50;
    double p99;
    try (LoadDriver.Target t = d.new Target(config)) {
      HttpClient http = d.httpClient(WATCHERS + 8);
      Stats stats = new Stats(5_000_000);
      long[] measureFrom = {Long.MAX_VALUE};
      Feeder paced = t.feeder(20, 1, true);
      paced.primeNow().await(2, TimeUnit.MINUTES);
      List<StreamSubscriber> subs = streams.open(http, t.base, WATCHERS, stats, () -> measureFrom[0], -1);
      try {
        long warm = d.options.warmupMs();
        d.client.setTimer(Math.max(1, warm), x -> measureFrom[0] = System.nanoTime());
        Feeder.Outcome o = paced.run(warm, d.options.durationMs()).await(5, TimeUnit.MINUTES);
        LoadDriver.note("P8 gateway paced", o);
        StreamScenarios.awaitQuiet(subs);
        p50 = stats.percentileMs(50);
        p99 = stats.percentileMs(99);
      } finally {
        subs.forEach(StreamSubscriber::close);
        http.close().await(30, TimeUnit.SECONDS);
      }
    }
    try (LoadDriver.Target t = d.new Target(config)) {
      HttpClient http = d.httpClient(WATCHERS + 8);
      Feeder flat = t.feeder(0, 1, true);
      flat.primeNow().await(2, TimeUnit.MINUTES);
      List<StreamSubscriber> subs = streams.open(http, t.base, WATCHERS, null, () -> 0, -1);
      try {
        Feeder.Outcome o = flat.run(d.options.warmupMs(), d.options.durationMs())
            .await(5, TimeUnit.MINUTES);
        LoadDriver.note("P8 gateway flat out", o);
        StreamScenarios.awaitQuiet(subs);
        int ended = 0;
        for (StreamSubscriber s : subs) {
          ended += s.ended ? 1 : 0;
        }
        System.err.printf("  P8 gateway: %.0f POSTs/s sustained; %d streams ended early (slow consumers)%n",
            o.messagesPerSecond(), ended);
        return new double[] {p50, p99, o.messagesPerSecond()};
      } finally {
        subs.forEach(StreamSubscriber::close);
        http.close().await(30, TimeUnit.SECONDS);
      }
    }
  }

  /** Puts the driver's heartbeat messages into etcd from {@code lanes} writers, paced or flat out. */
  private static final class Writer {
    private final Context context;
    private final HttpClient http;
    private final RequestOptions put;
    private final List<ReplayNode> nodes;
    private final int lanes;
    private final double rate;
    private int next;
    private long sent;
    private long measured;
    private boolean measuring;
    private boolean stopping;
    private int inFlight;

    Writer(Context context, HttpClient http, String base, List<ReplayNode> nodes, int lanes, double rate) {
      this.context = context;
      this.http = http;
      URI u = URI.create(base);
      this.put = new RequestOptions().setMethod(HttpMethod.POST).setHost(u.getHost()).setPort(u.getPort())
          .setURI("/v3/kv/put").putHeader("content-type", "application/json");
      this.nodes = nodes;
      this.lanes = lanes;
      this.rate = rate;
      long b = System.currentTimeMillis() * 1000;
      nodes.forEach(n -> n.reset(b));
    }

    Future<Long> run(long warmupMs, long measureMs) {
      Promise<Long> done = Promise.promise();
      context.runOnContext(v -> {
        long start = System.nanoTime();
        if (rate > 0) {
          long timer = context.owner().setPeriodic(1, t -> {
            double due = rate * (System.nanoTime() - start) / 1e9;
            while (!stopping && sent < due && inFlight < lanes) {
              one();
            }
          });
          done.future().onComplete(x -> context.owner().cancelTimer(timer));
        } else {
          for (int i = 0; i < lanes; i++) {
            one();
          }
        }
        context.owner().setTimer(Math.max(1, warmupMs), t -> {
          measuring = true;
          context.owner().setTimer(Math.max(1, measureMs), t2 -> {
            measuring = false;
            stopping = true;
            long guard = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            context.owner().setPeriodic(10, t3 -> {
              if (inFlight == 0 || System.nanoTime() > guard) {
                context.owner().cancelTimer(t3);
                done.tryComplete(measured);
              }
            });
          });
        });
      });
      return done.future();
    }

    private void one() {
      ReplayNode n = nodes.get(next);
      next = (next + 1) % nodes.size();
      Buffer msg = n.next().get(0).bytes();
      String body = "{\"key\":\"" + b64("bench/" + n.name()) + "\",\"value\":\""
          + Base64.getEncoder().encodeToString(msg.getBytes()) + "\"}";
      sent++;
      inFlight++;
      http.request(put).compose(req -> req.send(body)).compose(r -> r.body().map(b -> r.statusCode()))
          .onComplete(ar -> {
            inFlight--;
            if (ar.succeeded() && ar.result() == 200 && measuring) {
              measured++;
            }
            if (!stopping && rate == 0) {
              one();
            }
          });
    }
  }

  /** A local etcd on loopback ports with a temporary data directory. */
  static final class Etcd implements AutoCloseable {
    final Process process;
    final Path dir;
    final String base;

    private Etcd(Process process, Path dir, String base) {
      this.process = process;
      this.dir = dir;
      this.base = base;
    }

    static Etcd start(String binary) throws Exception {
      Path dir = Files.createTempDirectory("svcgate-bench-etcd-");
      int client = freePort();
      int peer = freePort();
      String c = "http://127.0.0.1:" + client;
      String p = "http://127.0.0.1:" + peer;
      ProcessBuilder pb = new ProcessBuilder(binary, "--name", "bench", "--data-dir", dir.resolve("data").toString(),
          "--listen-client-urls", c, "--advertise-client-urls", c, "--listen-peer-urls", p,
          "--initial-advertise-peer-urls", p, "--initial-cluster", "bench=" + p, "--log-level", "error",
          "--logger", "zap")
          .redirectErrorStream(true).redirectOutput(dir.resolve("etcd.log").toFile());
      Process proc = pb.start();
      Etcd e = new Etcd(proc, dir, c);
      java.net.http.HttpClient h = java.net.http.HttpClient.newHttpClient();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (true) {
        try {
          var r = h.send(java.net.http.HttpRequest.newBuilder(URI.create(c + "/health")).build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() == 200 && r.body().contains("true")) {
            return e;
          }
        } catch (IOException ignored) {
          // not listening yet
        }
        if (!proc.isAlive() || System.nanoTime() > deadline) {
          e.close();
          throw new IllegalStateException("etcd did not start; see " + dir.resolve("etcd.log"));
        }
        Thread.sleep(50);
      }
    }

    @Override
    public void close() throws Exception {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      LocalGateway.deleteTree(dir);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
