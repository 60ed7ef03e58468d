package io.svcgate.gateway.raw;

import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.gateway.Awaits;
import io.svcgate.gateway.TestGateway;
import io.svcgate.gateway.config.ConfigKey;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that uses the gateway as its relay heartbeat, as OpenSVC nodes send it: the
 * outer request as {@code join} with the relay secret, the heartbeat inside encrypted
 * with the cluster secret. What it relays shows in the state, the history and an
 * {@code events} stream, with nothing but the relay configured on the node.
 */
@Timeout(90)
class RelayEndToEndTest {

  static final String SECRET = "6f1c2a9e8d7b4c3a9e8d7b4c3a2f1e0d";
  static final String RELAY_SECRET = "relaysecret16byt";
  static final String CLUSTER_ID = "6e2d8d0c-0000-4000-8000-00000000c1d0";

  @TempDir
  Path dir;
  TestGateway gw;
  RawClient om;

  @BeforeEach
  void start() throws Exception {
    gw = TestGateway.start(dir, Map.of(ConfigKey.RAW_PORT, "0", ConfigKey.RAW_HOST, "127.0.0.1",
        ConfigKey.CLUSTER_NAME, "demo", ConfigKey.CLUSTER_SECRET, SECRET, ConfigKey.RELAY_SECRET, RELAY_SECRET));
    om = new RawClient(gw.gateway.rawPort(), "demo", "om-user", RawClient.clusterKey(SECRET));
  }

  @AfterEach
  void stop() throws Exception {
    gw.close();
  }

  /** One relay_tx from {@code node} carrying {@code payload} as OpenSVC's heartbeat sender writes it. */
  void relay(String node, JsonObject payload) throws Exception {
    String inner = RawClient.envelope("demo", node, RawClient.clusterKey(SECRET), iv(), payload.encode());
    RawClient sender = om.as("join", node, RELAY_SECRET.getBytes(StandardCharsets.UTF_8));
    JsonObject r = sender.request("relay_tx", "POST", new JsonObject().put("cluster_name", "demo")
        .put("cluster_id", CLUSTER_ID).put("msg", inner));
    assertThat(r.getInteger("status")).isZero();
  }

  static byte[] iv() {
    byte[] iv = new byte[16];
    new java.security.SecureRandom().nextBytes(iv);
    return iv;
  }

