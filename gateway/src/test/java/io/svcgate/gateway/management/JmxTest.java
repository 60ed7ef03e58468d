package io.svcgate.gateway.management;

import static io.svcgate.gateway.TestGateway.event;
import static io.svcgate.gateway.TestGateway.full;
import static io.svcgate.gateway.TestGateway.nodeData;
import static io.svcgate.gateway.TestGateway.patch;
import static io.svcgate.gateway.TestGateway.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.svcgate.gateway.Awaits;
import io.svcgate.gateway.TestGateway;
import io.svcgate.gateway.config.ConfigKey;
import io.svcgate.jmx.EventHistoryMXBean;
import io.svcgate.jmx.EventItem;
import io.svcgate.jmx.GatewayMXBean;
import io.svcgate.jmx.HooksMXBean;
import io.svcgate.jmx.NodeMXBean;
import io.svcgate.jmx.ObjectNames;
import io.svcgate.jmx.StreamsMXBean;
import io.svcgate.jmx.WaitOutcome;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.Notification;
import javax.management.NotificationListener;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The svcgate MBeans of a real gateway, through MXBean proxies on the platform MBeanServer. */
@Timeout(90)
class JmxTest {

  static final MBeanServer PLATFORM = ManagementFactory.getPlatformMBeanServer();

  @TempDir
  Path dir;
  TestGateway gw;
  GatewayMXBean gateway;

  @BeforeEach
  void start() throws Exception {
    gw = TestGateway.start(dir, Map.of(ConfigKey.WAIT_MAX, "20s"));
    gateway = JMX.newMXBeanProxy(PLATFORM, ObjectNames.GATEWAY, GatewayMXBean.class, true);
  }

  @AfterEach
  void stop() throws Exception {
    gw.close();
    assertThat(PLATFORM.queryNames(new ObjectName("svcgate:*"), null)).as("beans left after stop").isEmpty();
  }

