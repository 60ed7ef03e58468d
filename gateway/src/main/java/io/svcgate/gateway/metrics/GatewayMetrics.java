package io.svcgate.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.svcgate.gateway.BuildInfo;
import io.svcgate.gateway.cluster.ClusterStatus;
import io.svcgate.gateway.hooks.HookStats;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

/**
 * The gateway's own meters (docs/metrics.md) and the totals
 * that JMX reads. Thread-safe: any verticle or thread may count.
 *
 * <p>Labels are bounded (docs/metrics.md): {@code nodename} by the cluster, and at
 * most {@link #MAX_NODE_LABELS} distinct values, beyond which new names count as
 * {@code other} (a forgotten node frees its value); {@code eventid} by the catalogue,
 * at most {@link #MAX_EVENT_IDS} distinct values, then {@code other}; {@code kind},
 * {@code reason}, {@code status}, {@code format}, {@code result} by fixed sets. Never
 * a path, a client address or a free-form string.
 */
public final class GatewayMetrics implements AutoCloseable {

  /** Distinct {@code eventid} label values before new ones count as {@code other}. */
  public static final int MAX_EVENT_IDS = 200;
  /** Distinct {@code nodename} label values before new ones count as {@code other}. */
  public static final int MAX_NODE_LABELS = 1000;
  /** The label value of what is beyond a bound. */
  public static final String OTHER = "other";

  public static final String HEARTBEATS_RECEIVED = "svcgate.heartbeats.received";
  public static final String HEARTBEATS_REJECTED = "svcgate.heartbeats.rejected";
  public static final String HTTP_REFUSED = "svcgate.http.refused";
  public static final String BUILD_INFO = "svcgate.build.info";
  /** The {@code kind} label of received messages that did not parse. */
  public static final String MALFORMED = "malformed";
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
  public static final String RAW_CONNECTIONS = "svcgate.raw.connections";
  public static final String RAW_CONNECTIONS_ACCEPTED = "svcgate.raw.connections.accepted";
  public static final String RAW_REQUESTS = "svcgate.raw.requests";
  public static final String RAW_REJECTED = "svcgate.raw.rejected";
  public static final String RAW_DECRYPT_FAILURES = "svcgate.raw.decrypt.failures";
  public static final String RAW_EVENT_STREAMS = "svcgate.raw.event.streams";
  public static final String RAW_BLACKLISTED = "svcgate.raw.blacklisted";
  public static final String RAW_RELAY_SLOTS = "svcgate.raw.relay.slots";
  public static final String RAW_RELAY_MESSAGES = "svcgate.raw.relay.messages";
  public static final String RAW_RELAY_CHARACTERS = "svcgate.raw.relay.characters";
  public static final String CLUSTER_ROLE = "svcgate.cluster.role";
  public static final String CLUSTER_TERM = "svcgate.cluster.term";
  public static final String CLUSTER_LEADER_CHANGES = "svcgate.cluster.leader.changes";
  public static final String CLUSTER_COMMIT_INDEX = "svcgate.cluster.commit.index";
  public static final String CLUSTER_APPLIED_INDEX = "svcgate.cluster.applied.index";
  public static final String CLUSTER_FOLLOWER_LAG = "svcgate.cluster.follower.lag.entries";
  /** How often the {@code member} series of the follower lag follow the group's members. */
  public static final Duration CLUSTER_REFRESH = Duration.ofSeconds(1);