  double relayed(String result) {
    var c = gw.gateway.metrics().registry().find("svcgate.raw.relay.messages").tag("result", result).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void relayedFullThenPatchesReachStateHistoryAndStreams() throws Exception {
    try (RawClient.Stream stream = om.events(false)) {
      Awaits.until("the stream is subscribed", () -> gw.gateway.metrics().registry()
          .find("svcgate.raw.event.streams").gauge().value() == 1);

      // a ping first (no peer has merged anything yet), then a full: no kind, the node data itself
      relay("n1", new JsonObject().put("kind", "ping").put("compat", 10).put("gen", new JsonObject().put("n1", 1))
          .put("monitor", new JsonObject().put("status", "idle")).put("updated", 1795683842.82));
      JsonObject data = new JsonObject().put("frozen", 0).put("agent", "2.1-1804").put("compat", 10)
          .put("gen", new JsonObject().put("n1", 1)).put("updated", 1795680000.1)
          .put("monitor", new JsonObject().put("status", "idle").put("status_updated", 1795680000.0))
          .put("services", new JsonObject().put("config", new JsonObject()).put("status", new JsonObject()));
      relay("n1", data);
      // the same full again (OpenSVC repeats it every interval): skipped by the sequencing rules
      relay("n1", data);
      // patches: each repeats the generations its peers have not merged yet
      relay("n1", new JsonObject().put("kind", "patch").put("gen", new JsonObject().put("n1", 2))
          .put("deltas", new JsonObject().put("2", new JsonArray().add(new JsonArray()
              .add(new JsonArray().add("frozen")).add(1795680000.5)))).put("updated", 1795683842.83));
      relay("n1", new JsonObject().put("kind", "patch").put("gen", new JsonObject().put("n1", 3))
          .put("deltas", new JsonObject()
              .put("2", new JsonArray().add(new JsonArray().add(new JsonArray().add("frozen")).add(1795680000.5)))
              .put("3", new JsonArray().add(new JsonArray()
                  .add(new JsonArray().add("monitor").add("status")).add("thawing"))))
          .put("updated", 1795683842.84));
      Awaits.until("five relayed messages accepted", () -> relayed("accepted") == 5);

      JsonObject n1 = gw.get("/api/daemon/status?filter=monitor.nodes.n1").bodyAsJsonObject()
          .getJsonArray("matches").getJsonObject(0).getJsonObject("value");
      assertThat(n1.getDouble("frozen")).isEqualTo(1795680000.5);
      assertThat(n1.getJsonObject("monitor").getString("status")).isEqualTo("thawing");
      assertThat(n1.getString("agent")).isEqualTo("2.1-1804");

      JsonObject nodes = gw.get("/api/nodes").bodyAsJsonArray().getJsonObject(0);
      assertThat(nodes.getString("nodename")).isEqualTo("n1");
      assertThat(nodes.getLong("gen")).isEqualTo(3);

      List<JsonArray> history = new ArrayList<>();
      for (Object o : gw.get("/api/events?after=0").bodyAsJsonObject().getJsonArray("events")) {
        JsonObject e = (JsonObject) o;
        if ("n1".equals(e.getString("nodename")) && "patch".equals(e.getString("kind"))) {
          history.add(e.getJsonArray("data"));
        }
      }
      assertThat(history.toString()).contains("[\"monitor\",\"nodes\",\"n1\",\"frozen\"],1.7956800005E9")
          .contains("[\"monitor\",\"nodes\",\"n1\",\"monitor\",\"status\"],\"thawing\"");

      // the raw events stream saw the same patches
      boolean sawFrozen = false;
      boolean sawThawing = false;
      while (!(sawFrozen && sawThawing)) {
        JsonObject e = stream.next();
        String d = String.valueOf(e.getValue("data"));
        sawFrozen |= d.contains("\"frozen\"]") && d.contains("1.7956800005E9") && "n1".equals(e.getString("nodename"));
        sawThawing |= d.contains("thawing");
      }
    }
    // and the other nodes can read n1's slot back, as relayed
    RawClient peer = om.as("join", "n2", RELAY_SECRET.getBytes(StandardCharsets.UTF_8));
    JsonObject rx = peer.request("relay_rx", "GET", new JsonObject().put("slot", "n1").put("cluster_id", CLUSTER_ID));
    assertThat(rx.getInteger("status")).isZero();
    JsonObject inner = RawClient.open(RawClient.clusterKey(SECRET), rx.getString("data").getBytes(StandardCharsets.UTF_8));
    assertThat(inner.getString("kind")).isEqualTo("patch");
    assertThat(inner.getJsonObject("_envelope").getString("nodename")).isEqualTo("n1");
  }

  @Test
  void aRelayedMessageThatDoesNotDecryptIsStoredButNotIngested() throws Exception {
    String inner = RawClient.envelope("demo", "n1", RawClient.clusterKey("another-cluster-secret-of-32-byt"), iv(),
        "{\"kind\": \"ping\", \"gen\": {\"n1\": 1}, \"monitor\": {}}");
    RawClient sender = om.as("join", "n1", RELAY_SECRET.getBytes(StandardCharsets.UTF_8));
    assertThat(sender.request("relay_tx", "POST", new JsonObject().put("cluster_name", "demo")
        .put("cluster_id", CLUSTER_ID).put("msg", inner)).getInteger("status")).isZero();
    Awaits.until("counted as undecryptable", () -> relayed("undecryptable") == 1);
    assertThat(gw.get("/api/nodes").bodyAsJsonArray()).isEmpty();
    assertThat(sender.request("relay_rx", "GET", new JsonObject().put("slot", "n1").put("cluster_id", CLUSTER_ID))
        .getString("data")).isEqualTo(inner);
    // an inner decrypt failure is not the sender's transport fault: no blacklist
    assertThat(gw.gateway.metrics().registry().find("svcgate.raw.decrypt.failures").tag("layer", "relay").counter().count())
        .isEqualTo(1);
    assertThat(om.request("daemon_status", "GET", null).getJsonObject("cluster").getString("name")).isEqualTo("demo");
  }

  @Test
  void aRelayedMessageIsHeldToTheConfiguredIngestBounds() throws Exception {
    gw.close();
    gw = TestGateway.start(dir, Map.of(ConfigKey.RAW_PORT, "0", ConfigKey.RAW_HOST, "127.0.0.1",
        ConfigKey.CLUSTER_NAME, "demo", ConfigKey.CLUSTER_SECRET, SECRET, ConfigKey.RELAY_SECRET, RELAY_SECRET,
        ConfigKey.INGEST_MAX_KEYS, "50"));
    om = new RawClient(gw.gateway.rawPort(), "demo", "om-user", RawClient.clusterKey(SECRET));
    JsonObject services = new JsonObject();
    for (int i = 0; i < 60; i++) {
      services.put("svc" + i, new JsonObject().put("avail", "up"));
    }
    // a full of about 70 keys: within the built-in bound, over this gateway's ingest.max-keys
    relay("n1", new JsonObject().put("frozen", 0).put("gen", new JsonObject().put("n1", 1))
        .put("services", new JsonObject().put("status", services)));
    Awaits.until("refused as invalid", () -> relayed("invalid") == 1);
    assertThat(relayed("accepted")).isZero();
    assertThat(gw.get("/api/nodes").bodyAsJsonArray()).isEmpty();
    // a full within the bound still goes in
    relay("n1", new JsonObject().put("frozen", 0).put("gen", new JsonObject().put("n1", 1)));
    Awaits.until("accepted", () -> relayed("accepted") == 1);
  }
}
