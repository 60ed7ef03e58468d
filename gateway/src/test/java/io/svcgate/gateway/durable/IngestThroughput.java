package io.svcgate.gateway.durable;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.svcgate.gateway.Addresses;
import io.svcgate.gateway.Gateway;
import io.svcgate.gateway.config.ConfigKey;
import io.svcgate.gateway.config.GatewayConfig;
import io.svcgate.gateway.history.History;
import io.svcgate.gateway.sim.SimulatorVerticle.SimNode;
import io.svcgate.state.Json;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Ingest throughput of a running gateway with the durable history on
 * ({@code history.durable=true}: every group commit fsynced before the acks) and off
 * (written to the OS only), through the event bus and over HTTP. A plain-Java driver,
 * not a test: the figures go to docs/benchmarks.md, section "Ingest, durability on vs off".
 *
 * <p>Workload: the simulator's nodes ({@link SimNode}, 20 services each, 1–8 stanzas a
 * generation, node events at about 1 %). Event bus: requests to {@code svcgate.hb.rx}
 * from a verticle in the gateway's Vert.x, each node keeping {@code window} messages
 * in flight (in order). HTTP: {@code connections} keep-alive connections, one message
 * per POST, each connection serving its share of the nodes in turn. Each run is a new
 * gateway on a new data directory: {@code warmup} seconds, then {@code seconds} measured.
 *
 * <pre>
 * mvn -B -q -pl gateway -am test-compile
 * mvn -B -q -pl gateway dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp gateway/target/test-classes:gateway/target/classes:cluster-state/target/classes:jmx/target/classes:$(cat /tmp/cp.txt) \
 *   io.svcgate.gateway.durable.IngestThroughput [seconds=10] [warmup=3] [nodes=50] [window=16] [connections=16] [rounds=1] [paths=bus,http]
 * </pre>
 */
public final class IngestThroughput {

  private IngestThroughput() {
  }

