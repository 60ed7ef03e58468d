package io.svcgate.gateway.cli;

import static io.svcgate.gateway.cli.Fixtures.url;
import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.gateway.Awaits;
import io.svcgate.gateway.FakeCluster;
import io.svcgate.gateway.TestGateway;
import io.svcgate.gateway.config.ConfigKey;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cluster status} and {@code cluster members}, and {@code node events} between
 * members that share one history. These are client tests: the members are small
 * Vert.x HTTP servers in the test ({@link Member}) that answer {@code GET /api/cluster},
 * {@code PUT /api/cluster/members} and {@code /api/events/stream} the way
 * docs/clustering.md says a clustered gateway does, so that the command line is
 * checked on its own; a real non-clustered gateway gives the 404, and a real gateway
 * whose view of its group is scripted ({@link FakeCluster}) checks that the command
 * and the gateway's own routes agree.
 */
@Timeout(90)
class ClusterCommandTest {

  static final String EPOCH = "5e0c1f7a-7d0e-4c2b-9a51-3f2f0b1c9d11";

  @TempDir
  Path dir;
  final List<AutoCloseable> closing = new ArrayList<>();
  /** The bodies of the PUT /api/cluster/members requests the fake member got. */
  final List<String> puts = new CopyOnWriteArrayList<>();
  Member fake;

  static JsonObject cluster(List<String> members) {
    JsonArray list = new JsonArray();
    for (int i = 0; i < members.size(); i++) {
      list.add(new JsonObject().put("id", members.get(i)).put("http", "http://127.0.0.1:" + (1215 + i))
          .put("role", i == 0 ? "leader" : "follower"));
    }
    return new JsonObject().put("name", "svcgate").put("epoch", EPOCH).put("self", "127.0.0.1:7101")
        .put("role", "leader").put("leader", "127.0.0.1:7101").put("term", 3).put("applied", 1842)
        .put("members", list);
  }

  /** Answers as a clustered gateway's leader whose admin token is {@code adm}. */
  private void answer(HttpServerRequest req) {
    if (req.path().equals("/api/cluster") && req.method().name().equals("GET")) {
      json(req, 200, cluster(List.of("127.0.0.1:7101", "127.0.0.1:7102", "127.0.0.1:7103")));
    } else if (req.path().equals("/api/cluster/members") && req.method().name().equals("PUT")) {
      req.body().onSuccess(body -> {
        puts.add(body.toString());
        if (!"Bearer adm".equals(req.getHeader("Authorization"))) {
          json(req, 403, new JsonObject().put("error", "this token's role is read; admin is needed").put("status", 403));
          return;
        }
        List<String> members = new ArrayList<>();
        body.toJsonObject().getJsonArray("members").forEach(m -> members.add((String) m));
        json(req, 200, cluster(members));
      });
    } else {
      json(req, 404, new JsonObject().put("error", "not found").put("status", 404));
    }
  }

