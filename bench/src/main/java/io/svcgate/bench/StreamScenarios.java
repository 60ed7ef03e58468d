package io.svcgate.bench;

import io.svcgate.gateway.config.ConfigKey;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * P4: SSE subscribers. P4a latency at 2 000 generations/s with 1 subscriber, P4b
 * with 1 000 subscribers at 20 generations/s, P4c fan-out to 1 000 subscribers
 * with the writers as fast as they go (notifications delivered per second, and
 * whether every subscriber got every event). Latency is from the moment the
 * driver makes a message (its send time is in the patch's first stanza) to the
 * moment a subscriber reads the frame holding it.
 */
final class StreamScenarios {

  private final LoadDriver d;

  StreamScenarios(LoadDriver d) {
    this.d = d;
  }

  /** {@code which}: P4 (all three), P4A, P4B or P4C. */
  void run(String which) throws Exception {
    if (which.equals("P4") || which.equals("P4A")) {
      latency("P4a", 1, 2000, "p50", 1, "p99", 5);
    }
    if (which.equals("P4") || which.equals("P4B")) {
      latency("P4b", 1000, 20, null, 0, "p99", 10);
    }
    if (which.equals("P4") || which.equals("P4C")) {
      fanOut();
    }
  }

  private Map<ConfigKey, String> config() {
    Map<ConfigKey, String> c = d.loadConfig();
    c.put(ConfigKey.STREAM_MAX_SUBSCRIBERS, "20000");
    c.put(ConfigKey.STREAM_MAX_PER_CLIENT, "20000"); // every subscriber of the driver is one client
    return c;
  }

  /** Subscribers measuring latency while the feeder paces {@code rate} generations/s. */
  private void latency(String name, int subscribers, double rate, String p1, double goal1, String p2, double goal2)
      throws Exception {
    try (LoadDriver.Target t = d.new Target(config())) {
      Stats stats = new Stats(5_000_000);
      long[] measureFrom = {Long.MAX_VALUE};
      Feeder f = t.feeder(rate, 4, false);
      f.primeNow().await(2, TimeUnit.MINUTES);
      // Read by NIO selector threads (one per core), as P8's subscribers.
      try (NioStreams subs = NioStreams.sse(t.base, subscribers, -1, stats, () -> measureFrom[0])) {
        long warm = d.options.warmupMs();
        d.client.setTimer(Math.max(1, warm), x -> measureFrom[0] = System.nanoTime());
        Feeder.Outcome o = f.run(warm, d.options.durationMs()).await(5, TimeUnit.MINUTES);
        LoadDriver.note(name, o);
        System.err.printf(java.util.Locale.ROOT, "  %s: transport %s; busiest threads: %s; %.1f KiB allocated per generation%n",
            name, t.local == null ? "(target)" : t.local.gateway.vertx().isNativeTransportEnabled() ? "epoll" : "nio",
            f.busiestThreads, f.allocatedPerGeneration / 1024);
        subs.awaitQuiet();
        String label = subscribers == 1 ? "1 subscriber" : subscribers + " subscribers";
        System.err.printf("  %s: %d latencies, %.0f generations/s%n", name, stats.count(), o.generationsPerSecond());
        if (p1 != null) {
          d.results.add(name + " notify latency " + p1 + ", " + label + ", " + (int) rate + " gen/s", "ms",
              Results.Goal.atMost(goal1, "≤ " + (int) goal1 + " ms"), stats.percentileMs(50));
        }
        d.results.add(name + " notify latency " + p2 + ", " + label + ", " + (int) rate + " gen/s", "ms",
            Results.Goal.atMost(goal2, "≤ " + (int) goal2 + " ms"), stats.percentileMs(99));
      }
    }
  }

  /** P4c: of the 1 000 subscribers, one in this many reads the writers' backlog to its end (none lost). */
  private static final int KEEP_EVERY = 20;

  /** P4c: 1 000 counting subscribers from a known id, writers as fast as they go. */
  private void fanOut() throws Exception {
    int n = 1000;
    try (LoadDriver.Target t = d.new Target(config())) {
      HttpClient http = d.httpClient(n + 8);
      Feeder f = t.feeder(0, 8, false);
      f.primeNow().await(2, TimeUnit.MINUTES);
      long from = t.lastId();
      List<StreamSubscriber> subs = open(http, t.base, n, null, () -> 0, from);
      try {
        long[] atStart = new long[1];
        long[] atEnd = new long[1];
        long[] t0 = new long[1];
        long[] t1 = new long[1];
        long warm = d.options.warmupMs();
        d.client.setTimer(Math.max(1, warm), x -> {
          atStart[0] = total(subs);
          t0[0] = System.nanoTime();
        });
        d.client.setTimer(Math.max(1, warm) + d.options.durationMs(), x -> {
          atEnd[0] = total(subs);
          t1[0] = System.nanoTime();
        });
        Feeder.Outcome o = f.run(warm, d.options.durationMs()).await(5, TimeUnit.MINUTES);
        LoadDriver.note("P4c", o);
        while (t1[0] == 0) {
          Thread.sleep(10);
        }
        double rate = (atEnd[0] - atStart[0]) / ((t1[0] - t0[0]) / 1e9);
        // None lost: the writers leave a backlog far larger than 1 000 streams read in the time a run
        // can wait (since 2026-12-06 they make about 150 000 events in a run: 150 M frames, 2–3 minutes
        // of reading at the rate measured). So every 20th subscriber stays open and reads to the end,
        // the others are closed; each kept one must end with every event after `from`, with no stream
        // ended by the gateway. The wait lasts while the kept ones make progress (10 s without any, or
        // 3 minutes in all, ends it).
        long last = t.lastId();
        long expected = last - from;
        List<StreamSubscriber> kept = new java.util.ArrayList<>();
        for (int i = 0; i < subs.size(); i++) {
          if (i % KEEP_EVERY == 0) {
            kept.add(subs.get(i));
          } else {
            subs.get(i).close();
          }
        }
        long cap = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        long progressAt = System.nanoTime();
        long seen = total(kept);
        while (!allHave(kept, expected) && System.nanoTime() < cap
            && System.nanoTime() - progressAt < TimeUnit.SECONDS.toNanos(10)) {
          Thread.sleep(50);
          long now = total(kept);
          if (now > seen) {
            seen = now;
            progressAt = System.nanoTime();
          }
        }
        int complete = 0;
        int ended = 0;
        for (StreamSubscriber s : kept) {
          complete += s.notifications >= expected ? 1 : 0;
          ended += s.ended ? 1 : 0;
        }
        System.err.printf("  P4c: %d events after %d; %d/%d subscribers kept to the end got them all, %d of them ended early%n",
            expected, from, complete, kept.size(), ended);
        d.results.add("P4c fan-out, 1000 subscribers, writers flat out", "notifications/s",
            Results.Goal.atLeast(500_000, "≥ 500 000/s"), rate);
        d.results.add("P4c subscribers kept to the end that got every event", "of " + kept.size(),
            Results.Goal.atLeast(kept.size(), kept.size() + " (none lost)"), complete);
      } finally {
        subs.forEach(StreamSubscriber::close);
        http.close().await(30, TimeUnit.SECONDS);
      }
    }
  }

  static long total(List<StreamSubscriber> subs) {
    long n = 0;
    for (StreamSubscriber s : subs) {
      n += s.notifications;
    }
    return n;
  }

  private static boolean allHave(List<StreamSubscriber> subs, long expected) {
    for (StreamSubscriber s : subs) {
      if (s.notifications < expected && !s.ended) {
        return false;
      }
    }
    return true;
  }

  /** Waits (at most 10 s) until the subscribers stop receiving. */
  static void awaitQuiet(List<StreamSubscriber> subs) throws InterruptedException {
    long before = -1;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      long now = total(subs);
      if (now == before) {
        return;
      }
      before = now;
      Thread.sleep(200);
    }
  }

  /** Opens {@code n} SSE subscribers, 50 at a time, and waits until each has its response head. */
  List<StreamSubscriber> open(HttpClient http, String base, int n, Stats stats, java.util.function.LongSupplier from,
                              long after) throws Exception {
    List<StreamSubscriber> subs = new ArrayList<>();
    for (int i = 0; i < n; i += 50) {
      List<Future<Void>> batch = new ArrayList<>();
      for (int k = i; k < Math.min(n, i + 50); k++) {
        StreamSubscriber s = new StreamSubscriber(StreamSubscriber.Kind.SSE, stats, from);
        subs.add(s);
        batch.add(s.openSse(http, base, after));
      }
      Future.all(batch).await(60, TimeUnit.SECONDS);
    }
    return subs;
  }
}
