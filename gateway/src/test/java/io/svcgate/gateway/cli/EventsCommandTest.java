package io.svcgate.gateway.cli;

import static io.svcgate.gateway.TestGateway.event;
import static io.svcgate.gateway.TestGateway.full;
import static io.svcgate.gateway.TestGateway.patch;
import static io.svcgate.gateway.TestGateway.set;
import static io.svcgate.gateway.cli.Fixtures.node;
import static io.svcgate.gateway.cli.Fixtures.url;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.svcgate.gateway.Awaits;
import io.svcgate.gateway.TestGateway;
import io.svcgate.gateway.config.ConfigKey;
import io.svcgate.state.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code om node events} against a real gateway: formats, filters, stops, reconnection, gone. */
@Timeout(90)
class EventsCommandTest {

  @TempDir
  Path dir;
  TestGateway gw;

  @AfterEach
  void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
  }

  private void start(Map<ConfigKey, String> config) throws Exception {
    gw = TestGateway.start(dir, config);
    gw.ingest(full("nuc-cva", 1, node(0)));
  }

  private String[] events(String... args) {
    String[] all = new String[args.length + 4];
    all[0] = "node";
    all[1] = "events";
    System.arraycopy(args, 0, all, 2, args.length);
    all[args.length + 2] = "--server";
    all[args.length + 3] = url(gw);
    return all;
  }

  /** A delete stanza. */
  private static JsonArray delete(Object... path) {
    return new JsonArray().add(new JsonArray(List.of(path)));
  }

  /** Freezes nuc-cva and deletes a resource, then posts a node event; returns the last id before. */
  private long freezeAndEvent() throws Exception {
    long before = gw.get("/health").bodyAsJsonObject().getLong("last_id");
    gw.ingest(patch("nuc-cva", 2, set(1764147721.2, "frozen"),
        delete("services", "status", "ns1/svc/web", "resources", "fs#1")));
    gw.post("/api/events", event("nuc-cva", "instance_freeze", new JsonObject()
        .put("reason", "target").put("path", "ns1/svc/web").put("rid", "fs#1")));
    return before;
  }

  /** The envelopes the history holds after {@code after}. */
  private List<JsonNode> history(long after) throws Exception {
    JsonNode page = Json.parse(gw.get("/api/events?after=" + after).bodyAsString());
    List<JsonNode> out = new ArrayList<>();
    page.path("events").forEach(out::add);
    return out;
  }

  private int historyStatus(String uri) {
    try {
      return gw.get(uri).statusCode();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static String localTime(JsonNode envelope) {
    long micros = envelope.get("ts").decimalValue().movePointRight(6).longValueExact();
    Instant t = Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1000);
    return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").format(LocalDateTime.ofInstant(t, ZoneId.systemDefault()));
  }

  @Test
  void humanFormat() throws Exception {
    start(Map.of());
    long before = freezeAndEvent();
    Cli.Result r = Cli.run(events("--after", Long.toString(before), "--filter", "nodename=nuc-cva", "--limit", "2"));
    List<JsonNode> h = history(before);
    JsonNode patch = h.stream().filter(e -> e.path("kind").asText().equals("patch")).findFirst().orElseThrow();
    JsonNode event = h.stream().filter(e -> e.path("kind").asText().equals("event")).findFirst().orElseThrow();
    assertThat(r.code()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).isEqualTo(""
        + localTime(patch) + " nuc-cva patch\n"
        + "  monitor.nodes.nuc-cva.frozen => 1764147721.2\n"
        + "  monitor.nodes.nuc-cva.services.status.'ns1/svc/web'.resources.'fs#1' deleted\n"
        + localTime(event) + " nuc-cva event\n"
        + "  ID=instance_freeze\n"
        + "  REASON=target\n"
        + "  PATH=ns1/svc/web\n"
        + "  RID=fs#1\n");
  }

  @Test
  void jsonFormatIsOneEnvelopePerLine() throws Exception {
    start(Map.of());
    long before = freezeAndEvent();
    List<JsonNode> h = history(before);
    Cli.Result r = Cli.run(events("--format", "json", "--after", Long.toString(before), "--limit", Integer.toString(h.size())));
    assertThat(r.code()).isZero();
    List<JsonNode> printed = new ArrayList<>();
    for (String line : r.out().split("\n")) {
      printed.add(Json.parse(line));
    }
    assertThat(printed).isEqualTo(h);
    assertThat(r.out()).contains("1764147721.2").doesNotContain("E9");
  }

  @Test
  void limitStopsAfterNEvents() throws Exception {
    start(Map.of());
    freezeAndEvent();
    Cli.Result r = Cli.run(events("--format", "json", "--after", "0", "--limit", "2"));
    assertThat(r.code()).isZero();
    assertThat(r.out().lines().map(l -> new JsonObject(l).getLong("id"))).containsExactly(1L, 2L);
  }

  @Test
  void kindAndFilterSelectEvents() throws Exception {
    start(Map.of());
    freezeAndEvent();
    Cli.Result r = Cli.run(events("--after", "0", "--kind", "event", "--filter", "data.id=instance_freeze",
        "--limit", "1"));
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains(" nuc-cva event\n  ID=instance_freeze\n").doesNotContain("patch");
  }

  @Test
  void durationEndsCleanlyAndBookmarksAreNotPrinted() throws Exception {
    start(Map.of(ConfigKey.STREAM_BOOKMARK, "100ms"));
    Cli.Result r = Cli.run(events("--format", "json", "--duration", "1s"));
    assertThat(r.code()).isZero();
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEmpty();
    assertThat(r.seconds()).isGreaterThanOrEqualTo(1.0);
  }

  @Test
  void fromNowUntilCtrlC() throws Exception {
    start(Map.of());
    Cli.Running ev = Cli.start(events());
    Awaits.until("the stream is open", () -> gw.gateway.metrics().subscribers() >= 1);
    freezeAndEvent();
    Awaits.until("the event is printed", () -> ev.out().contains("ID=instance_freeze"));
    assertThat(Interrupts.interrupt()).isTrue();
    Cli.Result r = ev.await();
    assertThat(r.code()).isZero();
    assertThat(r.err()).isEmpty();
    // From now: the full ingested before the command started is not shown.
    assertThat(r.out()).doesNotContain("monitor.nodes.nuc-cva =>").contains("monitor.nodes.nuc-cva.frozen => 1764147721.2");
    Awaits.until("the stream is closed", () -> gw.gateway.metrics().subscribers() == 0);
  }

  @Test
  void fullFirstPrintsTheStateAsLeaves() throws Exception {
    start(Map.of());
    Cli.Running ev = Cli.start(events("--full"));
    Awaits.until("the state is printed", () -> ev.out().contains("monitor.nodes.nuc-cva.frozen => 0\n"));
    gw.ingest(patch("nuc-cva", 2, set(1764147721.2, "frozen")));
    Awaits.until("the change is printed", () -> ev.out().contains("monitor.nodes.nuc-cva.frozen => 1764147721.2\n"));
    assertThat(Interrupts.interrupt()).isTrue();
    Cli.Result r = ev.await();
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains(" gw-test full\n")
        .contains("  monitor.nodes.nuc-cva.services.status.'ns1/svc/web'.resources.'fs#1'.status => up\n")
        .contains("  cluster.name => test\n");
  }

  @Test
  void resumesAfterTheGatewayRestartsWithoutLossOrRepeat() throws Exception {
    start(Map.of());
    int port = gw.port();
    Cli.Running ev = Cli.start(events("--format", "json", "--after", "0"));
    long last = gw.ingest(patch("nuc-cva", 2, set(1, "frozen")));
    Awaits.until("event " + last + " printed", () -> ev.out().contains("\"id\":" + last + ","));
    gw.close();
    gw = null;
    Awaits.until("the client notices", () -> ev.err().contains("reconnecting"));
    gw = TestGateway.start(dir, Map.of(ConfigKey.HTTP_PORT, Integer.toString(port)));
    long after = gw.ingest(patch("nuc-cva", 3, set(2, "frozen")));
    Awaits.until("event " + after + " printed", () -> ev.out().contains("\"id\":" + after + ","));
    assertThat(Interrupts.interrupt()).isTrue();
    Cli.Result r = ev.await();
    assertThat(r.code()).isZero();
    List<Long> ids = r.out().lines().map(l -> new JsonObject(l).getLong("id")).toList();
    List<Long> expected = new ArrayList<>();
    for (long i = 1; i <= after; i++) {
      expected.add(i);
    }
    assertThat(ids).as("every id once, in order, across the restart").isEqualTo(expected);
    assertThat(r.err()).contains("reconnected to " + "http://127.0.0.1:" + port).doesNotContain("gone");
  }

  @Test
  void goneSaysSoAndGoesOnFromTheOldestKept() throws Exception {
    start(Map.of(ConfigKey.HISTORY_MAX_EVENTS, "5", ConfigKey.HISTORY_SNAPSHOT_EVERY, "2"));
    for (int g = 2; g <= 20; g++) {
      gw.ingest(patch("nuc-cva", g, set(g, "frozen")));
    }
    Awaits.until("old events are dropped", () -> {
      gw.gateway.history().retainNow();
      return historyStatus("/api/events?after=1") == 410;
    });
    long oldest = gw.get("/api/events?after=1").bodyAsJsonObject().getLong("oldest");
    Cli.Result r = Cli.run(events("--format", "json", "--after", "1", "--limit", "2"));
    assertThat(r.code()).isZero();
    assertThat(r.err()).startsWith("om: events after 1 are gone").contains("; going on from event ");
    assertThat(r.err().lines()).hasSize(1);
    long first = new JsonObject(r.out().lines().findFirst().orElseThrow()).getLong("id");
    assertThat(first).isGreaterThanOrEqualTo(oldest);
  }

  @Test
  void slowConsumerGoneResumesFromLastWithoutLossOrRepeat() throws Exception {
    start(Map.of(ConfigKey.STREAM_BUFFER_EVENTS, "4", ConfigKey.STREAM_STALL_TIMEOUT, "1s"));
    CountDownLatch terminal = new CountDownLatch(1);
    Cli.Running ev = Cli.startBlocked(terminal, events("--format", "json"));
    Awaits.until("the stream is open", () -> gw.gateway.metrics().subscribers() >= 1);
    String big = "x".repeat(256 * 1024);
    long first = 0;
    int gen = 1;
    // Up to 25 MB while the terminal is stuck: more than the socket buffers and the client's window hold.
    while (gen < 100 && gw.gateway.metrics().slowConsumerDisconnects() == 0) {
      gen++;
      long id = gw.ingest(patch("nuc-cva", gen, set(big + gen, "big")));
      first = first == 0 ? id : first;
    }
    Awaits.until("the gateway ends the slow stream", () -> gw.gateway.metrics().slowConsumerDisconnects() >= 1);
    long end = gw.ingest(patch("nuc-cva", gen + 1, set(1, "frozen")));
    terminal.countDown();
    Awaits.until("event " + end + " printed", () -> ev.out().contains("\"id\":" + end + ","));
    assertThat(Interrupts.interrupt()).isTrue();
    Cli.Result r = ev.await();
    assertThat(r.code()).isZero();
    assertThat(r.err()).contains("the gateway ended the stream because this client read too slowly; resuming after id ");
    List<Long> ids = r.out().lines().map(l -> new JsonObject(l).getLong("id")).toList();
    List<Long> expected = new ArrayList<>();
    for (long i = first; i <= end; i++) {
      expected.add(i);
    }
    assertThat(ids).as("every id once, in order").isEqualTo(expected);
  }

  @Test
  void badArguments() throws Exception {
    int dead = Fixtures.deadPort();
    String server = "http://127.0.0.1:" + dead;
    Map<String, String[]> cases = new HashMap<>();
    cases.put("om: bad condition 'data.id=='", new String[] {"--filter", "data.id=="});
    cases.put("om: --kind: expected patch or event, got 'full'", new String[] {"--kind", "full"});
    cases.put("om: --duration: invalid duration '-1h'", new String[] {"--duration", "-1h"});
    cases.put("om: --full and --after cannot be combined", new String[] {"--full", "--after", "3"});
    cases.put("om: --limit: expected 1 or more, got 0", new String[] {"--limit", "0"});
    cases.put("om: Invalid value for option '--format': expected human or json, got 'yaml'",
        new String[] {"--format", "yaml"});
    cases.forEach((message, args) -> {
      String[] all = new String[args.length + 4];
      all[0] = "node";
      all[1] = "events";
      System.arraycopy(args, 0, all, 2, args.length);
      all[args.length + 2] = "--server";
      all[args.length + 3] = server;
      Cli.Result r = Cli.run(all);
      assertThat(r.code()).as(message).isEqualTo(2);
      assertThat(r.err()).as(message).startsWith(message);
    });
  }

  @Test
  void afterBeyondTheLastIdIsABadArgument() throws Exception {
    start(Map.of());
    Cli.Result r = Cli.run(events("--after", "100000"));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("om: after=100000 is beyond the last event id ");
  }

  @Test
  void unreachableExitsThree() throws Exception {
    int dead = Fixtures.deadPort();
    Cli.Result r = Cli.run("node", "events", "--server", "http://127.0.0.1:" + dead);
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err()).isEqualTo("om: cannot reach the gateway at http://127.0.0.1:" + dead + ": connection refused\n");
    Cli.Result after = Cli.run("node", "events", "--after", "3", "--server", "http://127.0.0.1:" + dead);
    assertThat(after.code()).isEqualTo(3);
  }

}
