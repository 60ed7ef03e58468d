package io.svcgate.bench;

import io.svcgate.gateway.Addresses;
import io.svcgate.gateway.config.ConfigKey;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * P5: 10 000 concurrent waits on the state, each on its own path
 * ({@code monitor.nodes.load-nI.labels.wJ=R}: 50 nodes × 200 keys), through the
 * public event-bus address {@code svcgate.state.wait} of a gateway in this JVM.
 * <ul>
 *   <li>memory per wait: heap in use after GC with the waits pending minus before,
 *       divided by their number, less the driver's side of a pending request
 *       (measured first against a consumer that never answers);</li>
 *   <li>ingest with the waits vs without: P2's event-bus ingest, flat out, with the
 *       10 000 waits pending (their paths are never touched by it) over the mean of a
 *       run before and a run after without waits;</li>
 *   <li>release latency: changes at 2 000 generations/s; every other generation of a
 *       node also sets the label one of its waits waits for; latency from the moment
 *       the driver sends that generation to the moment the wait's answer arrives.
 *       Each released wait is replaced by a new one on the same path, so 10 000 stay
 *       pending.</li>
 * </ul>
 */
final class WaitScenario {

  private static final int KEYS = 200;
  private final LoadDriver d;

  WaitScenario(LoadDriver d) {
    this.d = d;
  }

  void run() throws Exception {
    if (d.options.target != null) {
      System.err.println("  P5 runs against a gateway in this JVM (event-bus waits, heap figures); --target ignored");
    }
    Map<ConfigKey, String> config = d.loadConfig();
    config.put(ConfigKey.WAIT_MAX_WAITS, "100000");
    try (LocalGateway gw = LocalGateway.start(config)) {
      EventBus bus = gw.gateway.vertx().eventBus();
      Context ctx = gw.gateway.vertx().getOrCreateContext();
      int nodes = d.options.nodes;
      int waits = nodes * KEYS;
      // Without waits (the nodes' first fulls go with it).
      double without1 = ingest(gw);
      MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
      double driverSide = driverCostPerRequest(gw, ctx, waits, mem);
      long before = heapAfterGc(mem);
      int[][] round = new int[nodes][KEYS];
      long[][] sentAt = new long[nodes][KEYS];
      Stats release = new Stats(1_000_000);
      boolean[] measuring = {false};
      long[] released = {0};
      DeliveryOptions o = new DeliveryOptions().setSendTimeout(TimeUnit.MINUTES.toMillis(20));
      // Register a wait; when it is answered satisfied, record the latency and register the next round.
      class Waits {
        void register(int i, int j) {
          round[i][j]++;
          int r = round[i][j];
          JsonObject req = new JsonObject()
              .put("filter", "monitor.nodes.load-n" + (i + 1) + ".labels.w" + j + "=" + r).put("duration", "15m");
          bus.<JsonObject>request(Addresses.STATE_WAIT, req, o).onComplete(ar -> {
            if (ar.failed() || !ar.result().body().getBoolean("satisfied", false)) {
              return;
            }
            long now = System.nanoTime();
            if (measuring[0] && sentAt[i][j] > 0) {
              release.add(now - sentAt[i][j]);
            }
            released[0]++;
            register(i, j);
          });
        }
      }
      Waits w = new Waits();
      onContext(ctx, () -> {
        for (int i = 0; i < nodes; i++) {
          for (int j = 0; j < KEYS; j++) {
            w.register(i, j);
          }
        }
      });
      barrier(bus);
      long after = heapAfterGc(mem);
      double perWait = (after - before) / (double) waits;
      System.err.printf("  P5: heap %d → %d bytes with %d waits pending%n", before, after, waits);
      double with = ingest(gw);
      double without2 = ingest(gw);
      double ratio = with / ((without1 + without2) / 2);
      System.err.printf("  P5: ingest without %.0f, with %.0f, without %.0f generations/s%n", without1, with, without2);
      // Release latency at 2 000 generations/s.
      int[] nextKey = new int[nodes];
      int[] takes = new int[nodes];
      Feeder f = new Feeder(ctx, LoadDriver.busTransport(gw.gateway.vertx()), d.workload(), nodes, 4, 2000)
          .hook((node, i) -> {
            if (takes[i]++ % 2 == 1) {
              int j = nextKey[i];
              nextKey[i] = (j + 1) % KEYS;
              node.addToNextPatch("[[\"labels\",\"w" + j + "\"]," + round[i][j] + "]");
              sentAt[i][j] = System.nanoTime();
            }
          });
      long warm = d.options.warmupMs();
      gw.gateway.vertx().setTimer(Math.max(1, warm), t -> measuring[0] = true);
      Feeder.Outcome out = f.run(warm, d.options.durationMs()).await(5, TimeUnit.MINUTES);
      LoadDriver.note("P5", out);
      Thread.sleep(500);
      System.err.printf("  P5: %d waits released (%d measured), %.0f generations/s%n", released[0], release.count(),
          out.generationsPerSecond());
      d.results.add("P5 wait release latency p99, 10 000 waits, 2000 gen/s", "ms",
          Results.Goal.atMost(10, "≤ 10 ms"), release.percentileMs(99));
      d.results.add("P5 memory per wait, gateway side", "bytes", Results.Goal.atMost(2048, "≤ 2 KiB"),
          perWait - driverSide);
      d.results.add("P5 memory per wait, with the driver's pending request", "bytes", Results.Goal.none(), perWait);
      d.results.add("P5 ingest with 10 000 waits / without", "ratio", Results.Goal.atLeast(0.9, "≥ 0.9"), ratio);
    }
  }