  /** Histogram buckets of {@code svcgate_ingest_latency_seconds}: 100 µs to 10 s. */
  static final Duration[] INGEST_BUCKETS = {Duration.ofNanos(100_000), Duration.ofNanos(250_000),
      Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5),
      Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
      Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
      Duration.ofSeconds(5), Duration.ofSeconds(10)};
  /** Histogram buckets of {@code svcgate_wait_seconds}: 10 ms to 1 h. */
  static final Duration[] WAIT_BUCKETS = {Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofSeconds(1),
      Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(30), Duration.ofMinutes(1),
      Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(30), Duration.ofHours(1)};

  private final MeterRegistry registry;
  private final LongAdder heartbeatsReceived = new LongAdder();
  private final LongAdder heartbeatsRejected = new LongAdder();
  private final LongAdder patchesApplied = new LongAdder();
  private final LongAdder fullsApplied = new LongAdder();
  private final LongAdder resyncs = new LongAdder();
  private final LongAdder eventsEmitted = new LongAdder();
  private final LongAdder slowConsumerDisconnects = new LongAdder();
  private final AtomicLong lastEventId = new AtomicLong();
  private final LongAdder rawConnectionsAccepted = new LongAdder();
  private final LongAdder rawRequests = new LongAdder();
  private final LongAdder rawRejected = new LongAdder();
  private final LongAdder rawDecryptFailures = new LongAdder();
  private final LongAdder rawRelayMessages = new LongAdder();
  private volatile RawGauges rawGauges;
  private volatile ClusterStatus cluster;
  private MultiGauge followerLag;
  private final AtomicLong sseSubscribers = new AtomicLong();
  private final AtomicLong ndjsonSubscribers = new AtomicLong();
  private final AtomicLong waiters = new AtomicLong();
  private final AtomicLong beatingNodes = new AtomicLong();
  private final AtomicLong staleNodes = new AtomicLong();
  private final ConcurrentMap<CounterKey, Counter> counters = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Boolean> eventIds = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Boolean> nodeLabels = new ConcurrentHashMap<>();
  private final Counter slowConsumerCounter;
  private final Timer ingestLatency;
  private final Timer waitSatisfied;
  private final Timer waitTimeout;
  // strong references to what gauges and function counters read (Micrometer keeps weak ones)
  private volatile LongSupplier historySize = () -> 0;
  private volatile HookStats hookStats;
  private JvmGcMetrics gcMetrics;

  public GatewayMetrics() {
    this(new SimpleMeterRegistry());
  }

  public GatewayMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder(EVENT_LAST_ID, lastEventId, AtomicLong::get)
        .description("id of the last event emitted").register(registry);
    Gauge.builder(HISTORY_EVENTS, this, m -> m.historySize.getAsLong())
        .description("events kept in the history").register(registry);
    Gauge.builder(NODES, beatingNodes, AtomicLong::get)
        .description("nodes known, by liveness").tag("status", "beating").register(registry);
    Gauge.builder(NODES, staleNodes, AtomicLong::get)
        .description("nodes known, by liveness").tag("status", "stale").register(registry);
    Gauge.builder(STREAM_SUBSCRIBERS, sseSubscribers, AtomicLong::get)
        .description("live stream subscribers").tag("format", "sse").register(registry);
    Gauge.builder(STREAM_SUBSCRIBERS, ndjsonSubscribers, AtomicLong::get)
        .description("live stream subscribers").tag("format", "ndjson").register(registry);
    Gauge.builder(WAITERS, waiters, AtomicLong::get)
        .description("pending waits").register(registry);
    BuildInfo build = BuildInfo.current();
    Gauge.builder(BUILD_INFO, () -> 1).description("always 1; the labels say which build runs")
        .tag("version", build.version()).tag("revision", build.revision()).register(registry);
    slowConsumerCounter = Counter.builder(SLOW_CONSUMER_DISCONNECTS)
        .description("streams ended because their subscriber did not read").register(registry);
    ingestLatency = Timer.builder(INGEST_LATENCY)
        .description("from a heartbeat received to its event published")
        .serviceLevelObjectives(INGEST_BUCKETS).register(registry);
    waitSatisfied = waitTimer("satisfied");
    waitTimeout = waitTimer("timeout");
  }

  private Timer waitTimer(String result) {
    return Timer.builder(WAIT_SECONDS).description("duration of waits by result").tag("result", result)
        .serviceLevelObjectives(WAIT_BUCKETS).register(registry);
  }

  /**
   * The registry {@code /metrics} serves: Prometheus text exposition that
   * {@code promtool check metrics} accepts. Two JVM meters of Micrometer break its
   * naming rules and are changed here, before anything registers: {@code system.cpu.count}
   * becomes {@code system_cpus} (a gauge may not end in {@code _count}), and
   * {@code process.cpu.time} (nanoseconds) gives way to the conventional
   * {@code process_cpu_seconds_total} that {@link #bindJvm} registers.
   */
  public static PrometheusMeterRegistry prometheusRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config()
        .meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")))
        .meterFilter(new MeterFilter() {
          @Override
          public Meter.Id map(Meter.Id id) {
            return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
          }
        });
    return registry;
  }

  /**
   * A Vert.x instance whose own metrics (HTTP server, event bus, pools) go to
   * {@code registry}, with bounded labels: HTTP method, status code and route (the
   * router's patterns, never the raw path), pool type and name, event-bus side.
   */
  public static Vertx vertx(VertxOptions options, MeterRegistry registry) {
    MicrometerMetricsOptions mo = new MicrometerMetricsOptions().setEnabled(true)
        .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.HTTP_ROUTE, Label.POOL_TYPE,
            Label.POOL_NAME, Label.EB_SIDE));
    return Vertx.builder().with(new VertxOptions(options).setMetricsOptions(mo))
        .withMetrics(new MicrometerMetricsFactory(registry)).build();
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Binds the JVM's meters (memory, GC, threads, CPU, class loading); {@link #close} unbinds GC. */
  public synchronized void bindJvm() {
    if (gcMetrics != null) {
      return;
    }
    new JvmMemoryMetrics().bindTo(registry);
    gcMetrics = new JvmGcMetrics();
    gcMetrics.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      FunctionCounter.builder("process.cpu", os, o -> o.getProcessCpuTime() / 1e9).baseUnit("seconds")
          .description("CPU time used by the gateway's process").register(registry);
    }
    new ClassLoaderMetrics().bindTo(registry);
  }

  /** What {@code svcgate_history_events} reads. */
  public void historySize(LongSupplier size) {
    historySize = size;
  }

  /** Binds {@code svcgate_hook_runs_total{result}} to the hooks' counters. */
  public synchronized void hooks(HookStats stats) {
    if (hookStats != null) {
      return;
    }
    hookStats = stats;
    hookRuns(stats, "ok", HookStats::ok);
    hookRuns(stats, "failed", HookStats::failures);
    hookRuns(stats, "timeout", HookStats::timeouts);
  }

  private void hookRuns(HookStats stats, String result, ToDoubleFunction<HookStats> f) {
    FunctionCounter.builder(HOOK_RUNS, stats, f).description("hook runs finished, by result")
        .tag("result", result).register(registry);
  }

  /** Registers a gauge on an object the caller keeps a strong reference to. */
  public <T> void gauge(String name, String description, T obj, ToDoubleFunction<T> f, String... tags) {
    Gauge.builder(name, obj, f).description(description).tags(tags).register(registry);
  }

  private Counter counter(String name, String description, String... tags) {
    return counters.computeIfAbsent(new CounterKey(name, tags),
        k -> Counter.builder(name).description(description).tags(tags).register(registry));
  }

  /**
   * A counter's name and tags as the key of its cache: hashed from the strings' own
   * cached hashes, where a joined string would be built and hashed again at every count
   * (15 % of the state verticle's samples in a profile of P2: docs/benchmarks.md).
   */
  private record CounterKey(String name, String[] tags) {
    @Override
    public boolean equals(Object o) {
      return o instanceof CounterKey k && name.equals(k.name) && Arrays.equals(tags, k.tags);
    }

    @Override
    public int hashCode() {
      return 31 * name.hashCode() + Arrays.hashCode(tags);
    }

    @Override
    public String toString() {
      return name + Arrays.toString(tags);
    }
  }

  private String nodeLabel(String nodename) {
    if (nodename == null || nodename.isEmpty()) {
      return OTHER;
    }
    if (nodeLabels.containsKey(nodename)) {
      return nodename;
    }
    if (nodeLabels.size() >= MAX_NODE_LABELS) {
      return OTHER;
    }
    nodeLabels.putIfAbsent(nodename, Boolean.TRUE);
    return nodename;
  }

  /** A heartbeat message received ({@code kind}: full, patch, ping, event). */
  public void heartbeatReceived(String nodename, String kind) {
    heartbeatsReceived.increment();
    counter(HEARTBEATS_RECEIVED, "heartbeat messages received", "nodename", nodeLabel(nodename), "kind", kind)
        .increment();
  }

  /**
   * An HTTP request refused before any route ran, by reason: {@code unauthorized}
   * (401), {@code unauthorized_delayed} (a 401 held back because its source failed
   * repeatedly), {@code host} (a Host not the gateway's), {@code origin} (a
   * cross-origin request not configured), {@code client_limit} (429),
   * {@code timeout} (a request body not complete in time, 408).
   */
  public void httpRefused(String reason) {
    counter(HTTP_REFUSED, "HTTP requests and connections refused by the access checks and limits, by reason",
        "reason", reason).increment();
  }

  /**
   * A message rejected before it reached the state (it does not parse as a heartbeat);
   * {@code reason} is a label of a fixed set. It counts as received too, under
   * {@code kind="malformed"}, so that rejected never exceeds received (docs/metrics.md).
   */
  public void heartbeatRejected(String reason) {
    heartbeatReceived(null, MALFORMED);
    heartbeatRefused(reason);
  }

  /** A message the state received (and counted) but refused; {@code reason} is a label of a fixed set. */
  public void heartbeatRefused(String reason) {
    heartbeatsRejected.increment();
    counter(HEARTBEATS_REJECTED, "heartbeat messages rejected, by reason", "reason", reason).increment();
  }

  public void patchesApplied(String nodename, int generations) {
    patchesApplied.add(generations);
    counter(PATCHES_APPLIED, "patch generations applied", "nodename", nodeLabel(nodename)).increment(generations);
  }

  public void fullApplied() {
    fullsApplied.increment();
  }

  public void resync(String nodename) {
    resyncs.increment();
    counter(RESYNCS, "times a node was asked for a full", "nodename", nodeLabel(nodename)).increment();
  }

  /** An event emitted; {@code eventId} is null for patches (label {@code eventid=""}). */
  public void eventEmitted(String kind, String eventId) {
    eventsEmitted.increment();
    if (eventId == null) {
      counter(EVENTS_EMITTED, "events emitted", "kind", kind, "eventid", "").increment();
      return;
    }
    String label = eventId;
    if (!eventIds.containsKey(eventId)) {
      if (eventIds.size() >= MAX_EVENT_IDS) {
        label = OTHER;
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
    ingestLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  public void waitFinished(boolean satisfied, long nanos) {
    (satisfied ? waitSatisfied : waitTimeout).record(nanos, TimeUnit.NANOSECONDS);
  }

  public void subscribers(String format, int delta) {
    ("sse".equals(format) ? sseSubscribers : ndjsonSubscribers).addAndGet(delta);
  }

  public void waiters(int delta) {
    waiters.addAndGet(delta);
  }

  /** The nodes known, by liveness, as last counted. */
  public void nodes(long beating, long stale) {
    beatingNodes.set(beating);
    staleNodes.set(stale);
  }

  public void slowConsumerDisconnect() {
    slowConsumerDisconnects.increment();
    slowConsumerCounter.increment();
  }

  /** Removes the series labelled with a forgotten node and frees its label value. */
  public void forgetNode(String nodename) {
    List<Meter> gone = registry.getMeters().stream()
        .filter(m -> nodename.equals(m.getId().getTag("nodename")))
        .toList();
    for (Meter m : gone) {
      registry.remove(m);
      counters.values().remove(m);
    }
    nodeLabels.remove(nodename);
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

  // --- the OpenSVC raw listener (docs/opensvc.md) -------------------------

  /** What the raw listener's gauges read: thread-safe point-in-time values. */
  public interface RawGauges {
    /** Connections open now. */
    long connections();

    /** {@code events} streams open now. */
    long eventStreams();

    /** Source addresses refused now. */
    long blacklisted();

    /** Relay slots held. */
    long relaySlots();

    /** Characters of relayed messages held. */
    long relayBytes();
  }

  /** Binds the raw listener's gauges (once per registry). */
  public synchronized void bindRaw(RawGauges gauges) {
    if (rawGauges != null) {
      rawGauges = gauges;
      return;
    }
    rawGauges = gauges;
    Gauge.builder(RAW_CONNECTIONS, this, m -> m.rawGauges.connections())
        .description("raw listener connections open").register(registry);
    Gauge.builder(RAW_EVENT_STREAMS, this, m -> m.rawGauges.eventStreams())
        .description("raw listener events streams open").register(registry);
    Gauge.builder(RAW_BLACKLISTED, this, m -> m.rawGauges.blacklisted())
        .description("source addresses the raw listener refuses now (too many failed decryptions)").register(registry);
    Gauge.builder(RAW_RELAY_SLOTS, this, m -> m.rawGauges.relaySlots())
        .description("relay slots held (one per cluster and node)").register(registry);
    Gauge.builder(RAW_RELAY_CHARACTERS, this, m -> m.rawGauges.relayBytes())
        .description("characters of relayed heartbeat messages held").register(registry);
  }

  /** A raw connection accepted. */
  public void rawConnectionAccepted() {
    rawConnectionsAccepted.increment();
    counter(RAW_CONNECTIONS_ACCEPTED, "raw listener connections accepted").increment();
  }

  /** A raw request decrypted and dispatched; {@code action} is one of a fixed set or {@code other}. */
  public void rawRequest(String action) {
    rawRequests.increment();
    counter(RAW_REQUESTS, "raw requests decrypted, by action", "action", action).increment();
  }

  /** A raw request refused; {@code reason} is one of a fixed set (docs/metrics.md). */
  public void rawRejected(String reason) {
    rawRejected.increment();
    counter(RAW_REJECTED, "raw requests refused, by reason", "reason", reason).increment();
  }

  /** A payload that did not decrypt: {@code layer} {@code request} (the frame) or {@code relay} (a relayed message). */
  public void rawDecryptFailure(String layer) {
    rawDecryptFailures.increment();
    counter(RAW_DECRYPT_FAILURES, "raw payloads that did not decrypt, by layer", "layer", layer).increment();
  }

  /** A relayed heartbeat message stored, and what became of it for the state; {@code result} of a fixed set. */
  public void rawRelayMessage(String result) {
    rawRelayMessages.increment();
    counter(RAW_RELAY_MESSAGES, "relayed heartbeat messages received, by what the gateway made of them", "result", result)
        .increment();
  }

  public long rawConnectionsAccepted() {
    return rawConnectionsAccepted.sum();
  }

  public long rawRequests() {
    return rawRequests.sum();
  }

  public long rawRejected() {
    return rawRejected.sum();
  }

  public long rawDecryptFailures() {
    return rawDecryptFailures.sum();
  }

  public long rawRelayMessages() {
    return rawRelayMessages.sum();
  }

  // --- a member of a Raft group (docs/clustering.md) ---------------------

  /**
   * Binds the {@code svcgate_cluster_*} meters to this member's view of its group
   * (once per registry; only in cluster mode): the role (1 for the current one, 0 for
   * the others), the term, the leader changes, the commit and applied indexes, and,
   * on the leader, each follower's lag, whose {@code member} series follow the
   * group's members at each {@link #refreshCluster}.
   */
  public synchronized void bindCluster(ClusterStatus status) {
    boolean bound = cluster != null;
    cluster = status;
    if (bound) {
      refreshCluster();
      return;
    }
    for (ClusterStatus.Role role : ClusterStatus.Role.values()) {
      Gauge.builder(CLUSTER_ROLE, this, m -> m.cluster.role() == role ? 1 : 0)
          .description("1 for this member's Raft role, 0 for the others").tag("role", role.label()).register(registry);
    }
    Gauge.builder(CLUSTER_TERM, this, m -> m.cluster.term()).description("the Raft term this member is in")
        .register(registry);
    FunctionCounter.builder(CLUSTER_LEADER_CHANGES, this, m -> m.cluster.leaderChanges())
        .description("leader changes this member has seen since it started").register(registry);
    Gauge.builder(CLUSTER_COMMIT_INDEX, this, m -> m.cluster.commitIndex())
        .description("the Raft log index committed, as this member knows it").register(registry);
    Gauge.builder(CLUSTER_APPLIED_INDEX, this, m -> m.cluster.appliedIndex())
        .description("the Raft log index this member has applied").register(registry);
    followerLag = MultiGauge.builder(CLUSTER_FOLLOWER_LAG)
        .description("on the leader: log entries each follower is behind").register(registry);
    refreshCluster();
  }

  /** Makes the follower-lag series those of the followers the leader knows now (one per member, none elsewhere). */
  public synchronized void refreshCluster() {
    if (followerLag == null) {
      return;
    }
    ClusterStatus c = cluster;
    List<MultiGauge.Row<?>> rows = c.followerLag().keySet().stream()
        .<MultiGauge.Row<?>>map(member -> MultiGauge.Row.of(Tags.of("member", member), this,
            m -> lag(m.cluster, member)))
        .toList();
    followerLag.register(rows, true);
  }

  /** A follower's lag, NaN once it is no follower of this leader (until the next refresh drops its series). */
  private static double lag(ClusterStatus c, String member) {
    Long v = c.followerLag().get(member);
    return v == null ? Double.NaN : v;
  }

  /** Unbinds what holds JVM-wide listeners (the GC notifications). */
  @Override
  public synchronized void close() {
    if (gcMetrics != null) {
      gcMetrics.close();
      gcMetrics = null;
    }
  }
}
