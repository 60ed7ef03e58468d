package io.svcgate.gateway.management;

import com.fasterxml.jackson.databind.JsonNode;
import io.svcgate.gateway.Addresses;
import io.svcgate.gateway.metrics.GatewayMetrics;
import io.svcgate.jmx.MBeanRegistry;
import io.svcgate.jmx.NodeBean;
import io.svcgate.jmx.NodeSnapshot;
import io.svcgate.jmx.NodeSource;
import io.svcgate.jmx.ObjectNames;
import io.svcgate.state.Event;
import io.svcgate.state.Json;
import io.svcgate.state.Path;
import io.svcgate.state.Stanza;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nodes as the state verticle's table ({@link Addresses#NODES}, the rows of
 * {@code /api/nodes}) last said, and one {@code svcgate:type=Node,name=<n>} bean per
 * row. The table is read again when an event says the set of nodes or their liveness
 * changed (a patch touching {@code monitor.nodes.<n>} of a node not in the table, a
 * node's own event, {@code hb_stale}, {@code hb_beating}, {@code forget_peer}), every
 * {@link #PERIOD}, when a JMX read finds it older than {@link #MAX_AGE}, and after a
 * bean's operation, before the operation returns (so the bean's next read shows what
 * it did); at most one read is in flight and requests during it coalesce into one
 * more, started after it. Beans are registered and unregistered to match each read.
 *
 * <p>Threading: {@link #onEvent}, {@link #refresh} and {@link #close} run on the
 * owning verticle's context; {@link #current} and the node sources run on any thread.
 */
final class NodeTable {

  private static final Logger LOG = LoggerFactory.getLogger(NodeTable.class);
  /** The longest a JMX read of a node uses the table without reading it again. */
  static final Duration MAX_AGE = Duration.ofSeconds(1);
  /** The interval of reads when nothing else asks. */
  static final Duration PERIOD = Duration.ofSeconds(5);
  private static final long TIMEOUT_MS = 10_000;
  private static final Set<String> LIVENESS_EVENTS = Set.of("hb_stale", "hb_beating", "forget_peer");

  private final Vertx vertx;
  private final Context context;
  private final MBeanRegistry registry;
  private final GatewayMetrics metrics;
  private final String gatewayNodename;
  private final Duration beanTimeout;
  private final Set<String> registered = new HashSet<>();
  private volatile Map<String, NodeSnapshot> rows = Map.of();
  private volatile long readAt = System.nanoTime() - MAX_AGE.toNanos() - 1;
  private Promise<Void> inFlight;
  private Promise<Void> next;
  private boolean closed;

  NodeTable(Vertx vertx, Context context, MBeanRegistry registry, GatewayMetrics metrics, String gatewayNodename,
            Duration beanTimeout) {
    this.vertx = vertx;
    this.context = context;
    this.registry = registry;
    this.metrics = metrics;
    this.gatewayNodename = gatewayNodename;
    this.beanTimeout = beanTimeout;
  }

  /** Reads the table again when {@code e} may change the set of nodes or their liveness. */
  void onEvent(Event e) {
    Map<String, NodeSnapshot> known = rows;
    boolean reread = false;
    if (e.isPatch()) {
      for (Stanza s : e.stanzas()) {
        Path p = s.path();
        if (p.size() >= 3 && "monitor".equals(p.get(0)) && "nodes".equals(p.get(1))
            && p.get(2) instanceof String name && (!known.containsKey(name) || (p.size() == 3 && s.isDelete()))) {
          reread = true;
          break;
        }
      }
    } else {
      reread = LIVENESS_EVENTS.contains(e.eventId())
          || (!gatewayNodename.equals(e.nodename()) && !known.containsKey(e.nodename()));
    }
    if (reread) {
      refresh();
    }
  }

  /** Reads the table; completes once the rows and beans match it. */
  Future<Void> refresh() {
    if (closed) {
      return Future.succeededFuture();
    }
    if (inFlight == null) {
      inFlight = Promise.promise();
      Future<Void> f = inFlight.future();
      read(inFlight);
      return f;
    }
    if (next == null) {
      next = Promise.promise();
    }
    return next.future();
  }

  private void read(Promise<Void> done) {
    Bus.request(vertx, Addresses.NODES, "", TIMEOUT_MS, Buffer.class).onComplete(ar -> {
      if (ar.succeeded()) {
        try {
          apply(parse(ar.result()));
          done.complete();
        } catch (IOException | RuntimeException e) {
          LOG.warn("the nodes table could not be read: {}", e.getMessage());
          done.fail(new IllegalStateException("the nodes table could not be read: " + e.getMessage()));
        }
      } else {
        done.fail(ar.cause());
      }
      inFlight = null;
      if (next != null) {
        inFlight = next;
        next = null;
        read(inFlight);
      }
    });
  }

  private static Map<String, NodeSnapshot> parse(Buffer table) throws IOException {
    Map<String, NodeSnapshot> out = new LinkedHashMap<>();
    for (JsonNode r : Json.MAPPER.readTree(table.getBytes())) {
      JsonNode c = r.path("counters");
      JsonNode frozen = r.path("frozen");
      out.put(r.path("nodename").asText(), new NodeSnapshot(r.path("gen").asLong(), r.path("status").asText(),
          r.path("needs_full").asBoolean(), r.path("last_seen").asDouble(),
          frozen.isNumber() ? frozen.asDouble() : 0, c.path("patches_applied").asLong(), c.path("resyncs").asLong()));
    }
    return Map.copyOf(out);
  }

  private void apply(Map<String, NodeSnapshot> table) {
    rows = table;
    readAt = System.nanoTime();
    long beating = table.values().stream().filter(n -> "beating".equals(n.status())).count();
    metrics.nodes(beating, table.size() - beating);
    if (closed) {
      return;
    }
    for (String n : Set.copyOf(registered)) {
      if (!table.containsKey(n)) {
        registry.unregister(ObjectNames.node(n));
        registered.remove(n);
        LOG.debug("node bean {} unregistered", n);
      }
    }
    for (String n : table.keySet()) {
      if (!registered.contains(n) && !n.isEmpty()) {
        registry.register(ObjectNames.node(n), new NodeBean(new Source(n), beanTimeout));
        registered.add(n);
        LOG.debug("node bean {} registered", n);
      }
    }
  }

  /** The table at most {@link #MAX_AGE} old; any thread. */
  CompletableFuture<Map<String, NodeSnapshot>> current() {
    if (System.nanoTime() - readAt <= MAX_AGE.toNanos()) {
      return CompletableFuture.completedFuture(rows);
    }
    CompletableFuture<Map<String, NodeSnapshot>> out = new CompletableFuture<>();
    context.runOnContext(v -> refresh().onComplete(ar -> {
      if (ar.succeeded()) {
        out.complete(rows);
      } else {
        out.completeExceptionally(ar.cause());
      }
    }));
    return out;
  }

  /**
   * Reads the table again with a read that starts now or later, never one already in
   * flight: what an operation just did is in the rows when this completes, so the
   * next read of a bean shows it. Any thread.
   */
  private CompletableFuture<Void> reread() {
    CompletableFuture<Void> out = new CompletableFuture<>();
    context.runOnContext(v -> refresh().onComplete(ar -> {
      if (ar.succeeded()) {
        out.complete(null);
      } else {
        out.completeExceptionally(ar.cause());
      }
    }));
    return out;
  }

  /** Unregisters every node bean; later reads change nothing. */
  void close() {
    closed = true;
    for (String n : registered) {
      registry.unregister(ObjectNames.node(n));
    }
    registered.clear();
  }

  /** What one node bean reads and asks. */
  private final class Source implements NodeSource {
    private final String nodename;

    Source(String nodename) {
      this.nodename = nodename;
    }

    @Override
    public CompletionStage<NodeSnapshot> snapshot() {
      return current().thenApply(t -> {
        NodeSnapshot s = t.get(nodename);
        if (s == null) {
          throw new IllegalStateException("node " + nodename + " is no longer known");
        }
        return s;
      });
    }

    /** Returns once the state has marked the node and the table has been read again after it. */
    @Override
    public CompletionStage<Void> askFull() {
      return Bus.ask(vertx, Addresses.ASK_FULL, nodename, TIMEOUT_MS, Object.class).thenCompose(x -> reread());
    }
  }
}
