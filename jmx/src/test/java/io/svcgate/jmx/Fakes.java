package io.svcgate.jmx;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/** Sources with fixed answers, standing in for a gateway. */
final class Fakes {

  private Fakes() {
  }

  static final class Gateway implements GatewaySource {
    volatile CompletionStage<WaitOutcome> nextWait = CompletableFuture.completedFuture(new WaitOutcome(true, 0.25, 7));
    volatile String lastCondition;

    @Override
    public String version() {
      return "1.2.3";
    }

    @Override
    public String nodename() {
      return "gw1";
    }

    @Override
    public String epoch() {
      return "ep-1";
    }

    @Override
    public long lastEventId() {
      return 42;
    }

    @Override
    public Instant startTime() {
      return Instant.ofEpochMilli(1_700_000_000_000L);
    }

    @Override
    public Duration uptime() {
      return Duration.ofMillis(61_500);
    }

    @Override
    public CompletionStage<Integer> nodeCount() {
      return CompletableFuture.completedFuture(3);
    }

    @Override
    public long heartbeatsReceived() {
      return 10;
    }

    @Override
    public long heartbeatsRejected() {
      return 1;
    }

    @Override
    public long patchesApplied() {
      return 5;
    }

    @Override
    public long fullsApplied() {
      return 2;
    }

    @Override
    public long resyncs() {
      return 1;
    }

    @Override
    public long eventsEmitted() {
      return 9;
    }

    @Override
    public CompletionStage<String> status(String filter) {
      if (filter.startsWith("[")) {
        return CompletableFuture.failedFuture(new IllegalArgumentException("filter: unexpected '[' at 0"));
      }
      return CompletableFuture.completedFuture("{\"filter\":\"" + filter + "\"}");
    }

    @Override
    public CompletionStage<WaitOutcome> waitFor(String condition, String duration) {
      lastCondition = condition;
      return nextWait;
    }

    @Override
    public Duration maxWait() {
      return Duration.ofMillis(200);
    }
  }

  static final class Node implements NodeSource {
    final AtomicInteger askFulls = new AtomicInteger();
    volatile boolean gone;

    @Override
    public CompletionStage<NodeSnapshot> snapshot() {
      if (gone) {
        return CompletableFuture.failedFuture(new IllegalStateException("unknown node n1"));
      }
      return CompletableFuture.completedFuture(new NodeSnapshot(12, "beating", false, 1764147001.5, 0, 11, 1));
    }

    @Override
    public CompletionStage<Void> askFull() {
      askFulls.incrementAndGet();
      return CompletableFuture.completedFuture(null);
    }
  }

  static final class History implements EventHistorySource {
    @Override
    public long size() {
      return 2;
    }

    @Override
    public long capacity() {
      return 1000;
    }

    @Override
    public long oldestId() {
      return 1;
    }

    @Override
    public long lastId() {
      return 2;
    }

    @Override
    public Duration retention() {
      return Duration.ofHours(24);
    }

    @Override
    public List<EventItem> eventsAfter(long after, int limit) {
      if (after < 0) {
        throw new IllegalArgumentException("after must not be negative");
      }
      List<EventItem> out = new ArrayList<>();
      out.add(new EventItem(1, 1.5, "n1", "patch", null, "{\"id\":1}"));
      out.add(new EventItem(2, 2.5, "n1", "event", "node_freeze", "{\"id\":2}"));
      return out.subList(0, Math.min(limit, out.size()));
    }

    @Override
    public String eventsAfterJson(long after, int limit) {
      return "{\"events\":[]}";
    }
  }

  static final class Hooks implements HooksSource {
    final AtomicInteger reloads = new AtomicInteger();

    @Override
    public int configured() {
      return 2;
    }

    @Override
    public long runs() {
      return 4;
    }

    @Override
    public long failures() {
      return 1;
    }

    @Override
    public long timeouts() {
      return 1;
    }

    @Override
    public CompletionStage<Void> reload() {
      reloads.incrementAndGet();
      return CompletableFuture.completedFuture(null);
    }
  }

  static final class Streams implements StreamsSource {
    @Override
    public long subscribers() {
      return 3;
    }

    @Override
    public long waiters() {
      return 4;
    }

    @Override
    public long slowConsumerDisconnects() {
      return 5;
    }
  }
}