  /** What one measured run gave. */
  record Result(String path, boolean durable, double generationsPerSec, double messagesPerSec, double eventsPerSec,
                double p50Ms, double p99Ms, double eventsPerWrite, long refused) {
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new LinkedHashMap<>(Map.of("seconds", "10", "warmup", "3", "nodes", "50", "window", "16",
        "connections", "16", "rounds", "1", "paths", "bus,http"));
    for (String arg : args) {
      int i = arg.indexOf('=');
      if (i <= 0 || !a.containsKey(arg.substring(0, i))) {
        System.err.println("usage: IngestThroughput " + String.join(" ", a.keySet().stream().map(k -> "[" + k + "=N]").toList()));
        System.exit(2);
      }
      a.put(arg.substring(0, i), arg.substring(i + 1));
    }
    int seconds = Integer.parseInt(a.get("seconds"));
    int warmup = Integer.parseInt(a.get("warmup"));
    int nodes = Integer.parseInt(a.get("nodes"));
    int window = Integer.parseInt(a.get("window"));
    int connections = Integer.parseInt(a.get("connections"));
    int rounds = Integer.parseInt(a.get("rounds"));
    List<String> paths = Arrays.asList(a.get("paths").split(","));

    System.out.printf("# IngestThroughput %s, %d cores, java %s, %s%n", a, Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"), LocalDate.now());
    System.out.println("| path | durable | generations/s | messages/s | events/s | ack p50 / p99 ms | events per write | refused |");
    System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for (int r = 0; r < rounds; r++) {
      for (String path : paths) {
        for (boolean durable : new boolean[] {true, false}) {
          Result res = run(path.trim(), durable, nodes, window, connections, warmup, seconds);
          System.out.printf("| %s | %s | %.0f | %.0f | %.0f | %.2f / %.2f | %.1f | %d |%n", res.path(),
              res.durable() ? "on" : "off", res.generationsPerSec(), res.messagesPerSec(), res.eventsPerSec(),
              res.p50Ms(), res.p99Ms(), res.eventsPerWrite(), res.refused());
        }
      }
    }
    System.exit(0);
  }

  static Result run(String path, boolean durable, int nodes, int window, int connections, int warmup, int seconds)
      throws Exception {
    Path dir = Files.createTempDirectory("svcgate-ingest-");
    Gateway gw = Gateway.start(GatewayConfig.builder()
        .set(ConfigKey.HTTP_PORT, "0")
        .set(ConfigKey.NODENAME, "gw-bench")
        .set(ConfigKey.DATA, dir.toString())
        .set(ConfigKey.HOOKS_FILE, dir.resolve("no-hooks.conf").toString())
        .set(ConfigKey.HISTORY_DURABLE, Boolean.toString(durable))
        .build()).await(60, TimeUnit.SECONDS);
    try {
      List<String> names = new ArrayList<>();
      for (int i = 1; i <= nodes; i++) {
        names.add("bench-n" + i);
      }
      List<SimNode> sims = new ArrayList<>();
      for (int i = 0; i < nodes; i++) {
        sims.add(SimNode.create(names.get(i), names, 20, 42L * 1_000_003L + i, false));
      }
      Driver driver = switch (path) {
        case "bus" -> new BusDriver(sims, window);
        case "http" -> new HttpDriver(sims, connections, gw.httpPort());
        default -> throw new IllegalArgumentException("unknown path " + path + " (bus, http)");
      };
      Vertx vertx = path.equals("bus") ? gw.vertx() : Vertx.vertx();
      vertx.deployVerticle(driver).await(30, TimeUnit.SECONDS);
      try {
        TimeUnit.SECONDS.sleep(warmup);
        History h = gw.history();
        long e0 = h.lastId();
        History.Stats s0 = h.stats();
        Counters c0 = driver.startMeasuring();
        long t0 = System.nanoTime();
        TimeUnit.SECONDS.sleep(seconds);
        Counters c1 = driver.stopMeasuring();
        double secs = (System.nanoTime() - t0) / 1e9;
        long e1 = h.lastId();
        History.Stats s1 = h.stats();
        long[] lat = c1.latencies;
        Arrays.sort(lat);
        double p50 = lat.length == 0 ? 0 : lat[lat.length / 2] / 1e6;
        double p99 = lat.length == 0 ? 0 : lat[(int) Math.min(lat.length - 1, Math.ceil(lat.length * 0.99) - 1)] / 1e6;
        long writes = s1.batches() - s0.batches();
        return new Result(path, durable, (c1.generations - c0.generations) / secs, (c1.messages - c0.messages) / secs,
            (e1 - e0) / secs, p50, p99, writes == 0 ? 0 : (double) (s1.eventsWritten() - s0.eventsWritten()) / writes,
            c1.refused - c0.refused);
      } finally {
        vertx.undeploy(driver.deploymentID()).await(30, TimeUnit.SECONDS);
        if (vertx != gw.vertx()) {
          vertx.close().await(30, TimeUnit.SECONDS);
        }
      }
    } finally {
      gw.stop().await(60, TimeUnit.SECONDS);
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> {
          try {
            Files.delete(p);
          } catch (IOException e) {
            // a temp directory: left for the OS
          }
        });
      }
    }
  }

  /** Counts taken on the driver's event loop. */
  static final class Counters {
    long generations;
    long messages;
    long refused;
    long[] latencies = new long[0];
  }

  /** Sends the nodes' messages and counts the acknowledgements; everything runs on its event loop. */
  abstract static class Driver extends VerticleBase {
    final List<SimNode> nodes;
    long generations;
    long messages;
    long refused;
    boolean measuring;
    long[] latencies = new long[1 << 20];
    int nLatencies;
    volatile boolean stopped;

    Driver(List<SimNode> nodes) {
      this.nodes = nodes;
    }

    void acked(long sentNanos, boolean generation) {
      messages++;
      if (generation) {
        generations++;
      }
      if (measuring) {
        if (nLatencies == latencies.length) {
          latencies = Arrays.copyOf(latencies, latencies.length * 2);
        }
        latencies[nLatencies++] = System.nanoTime() - sentNanos;
      }
    }

    Counters snapshot() {
      Counters c = new Counters();
      c.generations = generations;
      c.messages = messages;
      c.refused = refused;
      c.latencies = Arrays.copyOf(latencies, nLatencies);
      return c;
    }

    Counters startMeasuring() throws Exception {
      return call(() -> {
        measuring = true;
        nLatencies = 0;
        return snapshot();
      });
    }

    Counters stopMeasuring() throws Exception {
      return call(() -> {
        measuring = false;
        return snapshot();
      });
    }

    private <T> T call(java.util.concurrent.Callable<T> c) throws Exception {
      Promise<T> p = Promise.promise();
      context.runOnContext(v -> {
        try {
          p.complete(c.call());
        } catch (Exception e) {
          p.fail(e);
        }
      });
      return p.future().await(30, TimeUnit.SECONDS);
    }

    @Override
    public Future<?> stop() {
      stopped = true;
      return Future.succeededFuture();
    }
  }

  /** One message of a node, in order: the bytes and whether it carries a generation (a full or a patch). */
  record Message(byte[] bytes, boolean generation) {
  }

  static void nextMessages(SimNode n, Deque<Message> out) {
    for (ObjectNode m : n.next()) {
      out.add(new Message(Json.bytes(m), !"event".equals(m.path("kind").asText())));
    }
  }

  /** Requests on {@code svcgate.hb.rx}, {@code window} in flight per node. */
  static final class BusDriver extends Driver {
    private final int window;
    private final DeliveryOptions options = new DeliveryOptions().setSendTimeout(30_000);

    BusDriver(List<SimNode> nodes, int window) {
      super(nodes);
      this.window = window;
    }

    @Override
    public Future<?> start() {
      for (SimNode n : nodes) {
        NodeSender s = new NodeSender(n);
        for (int i = 0; i < window; i++) {
          s.sendNext();
        }
      }
      return Future.succeededFuture();
    }

    final class NodeSender {
      final SimNode node;
      final Deque<Message> pending = new ArrayDeque<>();

      NodeSender(SimNode node) {
        this.node = node;
      }

      void sendNext() {
        if (stopped) {
          return;
        }
        if (pending.isEmpty()) {
          nextMessages(node, pending);
        }
        Message m = pending.poll();
        long t = System.nanoTime();
        vertx.eventBus().request(Addresses.HB_RX, Buffer.buffer(m.bytes()), options).onComplete(ar -> {
          if (ar.succeeded()) {
            acked(t, m.generation());
          } else {
            // 409 after a refused message in the window, or 503: start the node over with a full
            refused++;
            if (ar.cause() instanceof ReplyException r && (r.failureCode() == 409 || r.failureCode() == 503)) {
              node.askFull();
              pending.clear();
            }
          }
          sendNext();
        });
      }
    }
  }

  /** {@code connections} keep-alive connections, one message per POST, each serving its nodes in turn. */
  static final class HttpDriver extends Driver {
    private final int connections;
    private final int port;
    private WebClient client;

    HttpDriver(List<SimNode> nodes, int connections, int port) {
      super(nodes);
      this.connections = connections;
      this.port = port;
    }

    @Override
    public Future<?> start() {
      client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
          .setKeepAlive(true).setPipelining(false), new PoolOptions().setHttp1MaxSize(connections));
      for (int c = 0; c < connections; c++) {
        List<SimNode> mine = new ArrayList<>();
        for (int i = c; i < nodes.size(); i += connections) {
          mine.add(nodes.get(i));
        }
        if (!mine.isEmpty()) {
          new Connection(mine).sendNext();
        }
      }
      return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
      stopped = true;
      client.close();
      return Future.succeededFuture();
    }

    final class Connection {
      final List<SimNode> mine;
      final Deque<Message> pending = new ArrayDeque<>();
      int turn;
      SimNode current;

      Connection(List<SimNode> mine) {
        this.mine = mine;
      }

      void sendNext() {
        if (stopped) {
          return;
        }
        if (pending.isEmpty()) {
          current = mine.get(turn++ % mine.size());
          nextMessages(current, pending);
        }
        Message m = pending.poll();
        long t = System.nanoTime();
        client.request(HttpMethod.POST, "/api/heartbeats").putHeader("content-type", "application/json")
            .sendBuffer(Buffer.buffer(m.bytes())).onComplete(ar -> {
              if (ar.succeeded() && ar.result().statusCode() == 202) {
                acked(t, m.generation());
              } else {
                refused++;
                current.askFull();
                pending.clear();
              }
              sendNext();
            });
      }
    }
  }
}
