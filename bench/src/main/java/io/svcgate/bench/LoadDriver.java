package io.svcgate.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.svcgate.gateway.Addresses;
import io.svcgate.gateway.config.ConfigKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * The load driver of docs/benchmarks.md: runs scenarios P2–P8 against a gateway
 * started in this JVM (or, for the HTTP scenarios, one given with
 * {@code --target}), each {@code --runs} times, and prints one table: figure,
 * median of the runs, goal, met or not.
 *
 * <pre>
 * java -cp bench/target/bench.jar io.svcgate.bench.LoadDriver [--scenario all|P2,P3,P4,P5,P6,P7,P8]
 *     [--runs 3] [--duration 5] [--warmup 2] [--target http://127.0.0.1:1215]
 *     [--svcgate bin/svcgate] [--etcd /usr/bin/etcd]
 * </pre>
 *
 * Every loop is bounded in count and time; everything talks over loopback.
 */
public final class LoadDriver {

  final Options options;
  final Results results = new Results();
  final Vertx client;
  private List<ReplayNode> workload;

  /** Command-line options. */
  static final class Options {
    List<String> scenarios = List.of("P2", "P3", "P4", "P5", "P6", "P7", "P8");
    int runs = 3;
    double duration = 5;
    double warmup = 2;
    String target;
    String svcgate;
    String etcd = "/usr/bin/etcd";
    String etcdctl = "/usr/bin/etcdctl";
    int nodes = 50;
    long historyEvents = 1_000_000;
    final Map<ConfigKey, String> set = new LinkedHashMap<>();

    long durationMs() {
      return (long) (duration * 1000);
    }

    long warmupMs() {
      return (long) (warmup * 1000);
    }
  }

  LoadDriver(Options options) {
    this.options = options;
    this.client = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
  }

  public static void main(String[] args) throws Exception {
    Options o;
    try {
      o = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("LoadDriver: " + e.getMessage());
      System.err.println("usage: LoadDriver [--scenario all|P2,P3,P4,P5,P6,P7,P8,P9] [--runs N] [--duration S] "
          + "[--warmup S] [--target URL] [--svcgate PATH] [--etcd PATH] [--etcdctl PATH] [--history-events N] [--set key=value]…");
      System.exit(2);
      return;
    }
    quietLogs();
    LoadDriver d = new LoadDriver(o);
    int rc = 0;
    try {
      d.runAll();
    } catch (Exception e) {
      e.printStackTrace();
      rc = 1;
    } finally {
      d.results.print(System.out, header(o));
      d.client.close().await(30, TimeUnit.SECONDS);
    }
    System.exit(rc);
  }

  static void quietLogs() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
  }

  static Options parse(String[] args) {
    Options o = new Options();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(a + " needs a value");
      }
      String v = args[++i];
      switch (a) {
        case "--scenario" -> o.scenarios = v.equalsIgnoreCase("all") ? o.scenarios
            : List.of(v.toUpperCase(Locale.ROOT).split(","));
        case "--runs" -> o.runs = positive(a, v);
        case "--duration" -> o.duration = positiveDouble(a, v);
        case "--warmup" -> o.warmup = Double.parseDouble(v);
        case "--target" -> {
          URI u = URI.create(v);
          if (u.getHost() == null || u.getPort() < 0) {
            throw new IllegalArgumentException("--target must be http://host:port, got " + v);
          }
          o.target = v;
        }
        case "--svcgate" -> o.svcgate = v;
        case "--etcd" -> o.etcd = v;
        case "--etcdctl" -> o.etcdctl = v;
        case "--nodes" -> o.nodes = positive(a, v);
        case "--history-events" -> o.historyEvents = positive(a, v);
        case "--set" -> {
          int eq = v.indexOf('=');
          ConfigKey k = eq < 0 ? null : ConfigKey.of(v.substring(0, eq));
          if (k == null) {
            throw new IllegalArgumentException("--set takes key=value with a gateway config key, got " + v);
          }
          o.set.put(k, v.substring(eq + 1));
        }
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    for (String s : o.scenarios) {
      if (!List.of("P2", "P3", "P4", "P4A", "P4B", "P4C", "P5", "P6", "P7", "P8", "P9").contains(s)) {
        throw new IllegalArgumentException("unknown scenario " + s + " (P2…P9, P4a/P4b/P4c, or all)");
      }
    }
    return o;
  }

  private static int positive(String name, String v) {
    try {
      int i = Integer.parseInt(v);
      if (i < 1) {
        throw new IllegalArgumentException(name + " must be at least 1, got " + v);
      }
      return i;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, got " + v);
    }
  }

  private static double positiveDouble(String name, String v) {
    try {
      double d = Double.parseDouble(v);
      if (!(d > 0)) {
        throw new IllegalArgumentException(name + " must be positive, got " + v);
      }
      return d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number, got " + v);
    }
  }

  static String header(Options o) throws Exception {
    String cpu = "?";
    for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
      if (line.startsWith("model name")) {
        cpu = line.substring(line.indexOf(':') + 1).trim();
        break;
      }
    }
    String mem = "?";
    for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
      if (line.startsWith("MemTotal")) {
        mem = (Long.parseLong(line.replaceAll("\\D", "")) / 1024) + " MiB";
        break;
      }
    }
    return String.format(Locale.ROOT, "svcgate load driver, %s: %d cores (%s), %s RAM, Java %s; %d run(s) of %.1f s "
            + "(+%.1f s warm-up), %s", LocalDate.now(), Runtime.getRuntime().availableProcessors(), cpu, mem,
        System.getProperty("java.version"), o.runs, o.duration, o.warmup,
        o.target == null ? "gateway in-process" : "target " + o.target);
  }

  void runAll() throws Exception {
    try {
      runScenarios();
    } finally {
      HistoryScenario.cleanup();
    }
  }

  private void runScenarios() throws Exception {
    for (String s : options.scenarios) {
      for (int run = 1; run <= options.runs; run++) {
        System.err.printf("%s run %d/%d%n", s, run, options.runs);
        switch (s) {
          case "P2" -> p2();
          case "P3" -> p3();
          case "P4", "P4A", "P4B", "P4C" -> new StreamScenarios(this).run(s);
          case "P5" -> new WaitScenario(this).run();
          case "P6" -> new HistoryScenario(this).run(run);
          case "P7" -> new FootprintScenario(this).run();
          case "P8" -> new EtcdScenario(this).run();
          case "P9" -> new ClusterScenario(this).run();
          default -> throw new IllegalStateException(s);
        }
      }
      if (s.equals("P6")) {
        HistoryScenario.cleanup();
      }
    }
  }

  /** The simulator's workload for the driver's nodes ({@code load-n1…}), made once. */
  List<ReplayNode> workload() {
    if (workload == null) {
      long t0 = System.nanoTime();
      workload = ReplayNode.cluster("load-n", options.nodes, 2000, 42);
      System.err.printf("workload: %d nodes × 2000 generations made in %d ms%n", options.nodes,
          (System.nanoTime() - t0) / 1_000_000);
    }
    return workload;
  }

  // --- transports ---------------------------------------------------------

  /** Heartbeats through the event bus of an in-process gateway ({@code svcgate.hb.rx}, request/reply). */
  static Feeder.Transport busTransport(Vertx gatewayVertx) {
    EventBus bus = gatewayVertx.eventBus();
    DeliveryOptions o = new DeliveryOptions().setSendTimeout(30_000);
    return msg -> bus.request(Addresses.HB_RX, msg, o).map(m -> 202)
        .recover(e -> Future.succeededFuture(e instanceof ReplyException r ? r.failureCode() : -1));
  }

  /** An HTTP client of {@code size} keep-alive connections to the gateway. */
  HttpClient httpClient(int size) {
    return client.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
        .setMaxInitialLineLength(16_384), new PoolOptions().setHttp1MaxSize(size).setMaxWaitQueueSize(100_000));
  }

  /** One heartbeat per {@code POST /api/heartbeats}. */
  static Feeder.Transport httpTransport(HttpClient http, String base) {
    URI u = URI.create(base);
    RequestOptions ro = new RequestOptions().setMethod(HttpMethod.POST).setHost(u.getHost()).setPort(u.getPort())
        .setURI("/api/heartbeats").putHeader("content-type", "application/json");
    return msg -> http.request(ro).compose(req -> req.send(msg)).compose(resp -> resp.body().map(b -> resp.statusCode()))
        .recover(e -> Future.succeededFuture(-1));
  }

  /** Overrides of an in-process gateway for load: room for the driver's backlog. */
  Map<ConfigKey, String> loadConfig() {
    Map<ConfigKey, String> m = new LinkedHashMap<>();
    m.put(ConfigKey.HB_TIMEOUT, "60s");
    m.putAll(options.set);
    return m;
  }

  /** The gateway a scenario talks to: started here, or the {@code --target}. */
  final class Target implements AutoCloseable {
    final LocalGateway local;
    final String base;
    private HttpClient ingestHttp;

    Target(Map<ConfigKey, String> config) throws Exception {
      this.local = options.target == null ? LocalGateway.start(config) : null;
      this.base = local == null ? options.target : local.base();
    }

    /**
     * A feeder of the driver's nodes: through the event bus of a local gateway
     * (50 lanes, {@code window} each), or over HTTP to a target (16 connections).
     */
    Feeder feeder(double rate, int window, boolean http) {
      if (local != null && !http) {
        return new Feeder(local.gateway.vertx().getOrCreateContext(), busTransport(local.gateway.vertx()), workload(),
            options.nodes, window, rate);
      }
      if (ingestHttp == null) {
        ingestHttp = httpClient(16);
      }
      return new Feeder(client.getOrCreateContext(), httpTransport(ingestHttp, base), workload(), 16, 1, rate);
    }

    /** The id of the last durable event (GET /health of a target). */
    long lastId() throws Exception {
      if (local != null) {
        return local.gateway.history().lastId();
      }
      HttpClient h = httpClient(1);
      try {
        URI u = URI.create(base);
        return h.request(new RequestOptions().setHost(u.getHost()).setPort(u.getPort()).setURI("/health"))
            .compose(r -> r.send()).compose(r -> r.body())
            .map(b -> b.toJsonObject().getLong("last_id")).await(30, TimeUnit.SECONDS);
      } finally {
        h.close();
      }
    }

    @Override
    public void close() throws Exception {
      if (ingestHttp != null) {
        ingestHttp.close().await(10, TimeUnit.SECONDS);
      }
      if (local != null) {
        local.close();
      }
    }
  }

  // --- P2, P3 -------------------------------------------------------------

  /** P2: ingest through the event bus, durable history on, 50 nodes, as fast as acknowledged. */
  void p2() throws Exception {
    try (LocalGateway gw = LocalGateway.start(loadConfig())) {
      Feeder f = new Feeder(gw.gateway.vertx().getOrCreateContext(), busTransport(gw.gateway.vertx()), workload(),
          options.nodes, 8, 0);
      Feeder.Outcome o = f.run(options.warmupMs(), options.durationMs()).await(5, TimeUnit.MINUTES);
      note("P2", o);
      System.err.println("  P2 busiest threads: " + f.busiestThreads);
      results.add("P2 heap allocated per generation (gateway and driver)", "KiB", Results.Goal.none(),
          f.allocatedPerGeneration / 1024);
      results.add("P2 ingest via event bus, durable, " + options.nodes + " nodes", "generations/s",
          Results.Goal.atLeast(100_000, "≥ 100 000"), o.generationsPerSecond());
      results.add("P2 CPU per generation (gateway and driver, one JVM)", "µs", Results.Goal.none(),
          o.cpuMicrosPerGeneration());
    }
  }

  /** P3: ingest over HTTP, 16 keep-alive connections, one message per POST. */
  void p3() throws Exception {
    LocalGateway gw = options.target == null ? LocalGateway.start(loadConfig()) : null;
    String base = gw == null ? options.target : gw.base();
    HttpClient http = httpClient(16);
    try {
      Feeder f = new Feeder(client.getOrCreateContext(), httpTransport(http, base), workload(), 16, 1, 0);
      Feeder.Outcome o = f.run(options.warmupMs(), options.durationMs()).await(5, TimeUnit.MINUTES);
      note("P3", o);
      results.add("P3 ingest via HTTP, 16 connections, 1 message/POST", "requests/s",
          Results.Goal.atLeast(20_000, "≥ 20 000"), o.messagesPerSecond());
    } finally {
      http.close().await(10, TimeUnit.SECONDS);
      if (gw != null) {
        gw.close();
      }
    }
  }

  static void note(String scenario, Feeder.Outcome o) {
    System.err.printf(Locale.ROOT, "  %s: %d generations, %d messages in %.2f s; fulls sent %d; failures %s; "
            + "JVM CPU %.2f s (%.0f µs per generation)%n", scenario, o.generations(), o.messages(), o.seconds(), o.fulls(),
        o.failures(), o.cpuSeconds(), o.cpuMicrosPerGeneration());
  }

  /** The repository root guessed from the jar's place (bench/target/bench.jar) or the working directory. */
  static Path repoRoot() {
    try {
      Path jar = Path.of(LoadDriver.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path p = jar.getParent();
      for (int i = 0; i < 4 && p != null; i++) {
        if (Files.exists(p.resolve("bin/svcgate"))) {
          return p;
        }
        p = p.getParent();
      }
    } catch (Exception e) {
      // fall through
    }
    return new File(".").toPath().toAbsolutePath().normalize();
  }

  static List<String> list(String... s) {
    return new ArrayList<>(List.of(s));
  }
}