  @Test
  void gatewayAttributesFollowTheIngest() throws Exception {
    assertThat(gateway.getNodeName()).isEqualTo("gw-test");
    assertThat(gateway.getEpoch()).isEqualTo(gw.gateway.history().epoch());
    assertThat(gateway.getVersion()).isNotBlank();
    assertThat(gateway.getStartTime()).isBetween(System.currentTimeMillis() - 120_000, System.currentTimeMillis());
    assertThat(gateway.getUptimeSeconds()).isBetween(0L, 120L);
    long received = gateway.getHeartbeatsReceived();

    long id = gw.ingest(full("n1", 1, nodeData(0)));
    gw.ingest(patch("n1", 2, set(7, "stats")));
    assertThat(gw.post("/api/heartbeats", patch("n1", 9, set(8, "stats"))).statusCode()).isEqualTo(409);

    assertThat(gateway.getLastEventId()).isGreaterThan(id);
    assertThat(gateway.getHeartbeatsReceived()).isEqualTo(received + 3);
    assertThat(gateway.getHeartbeatsRejected()).isEqualTo(1);
    assertThat(gateway.getFullsApplied()).isEqualTo(1);
    assertThat(gateway.getPatchesApplied()).isEqualTo(1);
    assertThat(gateway.getResyncs()).isEqualTo(1);
    assertThat(gateway.getEventsEmitted()).isGreaterThanOrEqualTo(3);
    Awaits.until("NodeCount 1", () -> gateway.getNodeCount() == 1);

    JsonObject status = new JsonObject(gateway.status("monitor.nodes.n1.stats"));
    assertThat(status.getJsonArray("matches").getJsonObject(0).getInteger("value")).isEqualTo(7);
    assertThat(new JsonObject(gateway.status("")).getJsonObject("monitor").getJsonObject("nodes").fieldNames())
        .containsExactly("n1");
    assertThatThrownBy(() -> gateway.status("monitor.nodes[?(@.frozen)]")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[");

    StreamsMXBean streams = JMX.newMXBeanProxy(PLATFORM, ObjectNames.STREAMS, StreamsMXBean.class);
    assertThat(streams.getSubscribers()).isZero();
    assertThat(streams.getWaiters()).isZero();
    assertThat(streams.getSlowConsumerDisconnects()).isZero();
    HooksMXBean hooks = JMX.newMXBeanProxy(PLATFORM, ObjectNames.HOOKS, HooksMXBean.class);
    assertThat(hooks.getConfigured()).isZero();
    assertThat(hooks.getRuns()).isZero();
    hooks.reload();
  }

  @Test
  void waitForIsSatisfiedOrNot() throws Exception {
    gw.ingest(full("n1", 1, nodeData(0)));
    WaitOutcome now = gateway.waitFor("monitor.nodes.n1.frozen=0", "5s");
    assertThat(now.satisfied()).isTrue();

    long t0 = System.nanoTime();
    WaitOutcome no = gateway.waitFor("monitor.nodes.n1.frozen>0", "300ms");
    assertThat(no.satisfied()).isFalse();
    assertThat(no.elapsed()).isGreaterThanOrEqualTo(0.29);
    assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(290));

    CompletableFuture<WaitOutcome> later = CompletableFuture.supplyAsync(
        () -> gateway.waitFor("monitor.nodes.n1.frozen>0", "30s"));
    Awaits.until("the wait is pending", () -> JMX.newMXBeanProxy(PLATFORM, ObjectNames.STREAMS,
        StreamsMXBean.class).getWaiters() == 1);
    long id = gw.ingest(patch("n1", 2, set(1764147721.2, "frozen")));
    WaitOutcome yes = later.get(30, TimeUnit.SECONDS);
    assertThat(yes.satisfied()).isTrue();
    assertThat(yes.id()).isEqualTo(id);

    assertThatThrownBy(() -> gateway.waitFor("monitor.nodes.n1.frozen >>> 0", "1s"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> gateway.waitFor("monitor.nodes.n1.frozen>0", "soon"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void historyPagesThroughJmx() throws Exception {
    long id = gw.ingest(full("n1", 1, nodeData(0)));
    EventHistoryMXBean h = JMX.newMXBeanProxy(PLATFORM, ObjectNames.EVENT_HISTORY, EventHistoryMXBean.class);
    assertThat(h.getLastId()).isEqualTo(id);
    assertThat(h.getSize()).isEqualTo(id);
    assertThat(h.getOldestId()).isEqualTo(1);
    assertThat(h.getCapacity()).isEqualTo(100_000);
    assertThat(h.getRetentionSeconds()).isEqualTo(86_400);

    EventItem[] page = h.eventsAfter(0, 1000);
    assertThat(page).hasSize((int) id);
    assertThat(page[0].kind()).isEqualTo("event");
    assertThat(page[0].eventId()).isEqualTo("monitor_started");
    assertThat(page[0].nodename()).isEqualTo("gw-test");
    assertThat(Arrays.stream(page).filter(e -> e.kind().equals("patch") && e.nodename().equals("n1"))).hasSize(1);
    assertThat(new JsonObject(page[1].json()).getLong("id")).isEqualTo(page[1].id());

    JsonObject json = new JsonObject(h.eventsAfterJson(id - 1, 10));
    assertThat(json.getString("epoch")).isEqualTo(gateway.getEpoch());
    assertThat(json.getLong("last")).isEqualTo(id);
    assertThat(json.getLong("next")).isEqualTo(id);
    assertThat(json.getJsonArray("events")).hasSize(1);
    assertThatThrownBy(() -> h.eventsAfter(id + 5, 10)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("beyond the last event id");
    assertThatThrownBy(() -> h.eventsAfter(0, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit must be between 1 and 10000, got 0");
  }

  @Test
  void nodeBeansComeAndGoWithTheNodes() throws Exception {
    ObjectName n1 = ObjectNames.node("n1");
    assertThat(PLATFORM.isRegistered(n1)).isFalse();
    gw.ingest(full("n1", 4, nodeData(0)));
    Awaits.until("the n1 bean is registered", () -> PLATFORM.isRegistered(n1));

    NodeMXBean node = JMX.newMXBeanProxy(PLATFORM, n1, NodeMXBean.class);
    assertThat(node.getGen()).isEqualTo(4);
    assertThat(node.getStatus()).isEqualTo("beating");
    assertThat(node.isNeedsFull()).isFalse();
    assertThat(node.getFrozen()).isEqualTo(0.0);
    assertThat(node.getLastSeen()).isGreaterThan(1.7e9);
    assertThat(node.getPatchesApplied()).isZero();

    node.askFull();
    // what the operation did is in the bean's very next read
    assertThat(node.isNeedsFull()).isTrue();
    assertThat(node.getResyncs()).isEqualTo(1);
    JsonArray rows = gw.get("/api/nodes").bodyAsJsonArray();
    assertThat(rows.getJsonObject(0).getBoolean("needs_full")).isTrue();

    HttpResponse<Buffer> del = gw.delete("/api/nodes/n1");
    assertThat(del.statusCode()).isEqualTo(200);
    Awaits.until("the n1 bean is unregistered", () -> !PLATFORM.isRegistered(n1));
    assertThat(PLATFORM.queryNames(ObjectNames.NODES, null)).isEmpty();
  }

  @Test
  void nodeEventsBecomeNotificationsNumberedByEventId() throws Exception {
    gw.ingest(full("n1", 1, nodeData(0)));
    BlockingQueue<Notification> got = new LinkedBlockingQueue<>();
    NotificationListener listener = (n, hb) -> got.add(n);
    PLATFORM.addNotificationListener(ObjectNames.GATEWAY, listener, null, null);
    try {
      gw.ingest(patch("n1", 2, set(3, "stats")));
      HttpResponse<Buffer> r = gw.post("/api/events", event("n1", "node_freeze", new JsonObject().put("reason", "target")));
      assertThat(r.statusCode()).isEqualTo(202);
      long id = r.bodyAsJsonObject().getLong("id");

      Notification n = got.poll(30, TimeUnit.SECONDS);
      assertThat(n).as("a notification").isNotNull();
      // the patch before it did not notify (jmx.notify-patches is off)
      assertThat(n.getType()).isEqualTo("svcgate.event.node_freeze");
      assertThat(n.getSequenceNumber()).isEqualTo(id);
      assertThat(n.getMessage()).isEqualTo("n1 node_freeze reason=target");
      assertThat(n.getSource()).isEqualTo(ObjectNames.GATEWAY);
      JsonObject envelope = new JsonObject((String) n.getUserData());
      assertThat(envelope.getLong("id")).isEqualTo(id);
      assertThat(envelope.getString("kind")).isEqualTo("event");
      assertThat(envelope.getJsonObject("data").getString("reason")).isEqualTo("target");
    } finally {
      PLATFORM.removeNotificationListener(ObjectNames.GATEWAY, listener);
    }
  }

  @Test
  void patchesNotifyWhenAsked() throws Exception {
    gw.close();
    gw = TestGateway.start(dir.resolve("second"), Map.of(ConfigKey.JMX_NOTIFY_PATCHES, "true"));
    long fullId = gw.ingest(full("n1", 1, nodeData(0)));
    BlockingQueue<Notification> got = new LinkedBlockingQueue<>();
    NotificationListener listener = (n, hb) -> got.add(n);
    PLATFORM.addNotificationListener(ObjectNames.GATEWAY, listener, null, null);
    try {
      long id = gw.ingest(patch("n1", 2, set(1764147721.2, "frozen")));
      // the node's patch, then the aggregates' own patch (the last id): collect up to it
      java.util.List<Notification> seen = new java.util.ArrayList<>();
      while (seen.isEmpty() || seen.get(seen.size() - 1).getSequenceNumber() < id) {
        Notification n = got.poll(30, TimeUnit.SECONDS);
        assertThat(n).as("notifications up to %d, got %s", id, seen).isNotNull();
        seen.add(n);
      }
      Notification n = seen.stream().filter(x -> x.getSequenceNumber() > fullId)
          .filter(x -> x.getMessage().startsWith("n1 ")).findFirst().orElseThrow();
      assertThat(n.getType()).isEqualTo("svcgate.patch");
      assertThat(new JsonObject((String) n.getUserData()).getString("nodename")).isEqualTo("n1");
      assertThat(n.getMessage()).isEqualTo("n1 patch monitor.nodes.n1.frozen");
      assertThat(seen).allMatch(x -> x.getType().equals("svcgate.patch"));
    } finally {
      PLATFORM.removeNotificationListener(ObjectNames.GATEWAY, listener);
    }
  }
  /**
   * What README.md and docs/jmx.md promise: by default exactly the events of kind
   * {@code event} notify (node events and the gateway's own, in id order), with
   * {@code jmx.notify-patches} every event does.
   */
  @Test
  void byDefaultEveryNodeEventNotifiesAndNoPatch() throws Exception {
    assertThat(notifiedAgainstHistory()).as("kinds notified").containsOnly("event");
  }

  @Test
  void withNotifyPatchesEveryEventNotifies() throws Exception {
    gw.close();
    gw = TestGateway.start(dir.resolve("patches"), Map.of(ConfigKey.JMX_NOTIFY_PATCHES, "true"));
    assertThat(notifiedAgainstHistory()).as("kinds notified").containsOnly("event", "patch");
  }

  /**
   * Makes patches, node events and gateway events (a node forgotten), ends with a node
   * event, and checks that the notifications received are exactly the events of the
   * history the gateway says it notifies, in order; returns the kinds seen.
   */
  private java.util.Set<String> notifiedAgainstHistory() throws Exception {
    boolean patches = Boolean.parseBoolean(gw.gateway.config().string(ConfigKey.JMX_NOTIFY_PATCHES));
    long start = gw.ingest(full("n1", 1, nodeData(0)));
    BlockingQueue<Notification> got = new LinkedBlockingQueue<>();
    NotificationListener listener = (n, hb) -> got.add(n);
    PLATFORM.addNotificationListener(ObjectNames.GATEWAY, listener, null, null);
    try {
      gw.ingest(patch("n1", 2, set(3, "stats")));
      gw.post("/api/events", event("n1", "node_freeze", new JsonObject().put("reason", "target")));
      gw.ingest(full("n2", 1, nodeData(0)));
      assertThat(gw.delete("/api/nodes/n2").statusCode()).isEqualTo(200);
      long end = gw.post("/api/events", event("n1", "node_thaw", null)).bodyAsJsonObject().getLong("id");
      java.util.List<Long> notified = new java.util.ArrayList<>();
      while (notified.isEmpty() || notified.get(notified.size() - 1) < end) {
        Notification n = got.poll(30, TimeUnit.SECONDS);
        assertThat(n).as("notifications up to %d, got %s", end, notified).isNotNull();
        if (n.getSequenceNumber() > start) {
          notified.add(n.getSequenceNumber());
        }
      }
      JsonArray history = gw.get("/api/events?after=" + start).bodyAsJsonObject().getJsonArray("events");
      java.util.List<Long> expected = new java.util.ArrayList<>();
      java.util.Set<String> kinds = new java.util.TreeSet<>();
      for (Object o : history) {
        JsonObject e = (JsonObject) o;
        if (e.getLong("id") <= end && (patches || "event".equals(e.getString("kind")))) {
          expected.add(e.getLong("id"));
          kinds.add(e.getString("kind"));
        }
      }
      assertThat(history.stream().map(o -> (JsonObject) o).filter(e -> "event".equals(e.getString("kind")))
          .map(e -> e.getJsonObject("data").getString("id"))).as("the run made a gateway event too")
          .contains("forget_peer");
      assertThat(notified).isEqualTo(expected);
      return kinds;
    } finally {
      PLATFORM.removeNotificationListener(ObjectNames.GATEWAY, listener);
    }
  }
}
