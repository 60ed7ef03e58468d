package io.svcgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.gateway.cluster.ClusterStatus.Member;
import io.svcgate.gateway.cluster.ClusterStatus.Role;
import io.svcgate.gateway.config.ConfigKey;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/cluster}, {@code PUT /api/cluster/members} and {@code /health} of a
 * cluster member (docs/clustering.md, docs/api.md), through HTTP on a real gateway
 * whose view of its Raft group is a scripted {@link FakeCluster}; and the same routes
 * on a single gateway, which has none.
 */
@Timeout(90)
class ClusterApiTest {

  @TempDir
  Path dir;
  TestGateway gw;
  FakeCluster cluster = new FakeCluster();

  @AfterEach
  void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
  }

  private void start(Map<ConfigKey, String> config) throws Exception {
    gw = TestGateway.startWithCluster(dir, config, cluster);
  }

  private HttpResponse<Buffer> put(String body) throws Exception {
    return call(HttpMethod.PUT, "/api/cluster/members", null, body, "application/json");
  }

  private HttpResponse<Buffer> call(HttpMethod m, String uri, String token, String body, String type) throws Exception {
    var req = gw.client.request(m, uri);
    if (token != null) {
      req.putHeader("Authorization", "Bearer " + token);
    }
    if (body == null) {
      return req.send().await(30, TimeUnit.SECONDS);
    }
    if (type != null) {
      req.putHeader("content-type", type);
    }
    return req.sendBuffer(Buffer.buffer(body)).await(30, TimeUnit.SECONDS);
  }

  private static void assertError(HttpResponse<Buffer> r, int status, String contains) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    assertThat(r.getHeader("content-type")).startsWith("application/json");
    JsonObject o = r.bodyAsJsonObject();
    assertThat(o.getInteger("status")).isEqualTo(status);
    assertThat(o.getString("error")).contains(contains);
  }

  @Test
  void aSingleGatewayHasNoCluster() throws Exception {
    gw = TestGateway.start(dir, Map.of());
    assertError(gw.get("/api/cluster"), 404, "--cluster");
    assertError(put("{\"members\": [\"127.0.0.1:7101\"]}"), 404, "--cluster");
    HttpResponse<Buffer> h = gw.get("/health");
    assertThat(h.statusCode()).isEqualTo(200);
    assertThat(h.bodyAsJsonObject().fieldNames()).containsExactlyInAnyOrder("status", "last_id", "epoch", "version");
  }

  @Test
  void getClusterIsTheMembersView() throws Exception {
    start(Map.of());
    HttpResponse<Buffer> r = gw.get("/api/cluster");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.getHeader("content-type")).startsWith("application/json");
    String epoch = gw.gateway.history().epoch();
    assertThat(r.getHeader("X-Svcgate-Id")).isEqualTo("1842");
    assertThat(r.getHeader("X-Svcgate-Epoch")).isEqualTo(epoch);
    JsonObject expected = new JsonObject().put("name", "svcgate").put("epoch", epoch).put("self", "127.0.0.1:7101")
        .put("role", "leader").put("leader", "127.0.0.1:7101").put("term", 3).put("applied", 1842)
        .put("members", new JsonArray()
            .add(new JsonObject().put("id", "127.0.0.1:7101").put("http", "http://127.0.0.1:1215").put("role", "leader"))
            .add(new JsonObject().put("id", "127.0.0.1:7102").put("http", "http://127.0.0.1:1216").put("role", "follower"))
            .add(new JsonObject().put("id", "127.0.0.1:7103").putNull("http").put("role", "follower")));
    assertThat(r.bodyAsJsonObject()).isEqualTo(expected);

    // during an election: no leader, role candidate; the answer follows at once
    cluster.leader = null;
    cluster.role = Role.CANDIDATE;
    cluster.term = 4;
    JsonObject o = gw.get("/api/cluster").bodyAsJsonObject();
    assertThat(o.containsKey("leader")).isTrue();
    assertThat(o.getValue("leader")).isNull();
    assertThat(o.getString("role")).isEqualTo("candidate");
    assertThat(o.getLong("term")).isEqualTo(4);
  }

  @Test
  void healthIsUpOnlyWithALeaderAndEverythingApplied() throws Exception {
    start(Map.of());
    HttpResponse<Buffer> up = gw.get("/health");
    assertThat(up.statusCode()).isEqualTo(200);
    JsonObject u = up.bodyAsJsonObject();
    assertThat(u.getString("status")).isEqualTo("UP");
    assertThat(u.getString("epoch")).isEqualTo(gw.gateway.history().epoch());
    assertThat(u.containsKey("last_id")).isTrue();
    assertThat(u.containsKey("version")).isTrue();
    assertThat(u.getJsonObject("cluster")).isEqualTo(new JsonObject().put("role", "leader").put("leader", "127.0.0.1:7101"));
    assertThat(u.containsKey("reason")).isFalse();

    cluster.role = Role.FOLLOWER;
    cluster.leader = null;
    cluster.unhealthy = "no leader known (an election, or no majority reachable)";
    HttpResponse<Buffer> down = gw.get("/health");
    assertThat(down.statusCode()).isEqualTo(503);
    JsonObject d = down.bodyAsJsonObject();
    assertThat(d.getString("status")).isEqualTo("DOWN");
    assertThat(d.getString("reason")).isEqualTo(cluster.unhealthy);
    assertThat(d.getJsonObject("cluster").getString("role")).isEqualTo("follower");
    assertThat(d.getJsonObject("cluster").getValue("leader")).isNull();
    assertThat(d.containsKey("last_id")).isTrue();

    cluster.leader = "127.0.0.1:7102";
    cluster.unhealthy = null;
    assertThat(gw.get("/health").statusCode()).isEqualTo(200);
  }

  @Test
  void putMembersChangesTheGroupAndAnswersTheNewView() throws Exception {
    start(Map.of());
    HttpResponse<Buffer> r = put("{\"members\": [\"127.0.0.1:7101\", \"127.0.0.1:7102\", \"gw4.example.com:7101\"]}");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(cluster.setMembersCalls).containsExactly(List.of("127.0.0.1:7101", "127.0.0.1:7102", "gw4.example.com:7101"));
    JsonObject o = r.bodyAsJsonObject();
    assertThat(o.getString("self")).isEqualTo("127.0.0.1:7101");
    assertThat(o.getJsonArray("members").stream().map(m -> ((JsonObject) m).getString("id")).toList())
        .containsExactly("127.0.0.1:7101", "127.0.0.1:7102", "gw4.example.com:7101");
    assertThat(o).isEqualTo(gw.get("/api/cluster").bodyAsJsonObject());
    assertThat(r.getHeader("X-Svcgate-Id")).isEqualTo("1842");
  }

  @Test
  void withoutALeaderPutMembersIs503AndNothingIsAsked() throws Exception {
    start(Map.of());
    cluster.leader = null;
    cluster.role = Role.CANDIDATE;
    HttpResponse<Buffer> r = put("{\"members\": [\"127.0.0.1:7101\"]}");
    assertError(r, 503, "no leader");
    assertThat(r.getHeader("Retry-After")).isEqualTo("1");
    assertThat(cluster.setMembersCalls).isEmpty();
  }

  @Test
  void whatTheGroupRefusesIsA400OrA503() throws Exception {
    start(Map.of());
    List<Member> before = cluster.members;
    cluster.onSetMembers = ids -> Future.failedFuture(new IllegalArgumentException("the group refuses 10.0.0.9:7101"));
    assertError(put("{\"members\": [\"10.0.0.9:7101\"]}"), 400, "the group refuses 10.0.0.9:7101");

    cluster.onSetMembers = ids -> Future.failedFuture(new IllegalStateException("reconfiguration in progress"));
    HttpResponse<Buffer> busy = put("{\"members\": [\"127.0.0.1:7101\", \"127.0.0.1:7102\"]}");
    assertError(busy, 503, "reconfiguration in progress");
    assertThat(busy.getHeader("Retry-After")).isEqualTo("1");

    // the leader goes while the change is pending
    Promise<Void> pending = Promise.promise();
    cluster.onSetMembers = ids -> pending.future();
    var answer = gw.client.request(HttpMethod.PUT, "/api/cluster/members").putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer("{\"members\": [\"127.0.0.1:7101\"]}"));
    Awaits.until("the change is asked", () -> cluster.setMembersCalls.size() == 3);
    cluster.leader = null;
    pending.fail(new IllegalStateException("leader stepped down"));
    HttpResponse<Buffer> lost = answer.await(30, TimeUnit.SECONDS);
    assertError(lost, 503, "lost its leader");
    assertThat(cluster.members).isSameAs(before);
  }

  @Test
  void badBodiesAre400And415And413AndNothingIsAsked() throws Exception {
    start(Map.of());
    String[][] cases = {
        {"", "the body is empty"},
        {"{", "not one JSON document"},
        {"[\"127.0.0.1:7101\"]", "must be a JSON object"},
        {"\"127.0.0.1:7101\"", "must be a JSON object"},
        {"null", "must be a JSON object"},
        {"{}", "'members' must be an array"},
        {"{\"members\": \"127.0.0.1:7101\"}", "'members' must be an array"},
        {"{\"members\": null}", "'members' must be an array"},
        {"{\"members\": []}", "1 to 7 members, got 0"},
        {"{\"members\": [\"a:1\",\"b:1\",\"c:1\",\"d:1\",\"e:1\",\"f:1\",\"g:1\",\"h:1\"]}", "1 to 7 members, got 8"},
        {"{\"members\": [\"127.0.0.1:7101\"], \"force\": true}", "unknown field 'force'"},
        {"{\"members\": [\"127.0.0.1:7101\"], \"members\": [\"127.0.0.1:7102\"]}", "not one JSON document"},
        {"{\"members\": [\"127.0.0.1:7101\"]} {}", "not one JSON document"},
        {"{\"members\": [7101]}", "members[0] must be a \"host:port\" string, got number"},
        {"{\"members\": [\"127.0.0.1:7101\", null]}", "members[1] must be a \"host:port\" string, got null"},
        {"{\"members\": [\"127.0.0.1\"]}", "members[0] '127.0.0.1' is not host:port"},
        {"{\"members\": [\"127.0.0.1:0\"]}", "is not host:port"},
        {"{\"members\": [\"127.0.0.1:65536\"]}", "is not host:port"},
        {"{\"members\": [\"127.0.0.1:07101\"]}", "is not host:port"},
        {"{\"members\": [\"127.0.0.1:+7101\"]}", "is not host:port"},
        {"{\"members\": [\"256.0.0.1:7101\"]}", "is not host:port"},
        {"{\"members\": [\" 127.0.0.1:7101\"]}", "is not host:port"},
        {"{\"members\": [\"gw_1:7101\"]}", "is not host:port"},
        {"{\"members\": [\"-gw:7101\"]}", "is not host:port"},
        {"{\"members\": [\"gw..x:7101\"]}", "is not host:port"},
        {"{\"members\": [\"::1:7101\"]}", "is not host:port"},
        {"{\"members\": [\"[::g]:7101\"]}", "is not host:port"},
        {"{\"members\": [\"http://gw1:7101\"]}", "is not host:port"},
        {"{\"members\": [\":7101\"]}", "is not host:port"},
        {"{\"members\": [\"127.0.0.1:7101\", \"127.0.0.1:7101\"]}", "members[1] '127.0.0.1:7101' is listed twice"},
        {"{\"members\": [\"GW1.example.com:7101\", \"gw1.example.com:7101\"]}", "is listed twice"},
    };
    for (String[] c : cases) {
      assertError(put(c[0]), 400, c[1]);
    }
    assertError(call(HttpMethod.PUT, "/api/cluster/members", null, "{\"members\": [\"127.0.0.1:7101\"]}", "text/plain"),
        415, "application/json");
    assertError(call(HttpMethod.PUT, "/api/cluster/members", null, "{\"members\": [\"127.0.0.1:7101\"]}", null),
        415, "application/json");
    assertError(put("{\"members\": [\"" + "a".repeat(20_000) + ":1\"]}"), 413, "16384");
    assertThat(cluster.setMembersCalls).isEmpty();

    // and what is valid passes: IPv6, names, up to seven
    assertThat(put("{\"members\": [\"[::1]:7101\", \"gw-1.example.com:7102\", \"10.1.2.3:1\", \"a:65535\", "
        + "\"b:2\", \"c:3\", \"d:4\"]}").statusCode()).isEqualTo(200);
    assertThat(cluster.setMembersCalls).hasSize(1);
  }

  @Test
  void rolesOfTheClusterRoutes() throws Exception {
    start(Map.of(ConfigKey.AUTH_TOKENS, "rtok:read,itok:ingest,atok:admin", ConfigKey.HTTP_HOST, "127.0.0.1"));
    String body = "{\"members\": [\"127.0.0.1:7101\"]}";
    assertThat(call(HttpMethod.GET, "/api/cluster", null, null, null).statusCode()).isEqualTo(401);
    assertThat(call(HttpMethod.GET, "/api/cluster", "rtok", null, null).statusCode()).isEqualTo(200);
    assertThat(call(HttpMethod.GET, "/api/cluster", "itok", null, null).statusCode()).isEqualTo(403);
    assertThat(call(HttpMethod.GET, "/api/cluster", "atok", null, null).statusCode()).isEqualTo(200);
    assertThat(call(HttpMethod.PUT, "/api/cluster/members", "rtok", body, "application/json").statusCode()).isEqualTo(403);
    assertThat(call(HttpMethod.PUT, "/api/cluster/members", "itok", body, "application/json").statusCode()).isEqualTo(403);
    assertThat(cluster.setMembersCalls).isEmpty();
    assertThat(call(HttpMethod.PUT, "/api/cluster/members", "atok", body, "application/json").statusCode()).isEqualTo(200);
    assertThat(cluster.setMembersCalls).hasSize(1);
  }
}
