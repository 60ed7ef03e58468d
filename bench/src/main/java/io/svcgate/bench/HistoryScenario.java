package io.svcgate.bench;

import io.svcgate.gateway.config.ConfigKey;
import io.svcgate.gateway.history.History;
import io.svcgate.gateway.history.HistoryOptions;
import io.svcgate.gateway.sim.SimulatorVerticle.SimNode;
import io.svcgate.state.ApplyOutcome;
import io.svcgate.state.ClusterState;
import io.svcgate.state.Event;
import io.svcgate.state.HeartbeatMessage;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * P6: a history of 1 000 000 events (configurable). Built once per driver run, the
 * way the gateway would have written it (a {@link ClusterState} applying the
 * simulator's generations, events appended to the {@link History} in batches,
 * a state snapshot at the end, as a graceful stop leaves it), then each run:
 * <ul>
 *   <li>restart until ready: {@code Gateway.start} on that data directory until it
 *       serves (opening the store walks and checks every event), in this JVM;</li>
 *   <li>{@code GET /api/events?after=X&limit=1000} at 1 000 random X over the whole
 *       history, one request at a time on one connection: p50 / p99.</li>
 * </ul>
 */
final class HistoryScenario {

  private static Path dir;
  private int timeouts;
  private final LoadDriver d;

  HistoryScenario(LoadDriver d) {
    this.d = d;
  }

  static void cleanup() {
    if (dir != null) {
      LocalGateway.deleteTree(dir);
      dir = null;
    }
  }

  void run(int run) throws Exception {
    long events = d.options.historyEvents;
    if (dir == null) {
      dir = Files.createTempDirectory("svcgate-bench-history-");
      build(dir, events);
    }
    Map<ConfigKey, String> config = d.loadConfig();
    config.put(ConfigKey.HISTORY_MAX_EVENTS, Long.toString(events * 2));
    config.put(ConfigKey.HISTORY_MAX_AGE, "0s");
    try (LocalGateway gw = LocalGateway.start(dir, config, false)) {
      long last = gw.gateway.history().lastId();
      long oldest = gw.gateway.history().oldestId();
      System.err.printf("  P6: restarted on %d events (%d..%d) in %d ms%n", last - oldest + 1, oldest, last,
          gw.startMillis);
      d.results.add("P6 restart until ready, " + label(events) + " events", "ms",
          Results.Goal.atMost(5000, "≤ 5 s"), gw.startMillis);
      HttpClient http = d.httpClient(1);
      try {
        SplittableRandom rnd = new SplittableRandom(run);
        Stats stats = new Stats(10_000);
        RequestOptions ro = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(gw.port());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        for (int i = 0; i < 1000 && System.nanoTime() < deadline; i++) {
          long after = oldest - 1 + rnd.nextLong(Math.max(1, last - oldest - 999));
          long t0 = System.nanoTime();
          int[] status = new int[1];
          int size;
          try {
            size = http.request(new RequestOptions(ro).setURI("/api/events?after=" + after + "&limit=1000")
                    .setIdleTimeout(20_000))
                .compose(r -> r.send()).compose(r -> {
                  status[0] = r.statusCode();
                  return r.body();
                }).map(b -> b.length()).await(30, TimeUnit.SECONDS);
          } catch (java.util.concurrent.TimeoutException | io.vertx.core.VertxException e) {
            // Counted at the time it took; the next read goes on (a new connection if this one died).
            timeouts++;
            stats.add(System.nanoTime() - t0);
            System.err.printf("  P6: GET /api/events?after=%d gave no answer: %s%n", after, e);
            continue;
          }
          if (status[0] != 200) {
            throw new IllegalStateException("GET /api/events?after=" + after + " answered " + status[0]);
          }
          if (i >= 20) {
            stats.add(System.nanoTime() - t0);
          }
          if (i == 0) {
            System.err.printf("  P6: a page of 1000 is %d bytes%n", size);
          }
        }
        System.err.printf("  P6: page p50 %.2f ms, p99 %.2f ms over %d reads, %d without an answer%n",
            stats.percentileMs(50), stats.percentileMs(99), stats.count(), timeouts);
        d.results.add("P6 GET /api/events?after=X&limit=1000 p99, random X", "ms",
            Results.Goal.atMost(20, "≤ 20 ms"), stats.percentileMs(99));
      } finally {
        http.close().await(10, TimeUnit.SECONDS);
      }
    }
  }

  private static String label(long n) {
    return n % 1_000_000 == 0 ? (n / 1_000_000) + " M" : Long.toString(n);
  }

  /** Writes {@code events} events as the gateway would, plus the snapshot a graceful stop leaves. */
  static void build(Path dir, long events) throws Exception {
    long t0 = System.nanoTime();
    List<SimNode> sims = Workload.nodes("load-n", 50, 42);
    List<CoreBench.NodeCycle> cycles = new ArrayList<>();
    for (SimNode s : sims) {
      HeartbeatMessage.Full full = (HeartbeatMessage.Full) Workload.nextParsed(s).get(0);
      HeartbeatMessage.Delta[] deltas = new HeartbeatMessage.Delta[500];
      for (int k = 0; k < deltas.length; k++) {
        deltas[k] = Workload.nextPatch(s).deltas().values().iterator().next();
      }
      cycles.add(new CoreBench.NodeCycle(s.name(), full.data(), deltas));
    }
    History h = History.open(new HistoryOptions().setDataDir(dir).setMaxEvents(events * 2).setMaxAge(Duration.ZERO)
        .setRetentionInterval(Duration.ZERO));
    try {
      double now = System.currentTimeMillis() / 1000d;
      ClusterState cs = ClusterState.builder().gatewayNodename("gw-bench").clusterName("bench").epoch(h.epoch())
          .started(now).build();
      List<Event> batch = new ArrayList<>(cs.start(now));
      int i = 0;
      while (cs.lastId() < events) {
        CoreBench.NodeCycle c = cycles.get(i++ % cycles.size());
        ApplyOutcome o = cs.apply(c.next(), System.currentTimeMillis() / 1000d);
        if (o.status() != ApplyOutcome.Status.APPLIED) {
          throw new IllegalStateException("history build: " + o.status() + " " + o.error());
        }
        batch.addAll(o.events());
        if (batch.size() >= 4096) {
          h.append(batch).join();
          batch = new ArrayList<>();
        }
      }
      if (!batch.isEmpty()) {
        h.append(batch).join();
      }
      h.saveSnapshot(cs.lastId(), cs.snapshot()).join();
    } finally {
      h.close();
    }
    System.err.printf("  P6: built a history of %d events in %d ms%n", events, (System.nanoTime() - t0) / 1_000_000);
  }
}
