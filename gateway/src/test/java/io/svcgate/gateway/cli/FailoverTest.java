package io.svcgate.gateway.cli;

import static io.svcgate.gateway.TestGateway.event;
import static io.svcgate.gateway.TestGateway.full;
import static io.svcgate.gateway.TestGateway.patch;
import static io.svcgate.gateway.TestGateway.set;
import static io.svcgate.gateway.cli.Fixtures.node;
import static io.svcgate.gateway.cli.Fixtures.url;
import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.gateway.Awaits;
import io.svcgate.gateway.TestGateway;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code --server} list of several gateways (docs/cli.md, "Several gateways"):
 * two real, independent gateways on loopback, dead addresses, stand-in members
 * that answer 503 or record what they are asked ({@link Member}), through the real
 * command line.
 */
@Timeout(120)
class FailoverTest {

  @TempDir
  Path dir;
  TestGateway a;
  TestGateway b;
  final List<AutoCloseable> closing = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    a = TestGateway.start(Files.createDirectories(dir.resolve("a")), Map.of());
    b = TestGateway.start(Files.createDirectories(dir.resolve("b")), Map.of());
    a.ingest(full("nuc-cva", 1, node(0)));
    b.ingest(full("nuc-cva", 1, node(0)));
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
    if (a != null) {
      a.close();
    }
    b.close();
  }

  private Member member(Member m) {
    closing.add(m);
    return m;
  }

  private static String dead() throws Exception {
    return "http://127.0.0.1:" + Fixtures.deadPort();
  }

  @Test
  void aDeadFirstMemberIsSkippedByEveryCommand() throws Exception {
    String servers = dead() + "," + url(b);
    Cli.Result status = Cli.run("daemon", "status", "--filter", "monitor.nodes.nuc-cva.frozen", "--server", servers);
    assertThat(status.code()).as(status.err()).isZero();
    assertThat(status.out()).isEqualTo("0\n");
    assertThat(status.err()).as("one-shot commands fail over silently").isEmpty();

    Cli.Result summary = Cli.run("daemon", "status", "--server", servers);
    assertThat(summary.code()).as(summary.err()).isZero();
    assertThat(summary.out()).startsWith("cluster test, gateway gw-test, at event ");

    Cli.Result ls = Cli.run("node", "ls", "--format", "json", "--server", servers);
    assertThat(ls.code()).as(ls.err()).isZero();
    assertThat(ls.out()).contains("\"nodename\" : \"nuc-cva\"");

    Cli.Result wait = Cli.run("node", "wait", "--filter", "monitor.nodes.nuc-cva.frozen=0", "--duration", "20s",
        "--server", servers);
    assertThat(wait.code()).as(wait.err()).isZero();

    Cli.Result events = Cli.run("node", "events", "--after", "0", "--limit", "1", "--format", "json",
        "--server", servers);
    assertThat(events.code()).as(events.err()).isZero();
    assertThat(new JsonObject(events.out().strip()).getLong("id")).isEqualTo(1L);
    assertThat(events.err()).contains("failing over to " + url(b)).contains("connected to " + url(b));

    Cli.Running fromNow = Cli.start("node", "events", "--limit", "1", "--format", "json", "--server", servers);
    Awaits.until("the stream is open", () -> b.gateway.metrics().subscribers() >= 1);
    long before = b.get("/health").bodyAsJsonObject().getLong("last_id");
    b.ingest(patch("nuc-cva", 2, set(1764147721.2, "frozen")));
    Cli.Result r = fromNow.await();
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(new JsonObject(r.out().strip()).getLong("id")).as("from now, on the live member").isEqualTo(before + 1);
  }

  @Test
  void noMemberAnsweringExitsThreeSayingWhatEachDid() throws Exception {
    String d1 = dead();
    String d2 = dead();
    String expected = "om: no gateway of --server answered: " + d1 + ": connection refused; " + d2
        + ": connection refused\n";
    for (String[] cmd : new String[][] {
        {"daemon", "status"},
        {"node", "ls"},
        {"node", "wait", "--filter", "monitor.nodes.nuc-cva.frozen=0", "--duration", "5s"},
        {"node", "events", "--after", "0"},
        {"node", "events"},
        {"cluster", "status"}}) {
      Cli.Result r = Cli.run(with(cmd, "--server", d1 + "," + d2));
      assertThat(r.code()).as(String.join(" ", cmd) + ": " + r.err()).isEqualTo(3);
      assertThat(r.err()).as(String.join(" ", cmd)).endsWith(expected);
    }
  }

  @Test
  void aMemberAnswering503IsSkipped() throws Exception {
    Member busy = member(Member.answering(503, "1", "{\"error\":\"no quorum\",\"status\":503}"));
    String servers = busy.url() + "," + url(b);
    Cli.Result status = Cli.run("daemon", "status", "--filter", "monitor.nodes.nuc-cva.frozen", "--server", servers);
    assertThat(status.code()).as(status.err()).isZero();
    assertThat(status.out()).isEqualTo("0\n");
    assertThat(busy.on("/api/daemon/status")).hasSize(1);

    Cli.Result wait = Cli.run("node", "wait", "--filter", "monitor.nodes.nuc-cva.frozen=0", "--duration", "20s",
        "-v", "--server", servers);
    assertThat(wait.code()).as(wait.err()).isZero();
    assertThat(wait.err()).contains("om: " + busy.url() + ": not ready: no quorum (HTTP 503); trying " + url(b));
    assertThat(busy.on("/api/wait")).hasSize(1);

    Cli.Result events = Cli.run("node", "events", "--after", "0", "--limit", "1", "--server", servers);
    assertThat(events.code()).as(events.err()).isZero();
    assertThat(busy.on("/api/events/stream")).hasSize(1);

    Cli.Running fromNow = Cli.start("node", "events", "--limit", "1", "--format", "json", "--server", servers);
    Awaits.until("the stream is open", () -> b.gateway.metrics().subscribers() >= 1);
    long before = b.get("/health").bodyAsJsonObject().getLong("last_id");
    b.ingest(patch("nuc-cva", 2, set(1764147721.2, "frozen")));
    Cli.Result r = fromNow.await();
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(new JsonObject(r.out().strip()).getLong("id")).isEqualTo(before + 1);
    assertThat(busy.on("/health")).as("from now: the last id asked of the busy member first").hasSize(1);
  }

  @Test
  void membersThatAllAnswer503AreAskedForAtMostThreeRounds() throws Exception {
    Member one = member(Member.answering(503, "0", "{\"error\":\"no leader\",\"status\":503}"));
    Member two = member(Member.answering(503, null, "{\"error\":\"starting\",\"status\":503}"));
    Cli.Result r = Cli.run("daemon", "status", "--server", one.url() + "," + two.url());
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err()).isEqualTo("om: no gateway of --server answered: " + one.url()
        + ": not ready: no leader (HTTP 503); " + two.url() + ": not ready: starting (HTTP 503)\n");
    assertThat(one.on("/api/daemon/status")).as("three rounds").hasSize(3);
    assertThat(two.on("/api/daemon/status")).as("three rounds").hasSize(3);

    Cli.Result alone = Cli.run("node", "ls", "--server", one.url());
    assertThat(alone.code()).isEqualTo(3);
    assertThat(alone.err()).isEqualTo("om: the gateway is not ready: no leader (HTTP 503)\n");
    assertThat(one.on("/api/nodes")).as("one member: three rounds too").hasSize(3);

    Cli.Result events = Cli.run("node", "events", "--after", "0", "--server", one.url() + "," + dead());
    assertThat(events.code()).isEqualTo(3);
    assertThat(one.on("/api/events/stream")).as("three rounds").hasSize(3);
  }

  @Test
  void eventsFollowingAStoppedMemberGoOnAtTheNextWithTheCursor() throws Exception {
    Member next = member(Member.proxy(b.port()));
    a.post("/api/events", event("nuc-cva", "instance_freeze", new JsonObject().put("path", "ns1/svc/web")));
    JsonObject health = a.get("/health").bodyAsJsonObject();
    long last = health.getLong("last_id");
    String epoch = health.getString("epoch");
    String first = url(a);
    Cli.Running ev = Cli.start("node", "events", "--after", "0", "--format", "json",
        "--server", first + "," + next.url());
    Awaits.until("the events of the first member", () -> ev.out().lines().count() == last);

    a.close();
    a = null;
    Awaits.until("the stream asked of the next member", () -> !next.on("/api/events/stream").isEmpty());
    Member.Seen resumed = next.on("/api/events/stream").get(0);
    assertThat(resumed.param("after")).as("the same cursor").isEqualTo(Long.toString(last));
    assertThat(resumed.headers().get("X-Svcgate-Epoch")).as("and the same epoch").isEqualTo(epoch);
    // Two independent gateways: the second answers that it keeps another history (410,
    // another epoch), and the command goes on after its latest event rather than replaying it.
    Awaits.until("the command follows the next member", () -> ev.err().contains("reconnected to " + next.url()));
    Matcher m = Pattern.compile("om: " + Pattern.quote(next.url()) + " keeps another history than "
        + Pattern.quote(first) + " \\(epoch [^)]+\\), where id " + last
        + " means another event; going on after its latest event, (\\d+)\n").matcher(ev.err());
    assertThat(m.find()).as(ev.err()).isTrue();
    long latest = Long.parseLong(m.group(1));
    assertThat(next.on("/api/events/stream").get(1).param("after")).isEqualTo(Long.toString(latest));
    long frozen = b.ingest(patch("nuc-cva", 2, set(1764147721.2, "frozen")));
    Awaits.until("the change on the next member is printed", () -> ev.out().contains("{\"id\":" + frozen + ","));
    assertThat(Interrupts.interrupt()).isTrue();

    Cli.Result r = ev.await();
    assertThat(r.code()).as(r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    List<Long> ids = lines.stream().map(l -> new JsonObject(l).getLong("id")).toList();
    List<Long> expected = new ArrayList<>();
    for (long i = 1; i <= last; i++) {
      expected.add(i);
    }
    assertThat(ids.subList(0, (int) last)).isEqualTo(expected);
    List<Long> then = ids.subList((int) last, ids.size());
    assertThat(then).as("the next member's events after its latest, in order, each once").isSorted()
        .doesNotHaveDuplicates().allMatch(id -> id > latest).contains(frozen);
    assertThat(new HashSet<>(lines)).as("no event printed twice").hasSize(lines.size());
  }

  @Test
  void aWaitThatFailsOverAsksForTheTimeLeft() throws Exception {
    Member first = member(Member.proxy(a.port()));
    Member second = member(Member.proxy(b.port()));
    Cli.Running wait = Cli.start("node", "wait", "--filter", "monitor.nodes.nuc-cva.frozen>0", "--duration", "60s",
        "--verbose", "--server", first.url() + "," + second.url());
    Awaits.until("the wait held by the first member", () -> !first.on("/api/wait").isEmpty());

    a.close();
    a = null;
    Awaits.until("the wait asked of the second member", () -> !second.on("/api/wait").isEmpty());
    b.ingest(patch("nuc-cva", 2, set(1764147721.2, "frozen")));
    Cli.Result r = wait.await();
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("elapsed ");
    assertThat(r.err()).contains("; trying " + second.url());

    long asked = millis(first.on("/api/wait").get(0).param("duration"));
    long askedAgain = millis(second.on("/api/wait").get(0).param("duration"));
    assertThat(asked).isBetween(1L, 60_000L);
    assertThat(askedAgain).as("the time left, less than first asked").isPositive().isLessThan(asked);
    assertThat(second.on("/api/wait").get(0).param("filter")).isEqualTo("monitor.nodes.nuc-cva.frozen>0");
  }

  private static long millis(String duration) {
    assertThat(duration).endsWith("ms");
    return Long.parseLong(duration.substring(0, duration.length() - 2));
  }

  @Test
  void everyItemOfTheListIsChecked() throws Exception {
    String live = url(b);
    Map<String, String> cases = Map.of(
        live + ",,http://127.0.0.1:2", "om: --server: empty item (item 2 of 3 in '" + live + ",,http://127.0.0.1:2')",
        live + ",", "om: --server: empty item (item 2 of 2 in '" + live + ",')",
        live + ",127.0.0.1:1215", "om: --server: expected a URL such as http://127.0.0.1:1215, got '127.0.0.1:1215'"
            + " (item 2 of 2 in '" + live + ",127.0.0.1:1215')",
        live + ", ftp://x", "om: --server: expected a URL such as http://127.0.0.1:1215, got 'ftp://x' (item 2 of 2",
        live + "," + live + "/", "om: --server: " + live + " is listed twice (item 2 of 2");
    for (String[] cmd : new String[][] {
        {"daemon", "status"},
        {"node", "ls"},
        {"node", "wait", "--filter", "a=1"},
        {"node", "events"},
        {"cluster", "status"},
        {"cluster", "members", "127.0.0.1:7101"}}) {
      cases.forEach((servers, message) -> {
        Cli.Result r = Cli.run(with(cmd, "--server", servers));
        assertThat(r.code()).as(String.join(" ", cmd) + " --server " + servers).isEqualTo(2);
        assertThat(r.err()).as(String.join(" ", cmd) + " --server " + servers).startsWith(message);
      });
    }
  }

  @Test
  void retryAfterIsReadBounded() {
    assertThat(GatewayClient.retryAfterMs("2")).isEqualTo(2_000);
    assertThat(GatewayClient.retryAfterMs(" 0 ")).isZero();
    assertThat(GatewayClient.retryAfterMs("3600")).as("at most 5 s").isEqualTo(GatewayClient.MAX_RETRY_AFTER_MS);
    assertThat(GatewayClient.retryAfterMs("Wed, 21 Oct 2015 07:28:00 GMT")).as("a date past").isZero();
    assertThat(GatewayClient.retryAfterMs("Fri, 31 Dec 2100 23:59:59 GMT")).isEqualTo(GatewayClient.MAX_RETRY_AFTER_MS);
    assertThat(GatewayClient.retryAfterMs("-1")).isEqualTo(-1);
    assertThat(GatewayClient.retryAfterMs("soon")).isEqualTo(-1);
    assertThat(GatewayClient.retryAfterMs(null)).isEqualTo(-1);
  }

  private static String[] with(String[] cmd, String... more) {
    String[] all = new String[cmd.length + more.length];
    System.arraycopy(cmd, 0, all, 0, cmd.length);
    System.arraycopy(more, 0, all, cmd.length, more.length);
    return all;
  }
}
