package io.svcgate.gateway.management;

import com.fasterxml.jackson.databind.JsonNode;
import io.svcgate.gateway.Addresses;
import io.svcgate.gateway.BuildInfo;
import io.svcgate.gateway.Gateway;
import io.svcgate.gateway.config.ConfigException;
import io.svcgate.gateway.config.ConfigKey;
import io.svcgate.gateway.config.GatewayConfig;
import io.svcgate.gateway.hooks.Hooks;
import io.svcgate.gateway.metrics.GatewayMetrics;
import io.svcgate.gateway.state.StatusReply;
import io.svcgate.jmx.ClusterBean;
import io.svcgate.jmx.EventHistoryBean;
import io.svcgate.jmx.GatewayBean;
import io.svcgate.jmx.HooksBean;
import io.svcgate.jmx.MBeanRegistry;
import io.svcgate.jmx.ObjectNames;
import io.svcgate.jmx.RemoteJmx;
import io.svcgate.jmx.RemoteJmxOptions;
import io.svcgate.jmx.StreamsBean;
import io.svcgate.state.Event;
import io.svcgate.state.Json;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.management.remote.JMXServiceURL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's management face, as one verticle: registers the svcgate MBeans on the
 * platform MBeanServer (docs/jmx.md), follows {@link Addresses#EVENT_FEED} to emit JMX
 * notifications and keep the node beans in step with the nodes, opens remote JMX when
 * {@code jmx.port} is set, and binds the JVM, history and hooks meters. A cluster
 * member ({@link Gateway#cluster()}) also gets {@code svcgate:type=Cluster} and the
 * {@code svcgate_cluster_*} meters, whose follower-lag series follow the group's
 * members every {@link GatewayMetrics#CLUSTER_REFRESH}. Stopping it
 * (undeploying, or closing Vert.x) unregisters every bean it registered and closes
 * remote JMX, so gateways can start and stop in turn in one JVM.
 */
public final class ManagementVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ManagementVerticle.class);
  /** How long a JMX operation waits for the gateway (waits get their duration on top). */
  static final Duration TIMEOUT = Duration.ofSeconds(15);
  /** How long {@code transferLeadership} waits: an election on top of the transfer. */
  static final Duration CLUSTER_TIMEOUT = Duration.ofSeconds(30);

  private final Gateway gateway;
  private final MBeanRegistry registry = MBeanRegistry.platform();
  private EventNotifier notifier;
  private NodeTable nodes;
  private MessageConsumer<Event> events;
  private long timer = -1;
  private long clusterTimer = -1;
  private volatile RemoteJmx remote;

  public ManagementVerticle(Gateway gateway) {
    this.gateway = gateway;
  }

  /** The remote JMX address, when remote JMX is on. */
  public Optional<JMXServiceURL> remoteAddress() {
    RemoteJmx r = remote;
    return r == null ? Optional.empty() : Optional.of(r.address());
  }

  @Override
  public Future<?> start() {
    GatewayConfig config = gateway.config();
    GatewayMetrics metrics = gateway.metrics();
    RemoteJmxOptions remoteOptions = remoteOptions(config);
    metrics.bindJvm();
    metrics.historySize(gateway.history()::size);
    Hooks hooks = gateway.hooks();
    if (hooks != null) {
      metrics.hooks(hooks.stats());
    }
    gateway.cluster().ifPresent(c -> {
      metrics.bindCluster(c);
      clusterTimer = vertx.setPeriodic(GatewayMetrics.CLUSTER_REFRESH.toMillis(), t -> metrics.refreshCluster());
    });
    return Bus.request(vertx, Addresses.STATUS, "gateway", TIMEOUT.toMillis(), StatusReply.class).compose(r -> {
      JsonNode section = section(r);
      String nodename = section.path("nodename").asText();
      BigDecimal started = section.path("started").decimalValue();
      notifier = new EventNotifier(config.bool(ConfigKey.JMX_NOTIFY_PATCHES));
      nodes = new NodeTable(vertx, context, registry, metrics, nodename, TIMEOUT);
      GatewayBean bean = new GatewayBean(new GatewayView(vertx, metrics, gateway.history(), nodes, version(), nodename,
          Instant.ofEpochMilli(started.movePointRight(3).longValue()), config.duration(ConfigKey.WAIT_MAX)),
          TIMEOUT, notifier.executor());
      notifier.emitter(bean);
      registry.register(ObjectNames.GATEWAY, bean);
      registry.register(ObjectNames.EVENT_HISTORY, new EventHistoryBean(new HistoryView(gateway.history(),
          config.longValue(ConfigKey.HISTORY_MAX_EVENTS), config.duration(ConfigKey.HISTORY_MAX_AGE))));
      registry.register(ObjectNames.STREAMS, new StreamsBean(CounterViews.streams(metrics)));
      if (hooks != null) {
        registry.register(ObjectNames.HOOKS, new HooksBean(CounterViews.hooks(hooks), TIMEOUT));
      }
      gateway.cluster().ifPresent(c -> registry.register(ObjectNames.CLUSTER,
          new ClusterBean(new ClusterView(c), CLUSTER_TIMEOUT)));
      events = vertx.eventBus().localConsumer(Addresses.EVENT_FEED, m -> {
        notifier.onEvent(m.body());
        nodes.onEvent(m.body());
      });
      timer = vertx.setPeriodic(NodeTable.PERIOD.toMillis(), t -> nodes.refresh());
      return nodes.refresh();
    }).compose(v -> remoteOptions == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
      remote = RemoteJmx.start(registry.server(), remoteOptions);
      return null;
    }, false)).recover(err -> {
      LOG.error("management did not start: {}", err.getMessage());
      return release().transform(x -> Future.failedFuture(err));
    });
  }

  private static JsonNode section(StatusReply r) {
    try {
      return Json.parse(r.json()).path("matches").path(0).path("value");
    } catch (IOException e) {
      throw new IllegalStateException("the gateway section of the state does not parse: " + e.getMessage());
    }
  }

  private static String version() {
    return BuildInfo.current().version();
  }

  /** The remote JMX options, or null when {@code jmx.port} is not set. */
  private static RemoteJmxOptions remoteOptions(GatewayConfig config) {
    if (!config.isSet(ConfigKey.JMX_PORT)) {
      return null;
    }
    try {
      return new RemoteJmxOptions(config.string(ConfigKey.JMX_HOST), config.port(ConfigKey.JMX_PORT),
          config.isSet(ConfigKey.JMX_PASSWORD_FILE) ? Path.of(config.string(ConfigKey.JMX_PASSWORD_FILE)) : null,
          config.isSet(ConfigKey.JMX_ACCESS_FILE) ? Path.of(config.string(ConfigKey.JMX_ACCESS_FILE)) : null,
          config.bool(ConfigKey.JMX_TLS));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  @Override
  public Future<?> stop() {
    return release();
  }

  /** Stops following events, unregisters every bean, closes remote JMX; after a failed start too. */
  private Future<Void> release() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    if (clusterTimer >= 0) {
      vertx.cancelTimer(clusterTimer);
      clusterTimer = -1;
    }
    Future<Void> unsubscribe = events == null ? Future.succeededFuture() : events.unregister();
    events = null;
    return unsubscribe.eventually(() -> {
      if (nodes != null) {
        nodes.close();
      }
      registry.close();
      if (notifier != null) {
        notifier.close();
      }
      gateway.metrics().close();
      RemoteJmx r = remote;
      remote = null;
      return r == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
        r.close();
        return null;
      }, false);
    }).mapEmpty();
  }
}
