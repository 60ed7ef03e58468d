package io.svcgate.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

/**
 * The gateway's own meters (jmx-metrics.md, "Prometheus metrics") and the totals
 * that JMX reads. Thread-safe: any verticle or thread may count. Labels are bounded:
 * node names by the cluster, event ids by what nodes send (capped at
 * {@link #MAX_EVENT_IDS} distinct values, beyond which they count as {@code other}),
 * reasons by a fixed set.
 */
public final class GatewayMetrics {

  /** Distinct {@code eventid} label values before new ones count as {@code other}. */
  public static final int MAX_EVENT_IDS = 200;

  public static final String HEARTBEATS_RECEIVED = "svcgate.heartbeats.received";
  public static final String HEARTBEATS_REJECTED = "svcgate.heartbeats.rejected";
  public static final String PATCHES_APPLIED = "svcgate.patches.applied";
  public static final String RESYNCS = "svcgate.resyncs";
  public static final String EVENTS_EMITTED = "svcgate.events.emitted";
  public static final String EVENT_LAST_ID = "svcgate.event.last.id";
  public static final String HISTORY_EVENTS = "svcgate.history.events";
  public static final String NODES = "svcgate.nodes";
  public static final String STREAM_SUBSCRIBERS = "svcgate.stream.subscribers";
  public static final String WAITERS = "svcgate.waiters";
  public static final String INGEST_LATENCY = "svcgate.ingest.latency";
  public static final String WAIT_SECONDS = "svcgate.wait";
  public static final String HOOK_RUNS = "svcgate.hook.runs";
  public static final String SLOW_CONSUMER_DISCONNECTS = "svcgate.slow.consumer.disconnects";

  private final MeterRegistry registry;
  private final LongAdder heartbeatsReceived = new LongAdder();
  private final LongAdder heartbeatsRejected = new LongAdder();
  private final LongAdder patchesApplied = new LongAdder();
  private final LongAdder fullsApplied = new LongAdder();
  private final LongAdder resyncs = new LongAdder();
  private final LongAdder eventsEmitted = new LongAdder();
  private final LongAdder slowConsumerDisconnects = new LongAdder();
  private final AtomicLong lastEventId = new AtomicLong();
  private final AtomicLong sseSubscribers = new AtomicLong();
  private final AtomicLong ndjsonSubscribers = new AtomicLong();
  private final AtomicLong waiters = new AtomicLong();
  private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Boolean> eventIds = new ConcurrentHashMap<>();
  private final Counter slowConsumerCounter;
  private final Timer ingestLatency;
  private final Timer waitSatisfied;
  private final Timer waitTimeout;

  public GatewayMetrics() {
    this(new SimpleMeterRegistry());
  }

  public GatewayMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder(EVENT_LAST_ID, lastEventId, AtomicLong::get)
        .description("id of the last event emitted").register(registry);
    Gauge.builder(STREAM_SUBSCRIBERS, sseSubscribers, AtomicLong::get)
        .description("live stream subscribers").tag("format", "sse").register(registry);
    Gauge.builder(STREAM_SUBSCRIBERS, ndjsonSubscribers, AtomicLong::get)
        .description("live stream subscribers").tag("format", "ndjson").register(registry);
    Gauge.builder(WAITERS, waiters, AtomicLong::get)
        .description("pending waits").register(registry);
    slowConsumerCounter = Counter.builder(SLOW_CONSUMER_DISCONNECTS)
        .description("streams ended because their subscriber did not read").register(registry);
    ingestLatency = Timer.builder(INGEST_LATENCY)
        .description("from a heartbeat received to its event published")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(10_000))
        .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
    waitSatisfied = waitTimer("satisfied");
    waitTimeout = waitTimer("timeout");
  }

  private Timer waitTimer(String result) {
    return Timer.builder(WAIT_SECONDS).description("duration of waits by result").tag("result", result)
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofHours(1)).register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Registers a gauge on an object the caller keeps a strong reference to. */
  public <T> void gauge(String name, String description, T obj, ToDoubleFunction<T> f, String... tags) {
    Gauge.builder(name, obj, f).description(description).tags(tags).register(registry);
  }

  private Counter counter(String name, String description, String... tags) {
    String key = name + String.join("\u0000", tags);
    return counters.computeIfAbsent(key, k -> Counter.builder(name).description(description).tags(tags).register(registry));
  }

  public void heartbeatReceived(String nodename, String kind) {
    heartbeatsReceived.increment();
    counter(HEARTBEATS_RECEIVED, "heartbeat messages received", "nodename", nodename, "kind", kind).increment();
  }

  public void heartbeatRejected(String reason) {
    heartbeatsRejected.increment();
    counter(HEARTBEATS_REJECTED, "heartbeat messages rejected, by reason", "reason", reason).increment();
  }

  public void patchesApplied(String nodename, int generations) {
    patchesApplied.add(generations);
    counter(PATCHES_APPLIED, "patch generations applied", "nodename", nodename).increment(generations);
  }

  public void fullApplied() {
    fullsApplied.increment();
  }

  public void resync(String nodename) {
    resyncs.increment();
    counter(RESYNCS, "times a node was asked for a full", "nodename", nodename).increment();
  }

  public void eventEmitted(String kind, String eventId) {
    eventsEmitted.increment();
    if (eventId == null) {
      counter(EVENTS_EMITTED, "events emitted", "kind", kind, "eventid", "").increment();
      return;
    }
    String label = eventId;
    if (!eventIds.containsKey(eventId)) {
      if (eventIds.size() >= MAX_EVENT_IDS) {
        label = "other";
      } else {
        eventIds.putIfAbsent(eventId, Boolean.TRUE);
      }
    }
    counter(EVENTS_EMITTED, "events emitted", "kind", kind, "eventid", label).increment();
  }

  public void lastEventId(long id) {
    lastEventId.set(id);
  }

  public void ingestLatency(long nanos) {
    ingestLatency.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  public void waitFinished(boolean satisfied, long nanos) {
    (satisfied ? waitSatisfied : waitTimeout).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  public void subscribers(String format, int delta) {
    ("sse".equals(format) ? sseSubscribers : ndjsonSubscribers).addAndGet(delta);
  }

  public void waiters(int delta) {
    waiters.addAndGet(delta);
  }

  public void slowConsumerDisconnect() {
    slowConsumerDisconnects.increment();
    slowConsumerCounter.increment();
  }

  /** Removes the series labelled with a forgotten node. */
  public void forgetNode(String nodename) {
    registry.getMeters().stream()
        .filter(m -> nodename.equals(m.getId().getTag("nodename")))
        .forEach(m -> {
          registry.remove(m);
          counters.values().remove(m);
        });
  }

  public long heartbeatsReceived() {
    return heartbeatsReceived.sum();
  }

  public long heartbeatsRejected() {
    return heartbeatsRejected.sum();
  }

  public long patchesApplied() {
    return patchesApplied.sum();
  }

  public long fullsApplied() {
    return fullsApplied.sum();
  }

  public long resyncs() {
    return resyncs.sum();
  }

  public long eventsEmitted() {
    return eventsEmitted.sum();
  }

  public long lastEventId() {
    return lastEventId.get();
  }

  public long subscribers() {
    return sseSubscribers.get() + ndjsonSubscribers.get();
  }

  public long waiters() {
    return waiters.get();
  }

  public long slowConsumerDisconnects() {
    return slowConsumerDisconnects.sum();
  }
}