  private static void json(HttpServerRequest req, int status, JsonObject body) {
    req.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  @BeforeEach
  void start() throws Exception {
    fake = member(Member.handling(this::answer));
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  private Member member(Member m) {
    closing.add(m);
    return m;
  }

  @Test
  void statusPrintsTheMembersAsATable() {
    Cli.Result r = Cli.run("cluster", "status", "--server", fake.url());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("""
        cluster svcgate, term 3, leader 127.0.0.1:7101
        answered by 127.0.0.1:7101 (leader), applied 1842, epoch 5e0c1f7a-7d0e-4c2b-9a51-3f2f0b1c9d11

        MEMBER          ROLE      HTTP
        127.0.0.1:7101  leader    http://127.0.0.1:1215
        127.0.0.1:7102  follower  http://127.0.0.1:1216
        127.0.0.1:7103  follower  http://127.0.0.1:1217
        """);
    assertThat(fake.on("/api/cluster")).hasSize(1);
  }

  @Test
  void statusAsJsonIsTheDocument() throws Exception {
    Cli.Result r = Cli.run("cluster", "status", "--format", "json", "--server",
        "http://127.0.0.1:" + Fixtures.deadPort() + "," + fake.url());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(new JsonObject(r.out())).isEqualTo(cluster(List.of("127.0.0.1:7101", "127.0.0.1:7102", "127.0.0.1:7103")));
  }

  @Test
  void aGatewayThatRunsAloneSaysSo() throws Exception {
    try (TestGateway alone = TestGateway.start(dir, Map.of())) {
      for (String[] cmd : new String[][] {{"cluster", "status"}, {"cluster", "members", "127.0.0.1:7101"}}) {
        Cli.Result r = Cli.run(cmd[0], cmd[1], cmd.length > 2 ? cmd[2] : "--format=human", "--server", url(alone));
        assertThat(r.code()).as(String.join(" ", cmd)).isEqualTo(3);
        assertThat(r.err()).as(String.join(" ", cmd)).isEqualTo("om: the gateway at " + url(alone)
            + " does not run as a cluster (HTTP 404 on /api/cluster); start its members with serve --cluster, "
            + "or point --server at one\n");
      }
    }
  }

  @Test
  void membersSendsTheListAndPrintsTheAnswer() {
    Cli.Result r = Cli.run("cluster", "members", "127.0.0.1:7101,127.0.0.1:7102", "node3.example:7103",
        "--token", "adm", "--server", fake.url());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(puts).containsExactly("{\"members\":[\"127.0.0.1:7101\",\"127.0.0.1:7102\",\"node3.example:7103\"]}");
    Member.Seen put = fake.on("/api/cluster/members").get(0);
    assertThat(put.method()).isEqualTo("PUT");
    assertThat(put.headers().get("Content-Type")).isEqualTo("application/json");
    assertThat(r.out()).contains("MEMBER              ROLE      HTTP\n")
        .contains("node3.example:7103  follower  http://127.0.0.1:1217\n");

    Cli.Result json = Cli.run("cluster", "members", "[::1]:7101", "--format", "json", "--token", "adm",
        "--server", fake.url());
    assertThat(json.code()).as(json.err()).isZero();
    assertThat(new JsonObject(json.out())).isEqualTo(cluster(List.of("[::1]:7101")));
  }

  @Test
  void membersNeedsTheAdminRole() {
    Cli.Result r = Cli.run("cluster", "members", "127.0.0.1:7101", "--token", "reader", "--server", fake.url());
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err()).isEqualTo("om: the gateway refused the request: this token's role is read; admin is needed "
        + "(HTTP 403)\n");
  }

  @Test
  void badMembersAreUsageErrorsAndSendNothing() {
    Map<String, String> cases = Map.of(
        "7101", "om: members: expected host:port (a Raft address such as 127.0.0.1:7101), got '7101'",
        "h:0", "om: members: expected host:port (a Raft address such as 127.0.0.1:7101), got 'h:0'",
        "h:65536", "om: members: expected host:port (a Raft address such as 127.0.0.1:7101), got 'h:65536'",
        "http://h:1", "om: members: expected host:port (a Raft address such as 127.0.0.1:7101), got 'http://h:1'",
        "h:1,,h:2", "om: members: empty item in 'h:1,,h:2'",
        "h:1,H:1", "om: members: H:1 is listed twice");
    cases.forEach((arg, message) -> {
      Cli.Result r = Cli.run("cluster", "members", arg, "--token", "adm", "--server", fake.url());
      assertThat(r.code()).as(arg).isEqualTo(2);
      assertThat(r.err()).as(arg).startsWith(message);
    });
    Cli.Result none = Cli.run("cluster", "members", "--server", fake.url());
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).startsWith("om: Missing required parameter: 'H:P[,H:P…]'");
    Cli.Result group = Cli.run("cluster");
    assertThat(group.code()).isEqualTo(2);
    assertThat(group.err()).startsWith("om: missing command");
    assertThat(fake.seen).isEmpty();
  }

