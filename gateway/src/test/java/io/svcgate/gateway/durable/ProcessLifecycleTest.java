package io.svcgate.gateway.durable;

import static io.svcgate.gateway.TestGateway.full;
import static io.svcgate.gateway.TestGateway.nodeData;
import static io.svcgate.gateway.TestGateway.patch;
import static io.svcgate.gateway.TestGateway.set;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code svcgate serve} as a real process: SIGTERM stops it gracefully, a second one on
 * the same data directory refuses to start, a SIGKILL keeps every node's merged
 * generation exactly (with or without a snapshot since), a torn log tail is recovered and a damaged one refused, with the log
 * lines and exit codes an operator sees.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ProcessLifecycleTest {

  static final Pattern RECOVERED = Pattern.compile("history: (\\d+) events recovered(?: \\(ids (\\d+)\\.\\.(\\d+)\\))?, epoch (\\S+);");

  @TempDir
  Path tmp;

  static long ingest(ChildGateway gw, JsonObject message) throws Exception {
    HttpResponse<String> r = gw.post("/api/heartbeats", message.encode());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    return new JsonObject(r.body()).getLong("id");
  }

  static JsonObject node(ChildGateway gw, String name) throws Exception {
    for (Object o : new JsonArray(gw.get("/api/nodes").body())) {
      if (name.equals(((JsonObject) o).getString("nodename"))) {
        return (JsonObject) o;
      }
    }
    throw new AssertionError("no node " + name);
  }

  @Test
  void sigtermAnswersWaitsEndsStreamsFlushesAndExitsZero() throws Exception {
    Path data = tmp.resolve("data");
    long last;
    try (ChildGateway gw = ChildGateway.start(data, Map.of())) {
      ingest(gw, full("n1", 1, nodeData(0)));
      last = ingest(gw, patch("n1", 2, set(2, "stats")));

      // a stream, replaying from the start: its first line proves it is subscribed
      HttpResponse<Stream<String>> stream = gw.http.send(HttpRequest.newBuilder(gw.uri("/api/events/stream?after=0"))
          .header("Accept", "application/x-ndjson").GET().build(), HttpResponse.BodyHandlers.ofLines());
      assertThat(stream.statusCode()).isEqualTo(200);
      List<String> streamed = new CopyOnWriteArrayList<>();
      CompletableFuture<Void> streamEnded = CompletableFuture.runAsync(() -> stream.body().forEach(streamed::add));
      // a wait that nothing will satisfy
      CompletableFuture<HttpResponse<String>> wait = gw.http.sendAsync(HttpRequest.newBuilder(
              gw.uri("/api/wait?filter=monitor.nodes.n1.frozen%3E0&duration=5m")).timeout(Duration.ofSeconds(60)).build(),
          HttpResponse.BodyHandlers.ofString());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!gw.get("/metrics").body().contains("\nsvcgate_waiters 1.0") || streamed.size() < last) {
        assertThat(System.nanoTime()).as("the wait and the stream are registered").isLessThan(deadline);
        java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
      }

      assertThat(gw.terminate()).as("exit code after SIGTERM").isZero();

      HttpResponse<String> w = wait.get(30, TimeUnit.SECONDS);
      assertThat(w.statusCode()).isEqualTo(200);
      assertThat(new JsonObject(w.body()).getBoolean("satisfied")).isFalse();
      streamEnded.get(30, TimeUnit.SECONDS);
      JsonObject end = new JsonObject(streamed.get(streamed.size() - 1));
      assertThat(end.getString("kind")).isEqualTo("gone");
      assertThat(end.getString("reason")).isEqualTo("gateway stopping");
      assertThat(end.getLong("last")).isEqualTo(last);
      assertThat(gw.stderr()).anyMatch(l -> l.contains("history closed: last id " + last));
      assertThat(gw.stderr()).anyMatch(l -> l.contains("svcgate stopped"));
      assertThat(gw.stderr()).as("no notice about Vert.x's shared gauges (docs/operations.md)")
          .noneMatch(l -> l.contains("has been already registered"));
    }
    // everything is there, and the node goes on without a full
    try (ChildGateway gw = ChildGateway.start(data, Map.of())) {
      Matcher m = recovered(gw);
      assertThat(Long.parseLong(m.group(3))).isEqualTo(last);
      assertThat(node(gw, "n1").getLong("gen")).isEqualTo(2L);
      assertThat(node(gw, "n1").getBoolean("needs_full")).isFalse();
      assertThat(ingest(gw, patch("n1", 3, set(3, "stats")))).isGreaterThan(last);
      assertThat(gw.terminate()).isZero();
    }
  }

  @Test
  void ctrlCStopsGracefullyToo() throws Exception {
    Path data = tmp.resolve("data");
    try (ChildGateway gw = ChildGateway.start(data, Map.of())) {
      long last = ingest(gw, full("n1", 1, nodeData(0)));
      Process kill = new ProcessBuilder("kill", "-INT", Long.toString(gw.process.pid())).inheritIO().start();
      assertThat(kill.waitFor()).isZero();
      assertThat(gw.awaitExit()).as("exit code after SIGINT").isZero();
      assertThat(gw.stderr()).anyMatch(l -> l.contains("history closed: last id " + last));
    }
  }

  @Test
  void aSecondGatewayOnTheSameDataDirectoryRefusesToStart() throws Exception {
    Path data = tmp.resolve("data");
    try (ChildGateway first = ChildGateway.start(data, Map.of())) {
      ChildGateway.Ended second = ChildGateway.runToExit(data, Map.of());
      assertThat(second.exitCode()).as(second.text()).isEqualTo(3);
      assertThat(second.stderr()).contains("svcgate: cannot start: data directory " + data
          + " is in use by another svcgate (pid " + first.process.pid() + ")");
      // the first one is unaffected
      assertThat(first.get("/health").statusCode()).isEqualTo(200);
      assertThat(first.terminate()).isZero();
    }
  }

  @Test
  void afterSigkillEveryNodeKeepsItsExactGenerationWithOrWithoutASnapshot() throws Exception {
    Path data = tmp.resolve("data");
    long id;
    try (ChildGateway gw = ChildGateway.start(data, Map.of("SVCGATE_HISTORY_SNAPSHOT_INTERVAL", "300ms"))) {
      ingest(gw, full("n1", 1, nodeData(0)));
      ingest(gw, full("n2", 1, nodeData(0)));
      id = ingest(gw, patch("n1", 2, set(2, "stats")));
      long covered = id;
      gw.awaitLine("of a snapshot at or after id " + id, l -> snapshotAt(l) >= covered);
      assertThat(gw.kill()).isEqualTo(137);
    }
    // from now on no snapshot: what the restart knows of later changes is in the history only
    Map<String, String> noSnapshot = Map.of("SVCGATE_HISTORY_SNAPSHOT_INTERVAL", "0s");
    try (ChildGateway gw = ChildGateway.start(data, noSnapshot)) {
      assertThat(Long.parseLong(recovered(gw).group(3))).isEqualTo(id);
      JsonObject n1 = node(gw, "n1");
      assertThat(n1.getLong("gen")).isEqualTo(2L);
      assertThat(n1.getBoolean("needs_full")).isFalse();
      ingest(gw, patch("n1", 3, set(3, "stats")));
      // a generation with no stanza: it moves n1 to 4 and emits no event
      ingest(gw, new JsonObject().put("nodename", "n1").put("kind", "patch").put("gen", new JsonObject().put("n1", 4))
          .put("deltas", new JsonObject().put("4", new JsonArray())));
      long changed = ingest(gw, patch("n2", 2, set(2, "stats")));
      // a full identical to what n2 holds: no event, generation 9
      ingest(gw, full("n2", 9, nodeData(0).put("stats", 2)));
      ingest(gw, full("n3", 5, nodeData(0)));
      assertThat(gw.post("/api/nodes/n3/ask-full", "").statusCode()).isEqualTo(202);
      assertThat(gw.kill()).isEqualTo(137);
      assertThat(gw.stderr().stream().mapToLong(ProcessLifecycleTest::snapshotAt).max().orElse(0))
          .as("no snapshot saw the changes").isLessThan(changed);
    }
    try (ChildGateway again = ChildGateway.start(data, noSnapshot)) {
      assertThat(node(again, "n1").getLong("gen")).isEqualTo(4L);
      assertThat(node(again, "n1").getBoolean("needs_full")).isFalse();
      assertThat(node(again, "n2").getLong("gen")).isEqualTo(9L);
      assertThat(node(again, "n2").getBoolean("needs_full")).isFalse();
      assertThat(node(again, "n3").getLong("gen")).as("the operator's ask-full is kept").isZero();
      assertThat(node(again, "n3").getBoolean("needs_full")).isTrue();
      // each node's next patch applies, no full needed (n3 was asked for one)
      ingest(again, patch("n1", 5, set(5, "stats")));
      ingest(again, patch("n2", 10, set(10, "stats")));
      HttpResponse<String> r = again.post("/api/heartbeats", patch("n3", 6, set(6, "stats")).encode());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
      JsonObject doc = new JsonObject(again.get("/api/daemon/status").body()).getJsonObject("monitor")
          .getJsonObject("nodes");
      assertThat(doc.getJsonObject("n1").getInteger("stats")).isEqualTo(5);
      assertThat(doc.getJsonObject("n2").getInteger("stats")).isEqualTo(10);
      assertThat(again.terminate()).isZero();
    }
  }

  /** The id of a "state snapshot saved at id N" line, or -1. */
  static long snapshotAt(String line) {
    int i = line.indexOf("state snapshot saved at id ");
    if (i < 0) {
      return -1;
    }
    String rest = line.substring(i + "state snapshot saved at id ".length());
    return Long.parseLong(rest.substring(0, rest.indexOf(' ')));
  }

  static Matcher recovered(ChildGateway gw) {
    for (String l : gw.stderr()) {
      Matcher m = RECOVERED.matcher(l);
      if (m.find()) {
        return m;
      }
    }
    throw new AssertionError("no 'history: N events recovered' line:\n" + String.join("\n", gw.stderr()));
  }

  /** Runs a gateway, ingests, and kills it, so its write-ahead log holds every event. */
  private List<Long> ingestAndKill(Path data) throws Exception {
    List<Long> acked = new ArrayList<>();
    try (ChildGateway gw = ChildGateway.start(data, Map.of())) {
      acked.add(ingest(gw, full("n1", 1, nodeData(0))));
      for (int g = 2; g <= 200; g++) {
        acked.add(ingest(gw, patch("n1", g, set(new JsonObject().put("g", g).put("pad", "x".repeat(200)), "stats"))));
      }
      assertThat(gw.kill()).isEqualTo(137);
    }
    return acked;
  }

  @Test
  void aTornLogTailIsDroppedAtStartAndTheLogSaysWhatWasRecovered() throws Exception {
    Path data = tmp.resolve("data");
    List<Long> acked = ingestAndKill(data);
    long lastAcked = acked.get(acked.size() - 1);
    // as if the machine died in the middle of the last write
    truncateBy(newestWal(data), 7);
    try (ChildGateway gw = ChildGateway.start(data, Map.of())) {
      Matcher m = recovered(gw);
      long last = Long.parseLong(m.group(3));
      assertThat(m.group(2)).isEqualTo("1");
      assertThat(Long.parseLong(m.group(1))).isEqualTo(last);
      // only the last write is lost (here an acknowledged one, as only a damaged disk could do)
      assertThat(last).isLessThan(lastAcked + 3).isGreaterThan(lastAcked - 10);
      JsonObject page = new JsonObject(gw.get("/api/events?after=0&limit=10000").body());
      JsonArray events = page.getJsonArray("events");
      assertThat(events.getJsonObject(0).getLong("id")).isEqualTo(1L);
      assertThat(events.getJsonObject((int) last - 1).getLong("id")).isEqualTo(last);
      for (int i = 0; i < events.size(); i++) {
        assertThat(events.getJsonObject(i).getLong("id")).isEqualTo(i + 1L);
      }
      // the ids continue after what was recovered, and the node re-syncs with a full
      HttpResponse<String> r = gw.post("/api/heartbeats", full("n1", 300, nodeData(0)).encode());
      assertThat(r.statusCode()).isEqualTo(202);
      assertThat(new JsonObject(r.body()).getLong("id")).isGreaterThan(last);
      assertThat(gw.terminate()).isZero();
    }
  }

  @Test
  void aDamagedLogBeforeItsTailStopsTheStartWithAClearMessage() throws Exception {
    Path data = tmp.resolve("data");
    ingestAndKill(data);
    Path wal = newestWal(data);
    flipByteAt(wal, Files.size(wal) / 3);
    ChildGateway.Ended r = ChildGateway.runToExit(data, Map.of());
    assertThat(r.exitCode()).as(r.text()).isEqualTo(3);
    assertThat(r.stderr()).anyMatch(l -> l.startsWith("svcgate: cannot start: history store " + data.resolve("history")
        + " is damaged: ") && l.endsWith("restore a backup of " + data + ", or wipe it to start a new history (a new epoch)"));
    // nothing was changed: it refuses again
    assertThat(ChildGateway.runToExit(data, Map.of()).exitCode()).isEqualTo(3);
  }

  static Path newestWal(Path data) throws IOException {
    try (Stream<Path> s = Files.list(data.resolve("history"))) {
      return s.filter(p -> p.getFileName().toString().endsWith(".log"))
          .max(Comparator.comparing(p -> p.getFileName().toString()))
          .orElseThrow(() -> new AssertionError("no write-ahead log in " + data));
    }
  }

  static void truncateBy(Path file, long bytes) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(f.length() - bytes);
    }
  }

  static void flipByteAt(Path file, long offset) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(offset);
      int b = f.read();
      f.seek(offset);
      f.write(b ^ 0x5a);
    }
  }
}
