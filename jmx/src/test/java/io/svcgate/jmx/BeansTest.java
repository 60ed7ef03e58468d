package io.svcgate.jmx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The adapters as a JMX client sees them, through MXBean proxies. */
@Timeout(30)
class BeansTest {

  MBeanServer server = MBeanServerFactory.newMBeanServer();
  MBeanRegistry registry = new MBeanRegistry(server);
  ExecutorService listeners = Executors.newSingleThreadExecutor();
  Fakes.Gateway gatewaySource = new Fakes.Gateway();
  Fakes.Node nodeSource = new Fakes.Node();
  GatewayBean gateway = new GatewayBean(gatewaySource, Duration.ofMillis(300), listeners);

  @BeforeEach
  void register() {
    registry.register(ObjectNames.GATEWAY, gateway);
    registry.register(ObjectNames.EVENT_HISTORY, new EventHistoryBean(new Fakes.History()));
    registry.register(ObjectNames.STREAMS, new StreamsBean(new Fakes.Streams()));
    registry.register(ObjectNames.HOOKS, new HooksBean(new Fakes.Hooks(), Duration.ofSeconds(1)));
    registry.register(ObjectNames.node("n1"), new NodeBean(nodeSource, Duration.ofSeconds(1)));
  }

  @AfterEach
  void close() {
    registry.close();
    listeners.shutdownNow();
  }

  @Test
  void gatewayAttributesAndOperations() {
    GatewayMXBean g = JMX.newMXBeanProxy(server, ObjectNames.GATEWAY, GatewayMXBean.class, true);
    assertThat(g.getVersion()).isEqualTo("1.2.3");
    assertThat(g.getNodeName()).isEqualTo("gw1");
    assertThat(g.getEpoch()).isEqualTo("ep-1");
    assertThat(g.getLastEventId()).isEqualTo(42);
    assertThat(g.getStartTime()).isEqualTo(1_700_000_000_000L);
    assertThat(g.getUptimeSeconds()).isEqualTo(61);
    assertThat(g.getNodeCount()).isEqualTo(3);
    assertThat(g.getHeartbeatsReceived()).isEqualTo(10);
    assertThat(g.getHeartbeatsRejected()).isEqualTo(1);
    assertThat(g.getPatchesApplied()).isEqualTo(5);
    assertThat(g.getFullsApplied()).isEqualTo(2);
    assertThat(g.getResyncs()).isEqualTo(1);
    assertThat(g.getEventsEmitted()).isEqualTo(9);
    assertThat(g.status("monitor.nodes")).isEqualTo("{\"filter\":\"monitor.nodes\"}");
    assertThatThrownBy(() -> g.status("[x")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("filter: unexpected '[' at 0");

    assertThat(g.waitFor("monitor.nodes.n1.frozen>0", "1s")).isEqualTo(new WaitOutcome(true, 0.25, 7));
    assertThat(gatewaySource.lastCondition).isEqualTo("monitor.nodes.n1.frozen>0");
  }

  @Test
  void genericClientsSeeOpenTypes() throws Exception {
    Object w = server.invoke(ObjectNames.GATEWAY, "waitFor", new Object[] {"a==1", "1s"},
        new String[] {String.class.getName(), String.class.getName()});
    assertThat(w).isInstanceOf(CompositeData.class);
    CompositeData c = (CompositeData) w;
    assertThat(c.get("satisfied")).isEqualTo(true);
    assertThat(c.get("elapsed")).isEqualTo(0.25);
    assertThat(c.get("id")).isEqualTo(7L);

    Object page = server.invoke(ObjectNames.EVENT_HISTORY, "eventsAfter", new Object[] {0L, 10},
        new String[] {long.class.getName(), int.class.getName()});
    assertThat(page).isInstanceOf(CompositeData[].class);
    CompositeData[] items = (CompositeData[]) page;
    assertThat(items).hasSize(2);
    assertThat(items[0].get("eventId")).isNull();
    assertThat(items[1].getCompositeType().keySet())
        .containsExactlyInAnyOrder("id", "ts", "nodename", "kind", "eventId", "json");
    assertThat(items[1].get("eventId")).isEqualTo("node_freeze");
    for (var a : server.getMBeanInfo(ObjectNames.GATEWAY).getAttributes()) {
      assertThat(a.getType()).as(a.getName()).isIn("java.lang.String", "long", "int");
    }
  }

  @Test
  void anOperationThatGetsNoAnswerFailsAfterItsTimeout() {
    GatewayMXBean g = JMX.newMXBeanProxy(server, ObjectNames.GATEWAY, GatewayMXBean.class);
    gatewaySource.nextWait = new CompletableFuture<>();
    long t0 = System.nanoTime();
    // maxWait 200 ms + timeout 300 ms
    assertThatThrownBy(() -> g.waitFor("a==1", "10m")).isInstanceOf(IllegalStateException.class)
        .hasMessage("waitFor: the gateway did not answer within 500 ms");
    assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(500));
  }

