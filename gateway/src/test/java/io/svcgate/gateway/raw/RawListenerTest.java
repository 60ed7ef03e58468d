package io.svcgate.gateway.raw;

import static io.svcgate.gateway.TestGateway.full;
import static io.svcgate.gateway.TestGateway.nodeData;
import static io.svcgate.gateway.TestGateway.patch;
import static io.svcgate.gateway.TestGateway.set;
import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.gateway.Awaits;
import io.svcgate.gateway.TestGateway;
import io.svcgate.gateway.config.ConfigKey;
import io.svcgate.jmx.ObjectNames;
import io.svcgate.jmx.RawListenerMXBean;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.management.JMX;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The raw listener through the protocol, as OpenSVC's {@code om} and nodes use it (docs/opensvc.md). */
@Timeout(90)
class RawListenerTest {

  static final String SECRET = "0123456789abcdef0123456789abcdef";
  static final String RELAY_SECRET = "relay-secret-of-24-bytes";

  @TempDir
  Path dir;
  TestGateway gw;
  RawClient om;
  RawClient node;

  @BeforeEach
  void start() throws Exception {
    gw = TestGateway.start(dir, Map.of(ConfigKey.RAW_PORT, "0", ConfigKey.RAW_HOST, "127.0.0.1",
        ConfigKey.CLUSTER_SECRET, SECRET, ConfigKey.RELAY_SECRET, RELAY_SECRET,
        ConfigKey.RAW_READ_TIMEOUT, "500ms", ConfigKey.RAW_MAX_FRAME, "1048576", ConfigKey.WAIT_MAX, "5s"));
    om = new RawClient(gw.gateway.rawPort(), "test", "n1", RawClient.clusterKey(SECRET));
    node = om.as("join", "n1", RELAY_SECRET.getBytes(StandardCharsets.UTF_8));
    gw.ingest(full("n1", 1, nodeData(0)));
  }

  @AfterEach
  void stop() throws Exception {
    gw.close();
  }