  @Test
  void againstTheGatewaysOwnClusterRoutes() throws Exception {
    // The real routes of a gateway whose view of its Raft group is scripted (FakeCluster):
    // the command and the server agree on the document, the body, the roles and the 503.
    FakeCluster group = new FakeCluster();
    try (TestGateway gw = TestGateway.startWithCluster(dir, Map.of(ConfigKey.AUTH_TOKENS, "r:read,adm:admin",
        ConfigKey.HTTP_HOST, "127.0.0.1"), group)) {
      Cli.Result status = Cli.run("cluster", "status", "--token", "r", "--server", url(gw));
      assertThat(status.code()).as(status.err()).isZero();
      assertThat(status.out()).startsWith("cluster svcgate, term 3, leader 127.0.0.1:7101\n"
          + "answered by 127.0.0.1:7101 (leader), applied 1842, epoch ")
          .contains("127.0.0.1:7102  follower  http://127.0.0.1:1216\n", "127.0.0.1:7103  follower  -\n");

      Cli.Result reader = Cli.run("cluster", "members", "127.0.0.1:7101", "--token", "r", "--server", url(gw));
      assertThat(reader.code()).isEqualTo(3);
      assertThat(group.setMembersCalls).isEmpty();

      Cli.Result set = Cli.run("cluster", "members", "127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7104", "--token", "adm",
          "--server", url(gw));
      assertThat(set.code()).as(set.err()).isZero();
      assertThat(group.setMembersCalls).containsExactly(List.of("127.0.0.1:7101", "127.0.0.1:7102", "127.0.0.1:7104"));
      assertThat(set.out()).contains("127.0.0.1:7104  follower  -\n");

      Cli.Result tooMany = Cli.run("cluster", "members", "h:1,h:2,h:3,h:4,h:5,h:6,h:7,h:8", "--token", "adm",
          "--server", url(gw));
      assertThat(tooMany.code()).as("the gateway's 400").isEqualTo(2);
      assertThat(tooMany.err()).isEqualTo("om: 'members' must list 1 to 7 members, got 8\n");

      group.leader = null;
      Cli.Result noLeader = Cli.run("cluster", "members", "127.0.0.1:7101", "--token", "adm",
          "--server", url(gw) + "," + fake.url());
      assertThat(noLeader.code()).as("503 without a leader: the next member is asked").isZero();
      assertThat(puts).hasSize(1);
    }
  }

  /** An ndjson stream of the events with these ids, as a member of one history sends it, then its end. */
  private static void stream(HttpServerRequest req, long... ids) {
    StringBuilder b = new StringBuilder();
    for (long id : ids) {
      b.append(new JsonObject().put("id", id).put("ts", 1795689871.355).put("nodename", "n1").put("kind", "event")
          .put("data", new JsonObject().put("id", "e" + id)).encode()).append('\n');
    }
    req.response().setStatusCode(200).putHeader("Content-Type", "application/x-ndjson")
        .putHeader("X-Svcgate-Epoch", EPOCH).end(b.toString());
  }

  @Test
  void eventsGoOnAtAnotherMemberOfTheSameHistoryWithoutRepeats() throws Exception {
    // The first member sends 1..3 and goes away; the second, asked for what follows 3,
    // sends 2..5 (as a member that replays a little too much would): 2 and 3 are not repeated.
    Member one = member(Member.handling(req -> stream(req, 1, 2, 3)));
    Member two = member(Member.handling(req -> stream(req, 2, 3, 4, 5)));
    Cli.Running ev = Cli.start("node", "events", "--after", "0", "--limit", "5", "--format", "json",
        "--server", one.url() + "," + two.url());
    Cli.Result r = ev.await();
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out().lines().map(l -> new JsonObject(l).getLong("id")).toList()).containsExactly(1L, 2L, 3L, 4L, 5L);
    Awaits.until("the second member was asked", () -> !two.on("/api/events/stream").isEmpty());
    Member.Seen resumed = two.on("/api/events/stream").get(0);
    assertThat(resumed.param("after")).isEqualTo("3");
    assertThat(resumed.headers().get("X-Svcgate-Epoch")).isEqualTo(EPOCH);
    assertThat(r.err()).contains("om: the gateway closed the stream (" + one.url() + "); failing over to " + two.url()
        + ", resuming after id 3\n", "om: reconnected to " + two.url() + ", resuming after id 3\n");
  }
}
