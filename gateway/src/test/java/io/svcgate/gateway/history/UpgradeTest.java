package io.svcgate.gateway.history;

import static io.svcgate.gateway.TestGateway.patch;
import static io.svcgate.gateway.TestGateway.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.svcgate.gateway.TestGateway;
import io.svcgate.state.Json;
import io.vertx.core.json.JsonArray;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;

/**
 * Upgrades (docs/operations.md, "Upgrade"): a data directory written by an earlier
 * format (src/test/resources/upgrade/format-N, made by {@link UpgradeFixture} with
 * the version of that format) is read by this version with its epoch, ids, state and
 * generations; a directory whose history or state snapshot has a newer format than
 * this version reads is refused with a message that says so, and left as it was.
 */
@Timeout(120)
class UpgradeTest {

  private static final Path FIXTURES = Paths.get(System.getProperty("basedir", ".")).toAbsolutePath()
      .resolve("src/test/resources/upgrade");

  @TempDir
  Path dir;
  Path data;

  /** A copy of the format-1 directory: tests never change the fixture. */
  @BeforeEach
  void copy() throws Exception {
    data = dir.resolve("data");
    Path from = FIXTURES.resolve("format-1");
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Path to = data.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to);
        }
      }
    }
  }

  @Test
  void aFormat1DirectoryIsReadWithItsIdsStateAndGenerations() throws Exception {
    String epoch;
    try (TestGateway gw = TestGateway.start(data, Map.of())) {
      // the 16 events the fixture's gateway wrote, numbered as they were; this start's own come after them
      JsonArray events = gw.get("/api/events?after=0").bodyAsJsonObject().getJsonArray("events");
      List<Long> numbers = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      events.forEach(e -> {
        io.vertx.core.json.JsonObject ev = (io.vertx.core.json.JsonObject) e;
        numbers.add(ev.getLong("id"));
        if ("event".equals(ev.getString("kind")) && ev.getLong("id") <= 16) {
          ids.add(ev.getJsonObject("data").getString("id"));
        }
      });
      assertThat(numbers.subList(0, 16)).isEqualTo(java.util.stream.LongStream.rangeClosed(1, 16).boxed().toList());
      assertThat(numbers).isSorted().doesNotHaveDuplicates();
      assertThat(ids).containsExactly("monitor_started", "node_freeze", "node_thaw");
      assertThat(gw.get("/api/daemon/status?filter=monitor.nodes.n1.frozen").bodyAsString()).contains("0");
      assertThat(gw.get("/api/daemon/status?filter=monitor.nodes.n2.services.status.%27ns1/svc/web%27.avail")
          .bodyAsString()).contains("down");
      epoch = gw.get("/health").bodyAsJsonObject().getString("epoch");
      assertThat(epoch).isNotBlank();
      // the generations go on: n1's next patch applies without a full
      long id = gw.ingest(patch("n1", 4, set(1764147100.5, "frozen")));
      assertThat(id).isGreaterThan(16);
    }
    try (TestGateway again = TestGateway.start(data, Map.of())) {
      assertThat(again.get("/health").bodyAsJsonObject().getString("epoch")).isEqualTo(epoch);
    }
  }

  @Test
  void aNewerHistoryFormatIsRefusedAndLeftAsItWas() throws Exception {
    try (DBOptions o = new DBOptions()) {
      List<ColumnFamilyHandle> handles = new ArrayList<>();
      try (RocksDB db = RocksDB.open(o, data.resolve(RocksEventLog.STORE_DIR).toString(), List.of(
          new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY),
          new ColumnFamilyDescriptor(RocksEventLog.EVENTS_CF),
          new ColumnFamilyDescriptor(RocksEventLog.META_CF)), handles)) {
        db.put(handles.get(2), RocksEventLog.META_FORMAT, "2".getBytes(StandardCharsets.UTF_8));
        handles.forEach(ColumnFamilyHandle::close);
      }
    }
    assertThatThrownBy(() -> TestGateway.start(data, Map.of())).hasMessageContaining(
        "has format 2, written by a newer svcgate; this one reads format 1 and older. Run the newer svcgate again, "
            + "or restore the backup made before the upgrade");
    // refused, not repaired: the format was not rewritten, a newer version still finds its own
    assertThatThrownBy(() -> RocksEventLog.open(data, true)).hasMessageContaining("has format 2");
  }

  @Test
  void aNewerStateSnapshotFormatIsRefusedWithoutCallingItDamage() throws Exception {
    try (RocksEventLog log = RocksEventLog.open(data, true)) {
      Snapshot s = log.loadSnapshot().orElseThrow();
      ObjectNode blob = (ObjectNode) Json.parse(s.blob());
      assertThat(blob.path("format").asInt()).isEqualTo(1);
      blob.put("format", 2);
      log.saveSnapshot(s.id(), Json.MAPPER.writeValueAsBytes(blob));
    }
    assertThatThrownBy(() -> TestGateway.start(data, Map.of()))
        .hasMessageContaining("the state snapshot has format 2, written by a newer svcgate; this one reads format 1")
        .hasMessageContaining("restore the backup made before the upgrade")
        .hasMessageNotContaining("wipe");
  }
}
