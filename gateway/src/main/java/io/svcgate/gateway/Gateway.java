package io.svcgate.gateway;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.svcgate.gateway.bridge.BridgeVerticle;
import io.svcgate.gateway.bus.EventCodec;
import io.svcgate.gateway.bus.LocalCodec;
import io.svcgate.gateway.cluster.ClusterIngest;
import io.svcgate.gateway.cluster.ClusterOptions;
import io.svcgate.gateway.cluster.HistorySnapshots;
import io.svcgate.gateway.cluster.RaftMember;
import io.svcgate.gateway.config.ConfigException;
import io.svcgate.gateway.config.ConfigKey;
import io.svcgate.gateway.config.GatewayConfig;
import io.svcgate.gateway.http.ClientLimits;
import io.svcgate.gateway.http.HostNames;
import io.svcgate.gateway.http.HttpOptions;
import io.svcgate.gateway.http.Tokens;
import io.svcgate.gateway.http.HttpVerticle;
import io.svcgate.gateway.ingest.IngestVerticle;
import io.svcgate.gateway.management.ManagementVerticle;
import io.svcgate.gateway.metrics.GatewayMetrics;
import io.svcgate.gateway.raw.RawOptions;
import io.svcgate.gateway.raw.RawVerticle;
import io.svcgate.gateway.sim.SimulatorVerticle;
import io.svcgate.gateway.state.ApplyReply;
import io.svcgate.gateway.history.History;
import io.svcgate.gateway.history.HistoryCorruptedException;
import io.svcgate.gateway.history.HistoryOptions;
import io.svcgate.gateway.history.HistoryStoreException;
import io.svcgate.gateway.history.RaftPosition;
import io.svcgate.gateway.history.Snapshot;
import io.svcgate.gateway.hooks.Hooks;
import io.svcgate.gateway.hooks.HooksOptions;
import io.svcgate.gateway.state.HistoryLog;
import io.svcgate.gateway.state.StateVerticle;
import io.svcgate.gateway.state.StatusReply;
import io.svcgate.gateway.state.WaitRequest;
import io.svcgate.gateway.state.WaitResult;
import io.svcgate.state.ClusterState;
import io.svcgate.state.HeartbeatMessage;
import io.svcgate.state.NewerFormatException;
import io.svcgate.state.aggregates.ServiceAggregator;
import io.svcgate.state.Event;
import io.svcgate.state.history.EventLog;
import io.vertx.core.eventbus.MessageConsumer;
import java.nio.file.Path;
import java.util.Optional;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBus;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running gateway: a Vert.x instance with the state, ingest and HTTP
 * verticles (and the simulator when asked), the history, metrics and hooks.
 * {@link #start} resolves once it serves; {@link #stop} shuts it down gracefully.
 */
public final class Gateway {

  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  private final GatewayConfig config;
  private final Vertx vertx;
  private final GatewayMetrics metrics;
  private final PrometheusMeterRegistry registry;
  private final History history;
  private final EventLog log;
  private Hooks hooks;
  private MessageConsumer<Event> hooksConsumer;
  private final List<String> inputs = new ArrayList<>();
  private final List<String> httpIds = new ArrayList<>();
  private final List<HttpVerticle> http = new ArrayList<>();
  private final AtomicReference<Future<Void>> stopping = new AtomicReference<>();
  private StateVerticle state;
  private String nodename;
  private HttpOptions httpOptions;
  /** The reload in progress ({@link #reloadFromSnapshot}); null when none. */
  private final AtomicReference<CompletableFuture<RaftPosition>> reloading = new AtomicReference<>();
  private SimulatorVerticle simulator;
  private RawVerticle raw;
  private String stateDeployment;
  /** Set in cluster mode only. */
  private volatile io.svcgate.gateway.cluster.ClusterStatus cluster;
  /** Cluster mode only: the Raft member's settings, and the member once it runs. */
  private ClusterOptions clusterOptions;
  private RaftMember member;

  private Gateway(GatewayConfig config, Vertx vertx, PrometheusMeterRegistry registry, History history) {
    this.config = config;
    this.vertx = vertx;
    this.registry = registry;
    this.metrics = new GatewayMetrics(registry);
    this.history = history;
    this.log = new HistoryLog(history);
  }

  /** Starts a gateway; fails with a {@link ConfigException} or the cause that prevented it. */
  public static Future<Gateway> start(GatewayConfig config) {
    return start(config, History::open);
  }

  /**
   * Starts a gateway on the history {@code openHistory} opens from the configured
   * options (tests pass one that fails on demand); the gateway owns it from then on.
   */
  public static Future<Gateway> start(GatewayConfig config, Function<HistoryOptions, History> openHistory) {
    return start(config, openHistory, null);
  }

  /**
   * TEST SEAM, for tests only: starts a single gateway (no Raft runs) that shows
   * {@code testCluster} as its {@link #cluster()}, so that what reads a
   * {@link io.svcgate.gateway.cluster.ClusterStatus} ({@code /api/cluster},
   * {@code /health}, the {@code svcgate:type=Cluster} MBean, the
   * {@code svcgate_cluster_*} metrics) can be tested with a scripted one. With a
   * null {@code testCluster}, exactly {@link #start(GatewayConfig, Function)}.
   */
  static Future<Gateway> start(GatewayConfig config, Function<HistoryOptions, History> openHistory,
                               io.svcgate.gateway.cluster.ClusterStatus testCluster) {
    long t0 = System.nanoTime();
    Gateway g;
    try {
      // cluster mode: every cluster.* key checked before anything opens (docs/clustering.md)
      ClusterOptions clusterOptions = config.bool(ConfigKey.CLUSTER) && testCluster == null
          ? ClusterOptions.from(config) : null;
      HistoryOptions historyOptions;
      try {
        historyOptions = new HistoryOptions()
            .setDataDir(Path.of(config.string(ConfigKey.DATA)))
            // a cluster member's durable point is the Raft log: the history is rebuilt from it (docs/storage.md)
            .setDurable(config.bool(ConfigKey.HISTORY_DURABLE) && !config.bool(ConfigKey.CLUSTER))
            .setMaxEvents(config.longValue(ConfigKey.HISTORY_MAX_EVENTS))
            .setMaxAge(config.duration(ConfigKey.HISTORY_MAX_AGE))
            .setRetentionInterval(config.duration(ConfigKey.HISTORY_RETENTION_INTERVAL))
            .setBlockCacheBytes(config.longValue(ConfigKey.HISTORY_BLOCK_CACHE_BYTES))
            .setWriteBufferBytes(config.longValue(ConfigKey.HISTORY_WRITE_BUFFER_BYTES));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(e.getMessage());
      }
      History history = openHistory.apply(historyOptions);
      PrometheusMeterRegistry registry;
      Vertx vertx;
      try {
        registry = GatewayMetrics.prometheusRegistry();
        vertx = GatewayMetrics.vertx(new VertxOptions()
            .setPreferNativeTransport(config.bool(ConfigKey.NET_NATIVE_TRANSPORT)), registry);
        logTransport(vertx, config.bool(ConfigKey.NET_NATIVE_TRANSPORT));
      } catch (RuntimeException e) {
        history.close();
        throw e;
      }
      g = new Gateway(config, vertx, registry, history);
      g.cluster = testCluster;
      g.clusterOptions = clusterOptions;
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    Future<Void> deployed;
    try {
      deployed = g.deploy();
    } catch (RuntimeException e) {
      deployed = Future.failedFuture(e);
    }
    // Completed outside Vert.x: after a failed deploy, stop() closes Vert.x, and a
    // continuation bound to one of its contexts would never run.
    CompletableFuture<Gateway> started = new CompletableFuture<>();
    deployed.onComplete(ar -> {
      if (ar.succeeded()) {
        LOG.info("svcgate ready in {} ms: {}://{}:{}/ , epoch {}", (System.nanoTime() - t0) / 1_000_000,
            g.config.isSet(ConfigKey.HTTP_TLS_CERT) ? "https" : "http", g.httpHost(), g.httpPort(), g.history.epoch());
        started.complete(g);
      } else {
        g.stop().onComplete(x -> started.completeExceptionally(ar.cause()));
      }
    });
    return Future.fromCompletionStage(started);
  }

  /** {@code http.idle-timeout} or {@code http.request-timeout}: no client can be served in less than 100 ms. */
  private Duration connectionLimit(ConfigKey key) {
    Duration d = config.duration(key);
    if (d.compareTo(Duration.ofMillis(100)) < 0) {
      throw new ConfigException(key.key() + " must be at least 100ms, got " + config.string(key));
    }
    return d;
  }

  /** Says which network transport Vert.x runs on (net.native-transport, docs/configuration.md). */
  private static void logTransport(Vertx vertx, boolean preferred) {
    if (vertx.isNativeTransportEnabled()) {
      LOG.info("network transport: epoll (native)");
    } else if (preferred) {
      Throwable why = vertx.unavailableNativeTransportCause();
      LOG.info("network transport: nio (the native transport is not available here: {})",
          why == null ? "unknown reason" : why.toString());
    } else {
      LOG.info("network transport: nio (net.native-transport is false)");
    }
  }

  /** The host of the default {@code cluster.http-url}: the HTTP bind address, or for a wildcard one the host name. */
  private static String advertised(String host) {
    String h = "0.0.0.0".equals(host) || "::".equals(host) ? hostname() : host;
    return h.contains(":") && !h.startsWith("[") ? "[" + h + "]" : h;
  }

  private static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "svcgate";
    }
  }

  private Future<Void> deploy() {
    EventBus bus = vertx.eventBus();
    bus.registerDefaultCodec(io.svcgate.state.Event.class, new EventCodec());
    for (Class<?> c : List.of(ApplyReply.class, StatusReply.class, WaitRequest.class, WaitResult.class)) {
      registerLocal(bus, c);
    }
    bus.registerCodec(new LocalCodec<>(HeartbeatMessage.class));
    for (Class<?> c : HeartbeatMessage.class.getPermittedSubclasses()) {
      registerLocal(bus, c);
    }
    registerLocal(bus, io.svcgate.gateway.cluster.Committed.class);
    registerLocal(bus, ApplyReply.Batch.class);

    // in cluster mode the document's gateway.nodename is the group's name, the same on every member
    String nodename = clusterOptions != null ? clusterOptions.name()
        : config.isSet(ConfigKey.NODENAME) ? config.string(ConfigKey.NODENAME) : hostname();
    this.nodename = nodename;
    ClusterState cs = recover(nodename);
    state = stateVerticle(nodename, cs);
    hooks = new Hooks(HooksOptions.of(Path.of(config.string(ConfigKey.HOOKS_FILE)))
        .withTimeout(config.duration(ConfigKey.HOOKS_TIMEOUT))
        .withMaxRunning(config.integer(ConfigKey.HOOKS_MAX_RUNNING))
        .withQueue(config.integer(ConfigKey.HOOKS_QUEUE)));
    hooksConsumer = bus.<Event>localConsumer(Addresses.EVENT_FEED, m -> hooks.submit(m.body()));

    Map<String, String> tokens = new LinkedHashMap<>();
    for (String t : config.list(ConfigKey.AUTH_TOKENS)) {
      int i = t.lastIndexOf(':');
      String role = i < 0 ? "" : t.substring(i + 1);
      if (i <= 0 || !List.of("read", "ingest", "admin").contains(role)) {
        throw new ConfigException("auth.tokens: each token must be token:role with role read, ingest or admin, got '"
            + (i <= 0 ? t.replaceAll(".", "*") : "***:" + role) + "'");
      }
      tokens.put(t.substring(0, i), role);
    }
    String host = httpHost();
    if (tokens.isEmpty()) {
      checkOpenBinding(host);
    }
    HttpOptions ho = new HttpOptions(host, config.port(ConfigKey.HTTP_PORT), config.longValue(ConfigKey.HTTP_MAX_BODY),
        Tokens.of(tokens), config.bool(ConfigKey.AUTH_OPEN_HEALTH), config.bool(ConfigKey.AUTH_OPEN_METRICS),
        config.duration(ConfigKey.WAIT_MAX), config.integer(ConfigKey.STREAM_BUFFER_EVENTS),
        config.longValue(ConfigKey.STREAM_BUFFER_BYTES), config.duration(ConfigKey.STREAM_BOOKMARK),
        config.integer(ConfigKey.STREAM_MAX_SUBSCRIBERS),
        config.isSet(ConfigKey.HTTP_TLS_CERT) ? config.string(ConfigKey.HTTP_TLS_CERT) : null,
        config.isSet(ConfigKey.HTTP_TLS_KEY) ? config.string(ConfigKey.HTTP_TLS_KEY) : null,
        HostNames.allowed(host, tokens.isEmpty(), config.list(ConfigKey.HTTP_ALLOWED_HOSTS)),
        config.list(ConfigKey.HTTP_CORS_ORIGINS), connectionLimit(ConfigKey.HTTP_IDLE_TIMEOUT),
        connectionLimit(ConfigKey.HTTP_REQUEST_TIMEOUT),
        new ClientLimits(config.integer(ConfigKey.STREAM_MAX_PER_CLIENT), config.integer(ConfigKey.WAIT_MAX_PER_CLIENT), metrics),
        config.duration(ConfigKey.STREAM_STALL_TIMEOUT), messageLimits(),
        config.bool(ConfigKey.HTTP_H2C));
    int instances = Math.max(1, config.integer(ConfigKey.HTTP_INSTANCES));
    this.httpOptions = ho;

    Future<Void> f = vertx.deployVerticle(state, new DeploymentOptions().setThreadingModel(ThreadingModel.EVENT_LOOP))
        .map(id -> {
          stateDeployment = id;
          return null;
        });
    if (clusterOptions != null) {
      // the Raft member runs before any door takes ingest; ClusterIngest takes APPLY, FORGET and ASK_FULL
      member = new RaftMember(clusterOptions, vertx, history::raftPosition, new HistorySnapshots() {
        @Override
        public CompletableFuture<RaftPosition> export(Function<RaftPosition, Path> fileFor) {
          return history.exportCheckpoint(fileFor);
        }

        @Override
        public CompletableFuture<RaftPosition> reload(Path file) {
          return reloadFromSnapshot(file);
        }
      }, history::lastId);
      f = f.compose(v -> vertx.<Void>executeBlocking(() -> {
        member.start();
        return null;
      }, false)).map(v -> {
        cluster = member;
        return null;
      });
      f = f.compose(v -> vertx.deployVerticle(new ClusterIngest(member, metrics,
          config.integer(ConfigKey.INGEST_MAX_PENDING), clusterOptions)).map(id -> deployed(inputs, id)));
    }
    f = f.compose(v -> vertx.deployVerticle(new IngestVerticle(metrics, messageLimits())).map(id -> deployed(inputs, id)));
    for (int i = 0; i < instances; i++) {
      HttpVerticle h = httpVerticle(ho);
      http.add(h);
      f = f.compose(v -> vertx.deployVerticle(h).map(id -> deployed(httpIds, id)));
    }
    if (clusterOptions != null) {
      f = f.compose(v -> {
        member.announce(clusterOptions.httpUrl() != null ? clusterOptions.httpUrl()
            : (config.isSet(ConfigKey.HTTP_TLS_CERT) ? "https" : "http") + "://" + advertised(httpHost()) + ":" + httpPort());
        return Future.succeededFuture();
      });
    }
    f = f.compose(v -> vertx.deployVerticle(new ManagementVerticle(this)).map(id -> deployed(inputs, id)));
    if (config.isSet(ConfigKey.BRIDGE_PORT)) {
      BridgeVerticle bridge = new BridgeVerticle(config.string(ConfigKey.BRIDGE_HOST), config.port(ConfigKey.BRIDGE_PORT));
      f = f.compose(v -> vertx.deployVerticle(bridge).map(id -> deployed(inputs, id)));
    }
    if (config.isSet(ConfigKey.RAW_PORT)) {
      raw = new RawVerticle(RawOptions.from(config, nodename), metrics, messageLimits());
      f = f.compose(v -> vertx.deployVerticle(raw).map(id -> deployed(inputs, id)));
    }
    int simulate = config.integer(ConfigKey.SIMULATE);
    if (simulate > 0) {
      simulator = new SimulatorVerticle(simulate, config.integer(ConfigKey.SIMULATE_SERVICES),
          config.duration(ConfigKey.SIMULATE_INTERVAL), System.nanoTime());
      f = f.compose(v -> vertx.deployVerticle(simulator).map(id -> deployed(inputs, id)));
    }
    return f;
  }

  /**
   * The state verticle over {@code cs}; in cluster mode ({@code cluster.enabled}) it
   * applies committed Raft entries only (docs/storage.md, "Cluster mode").
   */
  private StateVerticle stateVerticle(String nodename, ClusterState cs) {
    return new StateVerticle(new StateVerticle.StateOptions(nodename, config.duration(ConfigKey.HB_TIMEOUT),
        config.duration(ConfigKey.WAIT_MAX), config.integer(ConfigKey.WAIT_MAX_WAITS),
        config.integer(ConfigKey.INGEST_MAX_PENDING), config.longValue(ConfigKey.HISTORY_SNAPSHOT_EVERY),
        config.duration(ConfigKey.HISTORY_SNAPSHOT_INTERVAL), config.bool(ConfigKey.BUS_PUBLISH_EVENTS),
        positive(ConfigKey.FILTER_MAX_COST), config.bool(ConfigKey.CLUSTER)),
        cs, (epoch, started) -> stateBuilder(nodename).epoch(epoch).started(started).build(), history, metrics);
  }

  private HttpVerticle httpVerticle(HttpOptions ho) {
    StateVerticle s = state;
    return new HttpVerticle(ho, log, metrics, s::ready, registry::scrape, this::cluster);
  }

  /**
   * Replaces this member's history and state with the history packed in {@code file}
   * by {@link History#exportCheckpoint} (on another member: the Raft state machine
   * calls this from {@code reinitialize()} after Ratis installed a snapshot). An
   * in-process reload: the state verticle stops (pending waits are answered, as at a
   * stop), the HTTP verticles stop (their streams end with a {@code gone} frame
   * carrying the last id delivered, so clients resume with their cursor, here or on
   * another member), the history is replaced in place (a crash at any point leaves
   * the old one or the new one), the state is recovered from it as at a restart, and
   * the state and HTTP verticles start again on the same ports. One reload at a time.
   *
   * @return completes with the Raft position of the loaded history once this member
   *         serves again; fails when the file cannot be loaded (the member then serves
   *         its old history again) or the member is stopping
   */
  public CompletableFuture<RaftPosition> reloadFromSnapshot(Path file) {
    CompletableFuture<RaftPosition> done = new CompletableFuture<>();
    if (stopping.get() != null) {
      done.completeExceptionally(new IllegalStateException("the gateway is stopping"));
      return done;
    }
    if (!reloading.compareAndSet(null, done)) {
      done.completeExceptionally(new IllegalStateException("a reload from a snapshot is already in progress"));
      return done;
    }
    LOG.info("reloading this member from snapshot {}", file);
    long t0 = System.nanoTime();
    List<Integer> ports = new ArrayList<>();
    http.forEach(h -> ports.add(h.actualPort()));
    Future<Void> f = stateDeployment == null ? Future.succeededFuture()
        : vertx.undeploy(stateDeployment).recover(e -> Future.succeededFuture());
    for (String id : List.copyOf(httpIds)) {
      f = f.compose(v -> vertx.undeploy(id).recover(e -> Future.succeededFuture()));
    }
    AtomicReference<Throwable> failed = new AtomicReference<>();
    Future<RaftPosition> loaded = f.compose(v -> {
      httpIds.clear();
      http.clear();
      stateDeployment = null;
      return Future.fromCompletionStage(history.restoreCheckpoint(file));
    }).recover(e -> {
      failed.set(e);
      return Future.succeededFuture(null);
    });
    loaded.compose(position -> vertx.executeBlocking(() -> recover(nodename))
        .compose(cs -> {
          state = stateVerticle(nodename, cs);
          return vertx.deployVerticle(state, new DeploymentOptions().setThreadingModel(ThreadingModel.EVENT_LOOP));
        })
        .compose(id -> {
          stateDeployment = id;
          Future<Void> h = Future.succeededFuture();
          for (int port : ports) {
            HttpVerticle v = httpVerticle(withPort(httpOptions, port));
            http.add(v);
            h = h.compose(x -> vertx.deployVerticle(v).map(hid -> deployed(httpIds, hid)));
          }
          return h;
        })
        .map(v -> position))
        .onComplete(ar -> {
          reloading.set(null);
          Throwable why = failed.get() != null ? failed.get() : ar.cause();
          if (why == null) {
            LOG.info("reloaded from snapshot {} in {} ms: epoch {}, last id {}, Raft position {}", file,
                (System.nanoTime() - t0) / 1_000_000, history.epoch(), history.lastId(), ar.result());
            done.complete(ar.result());
          } else {
            LOG.error("reloading from snapshot {} failed", file, why);
            done.completeExceptionally(why);
          }
        });
    return done;
  }

  /** {@code o} bound to {@code port} (the port the first start bound, when configured as 0). */
  private static HttpOptions withPort(HttpOptions o, int port) {
    return new HttpOptions(o.host(), port, o.maxBody(), o.tokens(), o.openHealth(), o.openMetrics(), o.waitMax(),
        o.streamEvents(), o.streamBytes(), o.bookmark(), o.maxSubscribers(), o.tlsCert(), o.tlsKey(),
        o.allowedHosts(), o.corsOrigins(), o.idleTimeout(), o.requestTimeout(), o.clients(), o.streamStall(),
        o.limits(), o.h2c());
  }

  /** The bounds of one heartbeat message (docs/security.md, "One message cannot hold the writer"). */
  private HeartbeatMessage.Limits messageLimits() {
    return new HeartbeatMessage.Limits((int) positive(ConfigKey.INGEST_MAX_KEYS),
        (int) positive(ConfigKey.INGEST_MAX_STANZAS), (int) positive(ConfigKey.INGEST_MAX_BATCH));
  }

  /** A configured count that must be at least 1 (and fit an int). */
  private long positive(ConfigKey key) {
    long v = config.integer(key);
    if (v < 1) {
      throw new ConfigException(key.key() + " must be at least 1, got " + v);
    }
    return v;
  }

  /**
   * Without tokens the gateway serves loopback only (docs/security.md): any other
   * bind address stops the start, unless {@code auth.open: true} says so explicitly,
   * and then it is logged at error level, every start.
   */
  private void checkOpenBinding(String host) {
    if (HostNames.isLoopback(host)) {
      LOG.warn("no auth.tokens configured: HTTP is open to anyone who can reach {}", host);
      return;
    }
    if (!config.bool(ConfigKey.AUTH_OPEN)) {
      throw new ConfigException("http.host is " + host + " and no auth.tokens are configured: anyone who reaches that "
          + "address could read the cluster state and send heartbeats. Configure auth.tokens, bind to 127.0.0.1, or set "
          + "auth.open: true to serve without tokens on purpose (docs/security.md)");
    }
    LOG.error("*** auth.open is true and no auth.tokens are configured: HTTP on {} is OPEN to anyone who can reach it: "
        + "they can read the whole cluster state and send heartbeats and events. Firewall the port, or configure "
        + "auth.tokens (docs/security.md) ***", host);
  }

  /**
   * The state as the history left it: the last snapshot, then every durable event
   * after it replayed. Nothing in the history is lost or re-numbered.
   */
  private ClusterState recover(String nodename) {
    Optional<Snapshot> snap = history.loadSnapshot();
    double started = System.currentTimeMillis() / 1000d;
    if (config.bool(ConfigKey.CLUSTER) && snap.isEmpty() && history.lastId() > 0 && history.oldestId() == 1) {
      // a member's gateway.started is the cluster's, decided by the leader: the time of the
      // first event (the cluster's start); with a snapshot, the snapshot's document has it
      started = (history.readAfter(0, 1).get(0).tsMicros() / 1000) / 1000d;
    }
    ClusterState.Builder b = stateBuilder(nodename)
        .epoch(history.epoch())
        .started(started);
    ClusterState cs;
    try {
      cs = snap.map(s -> b.restore(s.blob())).orElseGet(b::build);
    } catch (NewerFormatException e) {
      throw new HistoryStoreException(dataDir() + ": " + e.getMessage() + ". Run the newer svcgate again, or restore "
          + "the backup made before the upgrade (docs/operations.md, \"Upgrade\")", e);
    } catch (IllegalArgumentException e) {
      throw new HistoryCorruptedException("the state snapshot at id " + snap.get().id() + " in " + dataDir()
          + " cannot be read (" + e.getMessage() + "). svcgate will not serve a state it cannot trust: restore a backup of "
          + dataDir() + ", or wipe it to start a new history (a new epoch)", e);
    }
    long replayed = 0;
    while (cs.lastId() < history.lastId()) {
      for (Event e : history.readAfter(cs.lastId(), 10_000)) {
        try {
          cs.replay(e);
        } catch (IllegalArgumentException | IllegalStateException ex) {
          throw new HistoryCorruptedException("event " + e.id() + " of the history in " + dataDir()
              + " does not replay onto the state snapshot (" + ex.getMessage() + "). svcgate will not serve a state it "
              + "cannot trust: restore a backup of " + dataDir() + ", or wipe it to start a new history (a new epoch)", ex);
        }
        replayed++;
      }
    }
    // the merged generations written with the events: as recent as the last one
    Map<String, Long> generations = history.loadGenerations();
    cs.recoverGenerations(generations);
    long oldest = history.oldestId();
    long last = history.lastId();
    LOG.info("history: {} events recovered{}, epoch {}; state from {} + {} events replayed, {} node generations",
        history.size(), last >= oldest ? " (ids " + oldest + ".." + last + ")" : "", history.epoch(),
        snap.map(s -> "the snapshot at id " + s.id()).orElse("no snapshot"), replayed, generations.size());
    return cs;
  }

  /** A state builder with this gateway's configuration (no epoch, no start time yet). */
  private ClusterState.Builder stateBuilder(String nodename) {
    return ClusterState.builder()
        .gatewayNodename(nodename)
        .derivedState(new ServiceAggregator())
        .clusterName(clusterOptions != null ? clusterOptions.name() : config.string(ConfigKey.CLUSTER_NAME))
        .nodes(config.list(ConfigKey.CLUSTER_NODES))
        .maxNodeKeys(positive(ConfigKey.INGEST_MAX_NODE_KEYS));
  }

  private String dataDir() {
    return config.string(ConfigKey.DATA);
  }

  private static void registerLocal(EventBus bus, Class<?> c) {
    @SuppressWarnings({"rawtypes", "unchecked"})
    LocalCodec codec = new LocalCodec(c);
    bus.registerCodec(codec);
  }

  private static Void deployed(List<String> ids, String id) {
    ids.add(id);
    return null;
  }

  public Vertx vertx() {
    return vertx;
  }

  public GatewayConfig config() {
    return config;
  }

  public GatewayMetrics metrics() {
    return metrics;
  }

  public History history() {
    return history;
  }

  /** This member's view of its Raft group, empty for a single gateway (without {@code --cluster}). */
  public java.util.Optional<io.svcgate.gateway.cluster.ClusterStatus> cluster() {
    return java.util.Optional.ofNullable(cluster);
  }

  /** The built-in simulator, or null when not simulating. */
  public SimulatorVerticle simulator() {
    return simulator;
  }

  /** The OpenSVC raw listener's port, or -1 when it is off (docs/opensvc.md). */
  public int rawPort() {
    return raw == null ? -1 : raw.actualPort();
  }

  public Hooks hooks() {
    return hooks;
  }

  /** The HTTP verticles, one per instance (all serve the same routes). */
  public List<HttpVerticle> httpVerticles() {
    return List.copyOf(http);
  }

  /** The HTTP port bound (the first HTTP verticle's). */
  public int httpPort() {
    return http.isEmpty() ? -1 : http.get(0).actualPort();
  }

  /** The HTTP bind address: http.host, else 127.0.0.1 without tokens and 0.0.0.0 with tokens. */
  public String httpHost() {
    return config.isSet(ConfigKey.HTTP_HOST) ? config.string(ConfigKey.HTTP_HOST)
        : config.list(ConfigKey.AUTH_TOKENS).isEmpty() ? "127.0.0.1" : "0.0.0.0";
  }

  /**
   * Stops gracefully: ingest stops, pending waits are answered as not satisfied,
   * streams end, the history is flushed and closed, Vert.x closes.
   */
  public Future<Void> stop() {
    Promise<Void> done = Promise.promise();
    if (!stopping.compareAndSet(null, done.future())) {
      return stopping.get();
    }
    LOG.info("svcgate stopping");
    Future<Void> f = Future.succeededFuture();
    // Inputs first, then the state (it answers pending waits), then HTTP (streams end, the server closes).
    for (String id : inputs) {
      f = f.compose(v -> vertx.undeploy(id).recover(e -> Future.succeededFuture()));
    }
    if (member != null) {
      // no door takes ingest any more: the Raft member leaves (its pending entries are answered) before the state stops
      f = f.compose(v -> vertx.<Void>executeBlocking(() -> {
        member.close();
        return null;
      }, false).recover(e -> Future.succeededFuture()));
    }
    if (stateDeployment != null) {
      f = f.compose(v -> vertx.undeploy(stateDeployment).recover(e -> Future.succeededFuture()));
    }
    for (String id : httpIds) {
      f = f.compose(v -> vertx.undeploy(id).recover(e -> Future.succeededFuture()));
    }
    if (hooksConsumer != null) {
      f = f.compose(v -> hooksConsumer.unregister().recover(e -> Future.succeededFuture()));
    }
    f.eventually(() -> vertx.executeBlocking(() -> {
      if (hooks != null) {
        hooks.close();
      }
      try {
        history.close();
        LOG.info("history closed: last id {}, epoch {}", history.lastId(), history.epoch());
      } catch (RuntimeException e) {
        LOG.warn("closing the history failed", e);
      }
      return null;
    })).onComplete(ar -> ForkJoinPool.commonPool().execute(() -> {
      // Closed from outside Vert.x: a callback on one of its own contexts would outlive it.
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        LOG.info("svcgate stopped");
      } catch (Exception e) {
        LOG.warn("closing Vert.x failed", e);
      } finally {
        done.complete();
      }
    }));
    return done.future();
  }
}