  /**
   * What one pending request costs the driver (its reply handler and timeout), to
   * tell it from the gateway's cost: {@code n} requests to a consumer that never
   * answers, heap after GC before and after, per request. The requests time out
   * after 3 s and are gone before this returns.
   */
  private static double driverCostPerRequest(LocalGateway gw, Context ctx, int n, MemoryMXBean mem) throws Exception {
    EventBus bus = gw.gateway.vertx().eventBus();
    var consumer = bus.<JsonObject>localConsumer("svcgate.bench.hold", m -> { });
    consumer.completion().await(30, TimeUnit.SECONDS);
    long before = heapAfterGc(mem);
    DeliveryOptions o = new DeliveryOptions().setSendTimeout(3000);
    onContext(ctx, () -> {
      for (int i = 0; i < n; i++) {
        bus.request("svcgate.bench.hold", new JsonObject().put("filter", "monitor.nodes.x.labels.w" + i + "=1"), o);
      }
    });
    long after = heapAfterGc(mem);
    Thread.sleep(4000);
    consumer.unregister().await(30, TimeUnit.SECONDS);
    double per = (after - before) / (double) n;
    System.err.printf("  P5: the driver's side of a pending request: %.0f bytes%n", per);
    return per;
  }

  /** Event-bus ingest flat out for the run's duration (half the warm-up first); generations/s. */
  private double ingest(LocalGateway gw) throws Exception {
    Feeder f = new Feeder(gw.gateway.vertx().getOrCreateContext(), LoadDriver.busTransport(gw.gateway.vertx()),
        d.workload(), d.options.nodes, 8, 0);
    Feeder.Outcome o = f.run(d.options.warmupMs() / 2, d.options.durationMs()).await(5, TimeUnit.MINUTES);
    LoadDriver.note("P5 ingest", o);
    return o.generationsPerSecond();
  }

  /** Resolves when the state verticle has handled everything sent to it before (it answers in order). */
  private static void barrier(EventBus bus) throws Exception {
    bus.request(Addresses.STATE_QUERY, new JsonObject().put("filter", "cluster.name"),
        new DeliveryOptions().setSendTimeout(120_000)).await(2, TimeUnit.MINUTES);
  }

  private static void onContext(Context ctx, Runnable r) throws Exception {
    Promise<Void> p = Promise.promise();
    ctx.runOnContext(v -> {
      r.run();
      p.complete();
    });
    p.future().await(2, TimeUnit.MINUTES);
  }

  static long heapAfterGc(MemoryMXBean mem) throws InterruptedException {
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
      best = Math.min(best, mem.getHeapMemoryUsage().getUsed());
    }
    return best;
  }

}