  double rejected(String reason) {
    var c = gw.gateway.metrics().registry().find("svcgate.raw.rejected").tag("reason", reason).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void daemonStatusIsTheBareDocument() throws Exception {
    JsonObject r = om.request("daemon_status", "GET", new JsonObject().put("refresh", false)
        .put("selector", (String) null).put("namespace", (String) null));
    assertThat(r.containsKey("status")).isFalse();
    assertThat(r.getJsonObject("cluster").getString("name")).isEqualTo("test");
    assertThat(r.getJsonObject("monitor").getJsonObject("nodes").getJsonObject("n1").getDouble("frozen")).isZero();
    assertThat(r.getJsonObject("monitor").getJsonObject("services")).isNotNull();
    JsonObject env = r.getJsonObject("_envelope");
    assertThat(env.getString("clustername")).isEqualTo("test");
    assertThat(env.getString("nodename")).isEqualTo("gw-test");
    // what om's --filter reads, client side, is in the document the HTTP side serves
    assertThat(gw.get("/api/daemon/status?filter=monitor.nodes.n1.frozen").bodyAsJsonObject()
        .getJsonArray("matches").getJsonObject(0).getDouble("value")).isZero();
    // old clients send no method, and a leading / is ignored
    JsonObject old = om.request(new JsonObject().put("action", "/daemon_status").encode());
    assertThat(old.getJsonObject("cluster").getString("name")).isEqualTo("test");
  }

  @Test
  void eventsStreamLiveAndWithFull() throws Exception {
    try (RawClient.Stream plain = om.events(false); RawClient.Stream withFull = om.events(true)) {
      JsonObject first = withFull.next();
      assertThat(first.getString("kind")).isEqualTo("full");
      assertThat(first.getJsonObject("data").getJsonObject("monitor").getJsonObject("nodes").containsKey("n1")).isTrue();
      long fullId = first.getLong("id");
      Awaits.until("both streams subscribed", () -> gw.gateway.metrics().registry()
          .find("svcgate.raw.event.streams").gauge().value() == 2);
      long id = gw.ingest(patch("n1", 2, set(1764147721.2, "frozen")));
      for (RawClient.Stream s : new RawClient.Stream[] {plain, withFull}) {
        JsonObject e = s.next();
        assertThat(e.getString("kind")).isEqualTo("patch");
        assertThat(e.getLong("id")).isLessThanOrEqualTo(id).isGreaterThan(fullId);
        assertThat(e.getString("nodename")).isEqualTo("n1");
        assertThat(e.getJsonArray("data").getJsonArray(0).getJsonArray(0).getList())
            .containsExactly("monitor", "nodes", "n1", "frozen");
      }
      gw.ingest(TestGateway.event("n1", "node_freeze", new JsonObject().put("reason", "target")));
      JsonObject ev = plain.next();
      while (ev.getLong("id") <= id) {
        ev = plain.next();
      }
      assertThat(ev.getString("kind")).isEqualTo("event");
      assertThat(ev.getJsonObject("data").getString("id")).isEqualTo("node_freeze");
    }
    Awaits.until("the streams are gone", () -> gw.gateway.metrics().registry()
        .find("svcgate.raw.event.streams").gauge().value() == 0);
  }

  @Test
  void waitSatisfiedByAPatchByAnEventTimedOutAndBad() throws Exception {
    JsonObject now = om.request("wait", "GET", new JsonObject().put("condition", "monitor.nodes.n1.frozen=0").put("duration", 10));
    assertThat(now.getInteger("status")).isZero();
    assertThat(now.getJsonObject("data").getBoolean("satisfied")).isTrue();
    assertThat(now.getJsonObject("data").getInteger("duration")).isEqualTo(10);

    CompletableFuture<JsonObject> later = CompletableFuture.supplyAsync(() -> call(om, "wait",
        new JsonObject().put("condition", "monitor.nodes.n1.frozen>0").put("duration", 10)));
    Awaits.until("the wait is registered", () -> gw.gateway.metrics().waiters() >= 1);
    long id = gw.ingest(patch("n1", 2, set(1764147721.2, "frozen")));
    JsonObject r = later.get(30, TimeUnit.SECONDS);
    assertThat(r.getInteger("status")).isZero();
    assertThat(r.getJsonObject("data").getBoolean("satisfied")).isTrue();
    assertThat(r.getJsonObject("data").getLong("id")).isEqualTo(id);

    CompletableFuture<JsonObject> onEvent = CompletableFuture.supplyAsync(() -> call(om, "wait",
        new JsonObject().put("condition", "data.id=node_freeze").put("duration", 10)));
    Awaits.until("the event wait is registered", () -> gw.gateway.metrics().waiters() >= 1);
    long evId = gw.ingest(TestGateway.event("n1", "node_freeze", null));
    JsonObject e = onEvent.get(30, TimeUnit.SECONDS);
    assertThat(e.getJsonObject("data").getBoolean("satisfied")).isTrue();
    assertThat(e.getJsonObject("data").getLong("id")).isEqualTo(evId);
    Awaits.until("the state wait of the event wait is cancelled", () -> gw.gateway.metrics().waiters() == 0);

    JsonObject timeout = om.request("wait", "GET", new JsonObject().put("condition", "monitor.nodes.n1.frozen=42")
        .put("duration", 1));
    assertThat(timeout.getInteger("status")).isEqualTo(1);
    assertThat(timeout.getJsonObject("data").getBoolean("satisfied")).isFalse();
    assertThat(timeout.getJsonObject("data").getDouble("elapsed")).isGreaterThanOrEqualTo(1.0);

    JsonObject bad = om.request("wait", "GET", new JsonObject().put("condition", "monitor.nodes[?(@.x)]").put("duration", 1));
    assertThat(bad.getInteger("status")).isEqualTo(501);
    assertThat(bad.getString("error")).contains("bad condition");

    JsonObject empty = om.request("wait", "GET", new JsonObject().put("condition", "").put("duration", 1));
    assertThat(empty.getJsonObject("data").getBoolean("satisfied")).isTrue();
  }

  static JsonObject call(RawClient c, String action, JsonObject options) {
    try {
      return c.request(action, "GET", options);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void relayRoundTrips() throws Exception {
    String msg = "{\"clustername\": \"other\", \"nodename\": \"x1\", \"iv\": \"AAECAwQFBgcICQoLDA0ODw==\", \"data\": \"AAAAAAAAAAAAAAAAAAAAAA==\"}";
    JsonObject tx = node.request("relay_tx", "POST", new JsonObject().put("cluster_name", "other")
        .put("cluster_id", "c-1").put("msg", msg));
    assertThat(tx.getInteger("status")).isZero();
    assertThat(tx.getJsonObject("_envelope").getString("clustername")).isEqualTo("test");

    JsonObject rx = node.as("join", "n2", node.key).request("relay_rx", "GET",
        new JsonObject().put("slot", "n1").put("cluster_id", "c-1"));
    assertThat(rx.getInteger("status")).isZero();
    assertThat(rx.getString("data")).isEqualTo(msg);
    double updated = rx.getDouble("updated");
    assertThat(node.request("relay_rx", "GET", new JsonObject().put("slot", "n1").put("cluster_id", "c-1"))
        .getDouble("updated")).as("unchanged slot, same updated").isEqualTo(updated);

    node.request("relay_tx", "POST", new JsonObject().put("cluster_name", "other").put("cluster_id", "c-1").put("msg", msg));
    assertThat(node.request("relay_rx", "GET", new JsonObject().put("slot", "n1").put("cluster_id", "c-1"))
        .getDouble("updated")).as("every relay_tx changes updated").isGreaterThan(updated);

    JsonObject none = node.request("relay_rx", "GET", new JsonObject().put("slot", "n9").put("cluster_id", "c-1"));
    assertThat(none.getInteger("status")).isEqualTo(1);
    assertThat(none.getString("error")).isEqualTo("no data");

    JsonObject st = node.request(new JsonObject().put("action", "daemon_relay_status").put("method", "GET").encode());
    assertThat(st.getJsonObject("c-1/n1").getString("cluster_name")).isEqualTo("other");
    assertThat(st.getJsonObject("c-1/n1").getInteger("size")).isEqualTo(msg.length());
    // a foreign cluster's message is stored, never read
    Awaits.until("the relayed message is counted", () -> counter("svcgate.raw.relay.messages", "result", "other_cluster") == 2);
  }

  double counter(String name, String tag, String value) {
    var c = gw.gateway.metrics().registry().find(name).tag(tag, value).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void refusalsAreCountedAndAnsweredWith401() throws Exception {
    // an unknown cluster name: 401, encrypted with the cluster secret
    JsonObject other = om.as("other", "n1", om.key).request("daemon_status", "GET", null);
    assertThat(other.getInteger("status")).isEqualTo(401);
    assertThat(rejected("unknown_cluster")).isEqualTo(1);

    // a wrong secret: the reply cannot be read with it, only with the cluster's
    RawClient wrong = om.as("test", "n1", RawClient.clusterKey("fedcba9876543210fedcba9876543210"));
    byte[] reply = wrong.exchange(wrong.frame("{\"action\": \"daemon_status\", \"method\": \"GET\"}"));
    assertThat(RawClient.decryptReply(reply, wrong.key)).isNull();
    assertThat(RawClient.decryptReply(reply, om.key).getInteger("status")).isEqualTo(401);
    assertThat(rejected("decrypt")).isEqualTo(1);
    assertThat(gw.gateway.metrics().rawDecryptFailures()).isEqualTo(1);

    // not an envelope
    byte[] junk = om.exchange("not json\0".getBytes(StandardCharsets.UTF_8));
    assertThat(RawClient.decryptReply(junk, om.key).getInteger("status")).isEqualTo(401);
    assertThat(rejected("bad_frame")).isEqualTo(1);

    // an unknown handler, a wrong method
    assertThat(om.request("blacklist_clear", "POST", null).getInteger("status")).isEqualTo(501);
    assertThat(om.request("daemon_status", "POST", null).getInteger("status")).isEqualTo(501);
    assertThat(om.request("[1]").getInteger("status")).isEqualTo(400);
    // the right secret around something that is not JSON: a bad request, not a decrypt failure
    assertThat(om.request("not json").getInteger("status")).isEqualTo(400);
    assertThat(rejected("bad_request")).isEqualTo(2);
    assertThat(rejected("decrypt")).isEqualTo(1);

    // closed before the NUL; silent past raw.read-timeout; over raw.max-frame
    try (Socket s = om.connect()) {
      s.getOutputStream().write("{\"clustername\": \"test\"".getBytes(StandardCharsets.UTF_8));
      s.shutdownOutput();
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
    Awaits.until("truncated counted", () -> rejected("truncated") == 1);
    try (Socket s = om.connect()) {
      s.getOutputStream().write("{\"clustername\"".getBytes(StandardCharsets.UTF_8));
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
    Awaits.until("timeout counted", () -> rejected("timeout") == 1);
    try (Socket s = om.connect()) {
      OutputStream out = s.getOutputStream();
      byte[] chunk = new byte[64 * 1024];
      java.util.Arrays.fill(chunk, (byte) 'a');
      try {
        for (int i = 0; i < 40; i++) {
          out.write(chunk);
        }
      } catch (java.io.IOException closed) {
        // the gateway closed the connection while it was being written: what we want
      }
    }
    Awaits.until("too_large counted", () -> rejected("too_large") == 1);
    assertThat(om.request("daemon_status", "GET", null).getJsonObject("cluster")).isNotNull();
  }

  @Test
  void blacklistAfterSixFailuresExpiresOnlyByTimeOrJmx() throws Exception {
    RawClient wrong = om.as("test", "n1", RawClient.clusterKey("fedcba9876543210fedcba9876543210"));
    for (int i = 0; i < 6; i++) {
      wrong.exchange(wrong.frame("{\"action\": \"daemon_status\"}"));
    }
    assertThat(rejected("decrypt")).isEqualTo(6);
    // the 7th request from 127.0.0.1 is refused unread, even with the right secret
    assertThat(om.request("daemon_status", "GET", null).getInteger("status")).isEqualTo(401);
    assertThat(rejected("blacklisted")).isEqualTo(1);
    assertThat(rejected("decrypt")).isEqualTo(6);

    RawListenerMXBean bean = JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(), ObjectNames.RAW_LISTENER,
        RawListenerMXBean.class);
    assertThat(bean.getPort()).isEqualTo(gw.gateway.rawPort());
    assertThat(bean.getBlacklisted()).isEqualTo(1);
    assertThat(bean.getDecryptFailures()).isEqualTo(6);
    assertThat(bean.clearBlacklist()).isEqualTo(1);
    assertThat(bean.getBlacklisted()).isZero();
    assertThat(om.request("daemon_status", "GET", null).getJsonObject("cluster")).isNotNull();
    assertThat(bean.getRequests()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void metricsAreExposed() throws Exception {
    om.request("daemon_status", "GET", null);
    String text = gw.get("/metrics").bodyAsString();
    assertThat(text).contains("svcgate_raw_requests_total{action=\"daemon_status\"} 1.0")
        .contains("svcgate_raw_connections_accepted_total")
        .contains("svcgate_raw_connections ")
        .contains("svcgate_raw_relay_slots ")
        .contains("svcgate_raw_blacklisted ");
  }
}
