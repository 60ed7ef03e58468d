package io.svcgate.gateway;

import io.svcgate.gateway.config.ConfigKey;
import io.svcgate.gateway.config.GatewayConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real gateway on a random loopback port and a WebClient talking to it, as a user
 * would. Blocking helpers are for the JUnit thread only.
 */
public final class TestGateway implements AutoCloseable {

  public final Gateway gateway;
  public final Vertx clientVertx;
  public final WebClient client;

  private TestGateway(Gateway gateway) {
    this.gateway = gateway;
    this.clientVertx = Vertx.vertx();
    this.client = WebClient.create(clientVertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(gateway.httpPort()).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(512));
  }

  /** Starts a gateway with test defaults and the given overrides. */
  public static TestGateway start(Path dataDir, Map<ConfigKey, String> overrides) throws Exception {
    return startWithCluster(dataDir, overrides, null);
  }

  /**
   * Starts a single gateway (no Raft) that shows {@code cluster} as its view of a Raft
   * group, through the test seam of {@link Gateway}: for the tests of what reads it.
   */
  public static TestGateway startWithCluster(Path dataDir, Map<ConfigKey, String> overrides,
                                             io.svcgate.gateway.cluster.ClusterStatus cluster) throws Exception {
    GatewayConfig.Builder b = GatewayConfig.builder()
        .set(ConfigKey.HTTP_PORT, "0")
        .set(ConfigKey.NODENAME, "gw-test")
        .set(ConfigKey.CLUSTER_NAME, "test")
        .set(ConfigKey.DATA, dataDir.toString())
        .set(ConfigKey.HOOKS_FILE, dataDir.resolve("no-hooks.conf").toString());
    overrides.forEach(b::set);
    Gateway g = Gateway.start(b.build(), io.svcgate.gateway.history.History::open, cluster)
        .await(60, TimeUnit.SECONDS);
    return new TestGateway(g);
  }

  public int port() {
    return gateway.httpPort();
  }

  public HttpResponse<Buffer> get(String uri) throws Exception {
    return client.request(HttpMethod.GET, uri).send().await(30, TimeUnit.SECONDS);
  }

  public HttpResponse<Buffer> post(String uri, Object body) throws Exception {
    Buffer b = body instanceof Buffer buf ? buf
        : body instanceof JsonObject j ? j.toBuffer()
        : body instanceof JsonArray a ? a.toBuffer()
        : Buffer.buffer(body.toString());
    return client.request(HttpMethod.POST, uri).putHeader("content-type", "application/json")
        .sendBuffer(b).await(30, TimeUnit.SECONDS);
  }

  public HttpResponse<Buffer> delete(String uri) throws Exception {
    return client.request(HttpMethod.DELETE, uri).send().await(30, TimeUnit.SECONDS);
  }

  /** POSTs a heartbeat and expects 202; returns the last event id. */
  public long ingest(JsonObject message) throws Exception {
    HttpResponse<Buffer> r = post("/api/heartbeats", message);
    if (r.statusCode() != 202) {
      throw new AssertionError("expected 202, got " + r.statusCode() + " " + r.bodyAsString());
    }
    return r.bodyAsJsonObject().getLong("id");
  }

  /** A full heartbeat of {@code data} at generation {@code gen}. */
  public static JsonObject full(String node, long gen, JsonObject data) {
    return new JsonObject().put("nodename", node).put("kind", "full")
        .put("gen", new JsonObject().put(node, gen)).put("data", data);
  }

  /** A patch heartbeat of one generation. */
  public static JsonObject patch(String node, long gen, JsonArray... stanzas) {
    JsonArray list = new JsonArray();
    for (JsonArray s : stanzas) {
      list.add(s);
    }
    return new JsonObject().put("nodename", node).put("kind", "patch")
        .put("gen", new JsonObject().put(node, gen)).put("deltas", new JsonObject().put(Long.toString(gen), list));
  }

  /** A set stanza. */
  public static JsonArray set(Object value, Object... path) {
    return new JsonArray().add(new JsonArray(java.util.Arrays.asList(path))).add(value);
  }

  /** A node event message. */
  public static JsonObject event(String node, String id, JsonObject extra) {
    JsonObject data = new JsonObject().put("id", id);
    if (extra != null) {
      data.mergeIn(extra);
    }
    return new JsonObject().put("nodename", node).put("kind", "event").put("data", data);
  }

  /** Node data in the layout of docs/model.md §1. */
  public static JsonObject nodeData(double frozen) {
    return new JsonObject()
        .put("agent", "2.1-1804").put("compat", 10).put("frozen", frozen)
        .put("monitor", new JsonObject().put("status", "idle"))
        .put("services", new JsonObject()
            .put("config", new JsonObject().put("ns1/svc/web", new JsonObject().put("csum", "95b8")))
            .put("status", new JsonObject().put("ns1/svc/web", new JsonObject()
                .put("avail", "up").put("overall", "up").put("frozen", 0).put("topology", "failover")
                .put("updated", 1764147001.0)
                .put("resources", new JsonObject().put("fs#1", new JsonObject().put("status", "up"))))));
  }

  @Override
  public void close() throws Exception {
    client.close();
    clientVertx.close().await(30, TimeUnit.SECONDS);
    gateway.stop().await(60, TimeUnit.SECONDS);
  }
}