  @Test
  void historyPagesAreCompositeData() {
    EventHistoryMXBean h = JMX.newMXBeanProxy(server, ObjectNames.EVENT_HISTORY, EventHistoryMXBean.class);
    assertThat(h.getSize()).isEqualTo(2);
    assertThat(h.getCapacity()).isEqualTo(1000);
    assertThat(h.getOldestId()).isEqualTo(1);
    assertThat(h.getLastId()).isEqualTo(2);
    assertThat(h.getRetentionSeconds()).isEqualTo(86400);
    EventItem[] page = h.eventsAfter(0, 10);
    assertThat(page).containsExactly(new EventItem(1, 1.5, "n1", "patch", null, "{\"id\":1}"),
        new EventItem(2, 2.5, "n1", "event", "node_freeze", "{\"id\":2}"));
    assertThat(h.eventsAfter(0, 1)).hasSize(1);
    assertThat(h.eventsAfterJson(0, 1)).isEqualTo("{\"events\":[]}");
    assertThatThrownBy(() -> h.eventsAfter(-1, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("after must not be negative");
  }

  @Test
  void nodeStreamsAndHooks() {
    NodeMXBean n = JMX.newMXBeanProxy(server, ObjectNames.node("n1"), NodeMXBean.class);
    assertThat(n.getGen()).isEqualTo(12);
    assertThat(n.getStatus()).isEqualTo("beating");
    assertThat(n.isNeedsFull()).isFalse();
    assertThat(n.getLastSeen()).isEqualTo(1764147001.5);
    assertThat(n.getFrozen()).isEqualTo(0.0);
    assertThat(n.getPatchesApplied()).isEqualTo(11);
    assertThat(n.getResyncs()).isEqualTo(1);
    n.askFull();
    assertThat(nodeSource.askFulls).hasValue(1);
    nodeSource.gone = true;
    assertThatThrownBy(n::getGen).isInstanceOf(IllegalStateException.class).hasMessage("unknown node n1");

    StreamsMXBean s = JMX.newMXBeanProxy(server, ObjectNames.STREAMS, StreamsMXBean.class);
    assertThat(s.getSubscribers()).isEqualTo(3);
    assertThat(s.getWaiters()).isEqualTo(4);
    assertThat(s.getSlowConsumerDisconnects()).isEqualTo(5);

    HooksMXBean h = JMX.newMXBeanProxy(server, ObjectNames.HOOKS, HooksMXBean.class);
    assertThat(h.getConfigured()).isEqualTo(2);
    assertThat(h.getRuns()).isEqualTo(4);
    assertThat(h.getFailures()).isEqualTo(1);
    assertThat(h.getTimeouts()).isEqualTo(1);
    h.reload();
  }

  @Test
  void eventsBecomeNotificationsNumberedByEventId() throws Exception {
    BlockingQueue<Notification> got = new LinkedBlockingQueue<>();
    NotificationEmitter e = JMX.newMXBeanProxy(server, ObjectNames.GATEWAY, GatewayMXBean.class, true) instanceof
        NotificationEmitter ne ? ne : null;
    assertThat(e).isNotNull();
    e.addNotificationListener((n, hb) -> got.add(n), null, null);
    gateway.sendEvent("svcgate.event.node_freeze", 17, 1_000, "n1 node_freeze reason=target", "{\"id\":17}");
    Notification n = got.poll(10, TimeUnit.SECONDS);
    assertThat(n).isNotNull();
    assertThat(n.getType()).isEqualTo("svcgate.event.node_freeze");
    assertThat(n.getSequenceNumber()).isEqualTo(17);
    assertThat(n.getTimeStamp()).isEqualTo(1_000);
    assertThat(n.getMessage()).isEqualTo("n1 node_freeze reason=target");
    assertThat(n.getUserData()).isEqualTo("{\"id\":17}");
    assertThat(n.getSource()).isEqualTo(ObjectNames.GATEWAY);
    assertThat(server.getMBeanInfo(ObjectNames.GATEWAY).getNotifications()).isNotEmpty();
  }

  @Test
  void registrationIsIdempotentAndTheLastRegistrationWins() throws Exception {
    ObjectName n2 = ObjectNames.node("n2");
    registry.register(n2, new NodeBean(nodeSource, Duration.ofSeconds(1)));
    registry.register(n2, new NodeBean(nodeSource, Duration.ofSeconds(1)));
    assertThat(server.queryNames(ObjectNames.NODES, null)).containsExactlyInAnyOrder(ObjectNames.node("n1"), n2);
    assertThat(registry.holds(n2)).isTrue();

    // another gateway in the same JVM takes the name over; the first one's stop leaves it alone
    MBeanRegistry other = new MBeanRegistry(server);
    other.register(n2, new NodeBean(new Fakes.Node(), Duration.ofSeconds(1)));
    assertThat(registry.holds(n2)).isFalse();
    assertThat(other.holds(n2)).isTrue();
    registry.unregister(n2);
    assertThat(server.isRegistered(n2)).isTrue();
    other.close();
    assertThat(server.isRegistered(n2)).isFalse();
    other.unregister(n2);

    assertThat(registry.names()).containsExactlyInAnyOrder(ObjectNames.GATEWAY, ObjectNames.EVENT_HISTORY,
        ObjectNames.STREAMS, ObjectNames.HOOKS, ObjectNames.node("n1"));
    registry.close();
    assertThat(server.queryNames(new ObjectName("svcgate:*"), null)).isEmpty();
    assertThat(registry.names()).isEmpty();
  }

  @Test
  void nodeNamesAreQuotedOnlyWhenNeeded() {
    assertThat(ObjectNames.node("n1.example.com").toString()).isEqualTo("svcgate:type=Node,name=n1.example.com");
    ObjectName odd = ObjectNames.node("a,b=c:d*");
    assertThat(odd.getKeyProperty("name")).isEqualTo("\"a,b=c:d\\*\"");
    assertThat(ObjectNames.nodename(odd)).isEqualTo("a,b=c:d*");
    assertThat(ObjectNames.nodename(ObjectNames.node("n1"))).isEqualTo("n1");
    assertThatThrownBy(() -> ObjectNames.node("")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a node name must not be empty");
  }
}
