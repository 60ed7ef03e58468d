package io.svcgate.gateway.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.svcgate.state.ClusterState.GenerationChange;
import io.svcgate.state.Event;
import io.svcgate.state.history.HistoryGoneException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RocksEventLogTest {

  static final long T0 = 1_764_147_001_000_000L;

  @TempDir
  Path tmp;

  private static List<Long> idsOf(List<Event> events) {
    return events.stream().map(Event::id).toList();
  }

  private static void assertSameEvents(List<Event> actual, List<Event> expected) {
    assertThat(idsOf(actual)).isEqualTo(idsOf(expected));
    for (int i = 0; i < expected.size(); i++) {
      assertThat(actual.get(i).jsonString()).isEqualTo(expected.get(i).jsonString());
    }
  }

  @Test
  void freshStoreStartsEmptyWithAnEpoch() {
    try (RocksEventLog log = RocksEventLog.open(tmp.resolve("data"), true)) {
      assertThat(log.epoch()).matches("[0-9a-f-]{36}");
      assertThat(log.lastId()).isZero();
      assertThat(log.oldestId()).isEqualTo(1);
      assertThat(log.size()).isZero();
      assertThat(log.readAfter(0, 10)).isEmpty();
      assertThat(log.loadSnapshot()).isEmpty();
    }
  }

  @Test
  void reopenKeepsEpochIdsAndEvents() {
    Path dir = tmp.resolve("data");
    List<Event> written = TestEvents.range(1, 250, T0);
    String epoch;
    try (RocksEventLog log = RocksEventLog.open(dir, true)) {
      epoch = log.epoch();
      log.append(written.subList(0, 100));
      log.append(written.subList(100, 250));
      assertThat(log.lastId()).isEqualTo(250);
    }
    try (RocksEventLog log = RocksEventLog.open(dir, true)) {
      assertThat(log.epoch()).isEqualTo(epoch);
      assertThat(log.lastId()).isEqualTo(250);
      assertThat(log.oldestId()).isEqualTo(1);
      assertThat(log.size()).isEqualTo(250);
      assertSameEvents(log.readAfter(0, 1000), written);
      assertSameEvents(log.readAfter(99, 10), written.subList(99, 109));
      assertThat(log.readAfter(250, 10)).isEmpty();
      log.append(TestEvents.range(251, 251, T0));
      assertThat(log.lastId()).isEqualTo(251);
    }
  }

  @Test
  void wipingTheDataDirectoryStartsANewEpoch() throws IOException {
    Path dir = tmp.resolve("data");
    String first;
    try (RocksEventLog log = RocksEventLog.open(dir, true)) {
      first = log.epoch();
      log.append(TestEvents.range(1, 5, T0));
    }
    deleteTree(dir);
    try (RocksEventLog log = RocksEventLog.open(dir, true)) {
      assertThat(log.epoch()).isNotEqualTo(first);
      assertThat(log.lastId()).isZero();
    }
  }

  @Test
  void appendsMustContinueTheIds() {
    try (RocksEventLog log = RocksEventLog.open(tmp.resolve("data"), true)) {
      assertThatThrownBy(() -> log.append(TestEvents.range(2, 3, T0)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("event ids must continue the history without a gap: expected 1, got 2");
      log.append(TestEvents.range(1, 3, T0));
      List<Event> gap = List.of(TestEvents.patch(4, T0), TestEvents.patch(6, T0));
      assertThatThrownBy(() -> log.append(gap)).hasMessageContaining("expected 5, got 6");
      assertThat(log.lastId()).isEqualTo(3);
      assertThatThrownBy(() -> log.readAfter(-1, 10)).hasMessage("after must be >= 0, got -1");
      assertThatThrownBy(() -> log.readAfter(0, 0)).hasMessage("limit must be at least 1, got 0");
    }
  }

  @Test
  void retentionByCountDropsTheOldestAndReadersBehindGetGone() {
    Path dir = tmp.resolve("data");
    try (RocksEventLog log = RocksEventLog.open(dir, true)) {
      log.append(TestEvents.range(1, 1000, T0));
      log.saveSnapshot(1000, new byte[] {1});
      assertThat(log.retain(300, 0)).isEqualTo(700);
      assertThat(log.oldestId()).isEqualTo(701);
      assertThat(log.size()).isEqualTo(300);
      assertThatThrownBy(() -> log.readAfter(699, 10))
          .isInstanceOfSatisfying(HistoryGoneException.class, e -> {
            assertThat(e.oldest()).isEqualTo(701);
            assertThat(e.last()).isEqualTo(1000);
          })
          .hasMessage("events after 699 are gone: the oldest event kept is 701");
      assertThat(idsOf(log.readAfter(700, 2))).containsExactly(701L, 702L);
      assertThat(log.retain(300, 0)).isZero();
    }
    try (RocksEventLog log = RocksEventLog.open(dir, true)) {
      assertThat(log.oldestId()).isEqualTo(701);
      assertThat(log.lastId()).isEqualTo(1000);
      assertThatThrownBy(() -> log.readAfter(0, 10)).isInstanceOf(HistoryGoneException.class);
    }
  }

  @Test
  void retentionByAgeDropsOlderEventsAndAlwaysKeepsTheLast() {
    long hour = 3_600_000_000L;
    try (RocksEventLog log = RocksEventLog.open(tmp.resolve("data"), true)) {
      List<Event> events = new ArrayList<>();
      for (long id = 1; id <= 100; id++) {
        events.add(TestEvents.patch(id, T0 + id * hour / 10));
      }
      log.append(events);
      log.saveSnapshot(100, new byte[0]);
      // everything made before T0 + 5 h (ids 1..49) is too old
      assertThat(log.retain(Long.MAX_VALUE, T0 + 5 * hour)).isEqualTo(49);
      assertThat(log.oldestId()).isEqualTo(50);
      assertThat(log.readAfter(49, 1).get(0).tsMicros()).isEqualTo(T0 + 5 * hour);
      // all too old: the last one stays
      assertThat(log.retain(Long.MAX_VALUE, T0 + 1000 * hour)).isEqualTo(50);
      assertThat(log.oldestId()).isEqualTo(100);
      assertThat(log.size()).isEqualTo(1);
    }
  }

  @Test
  void retentionNeverDropsEventsAfterTheSnapshot() {
    try (RocksEventLog log = RocksEventLog.open(tmp.resolve("data"), true)) {
      log.append(TestEvents.range(1, 100, T0));
      assertThat(log.retain(10, 0)).as("no snapshot: restart needs every event").isZero();
      log.saveSnapshot(40, new byte[] {4});
      assertThat(log.retain(10, 0)).isEqualTo(40);
      assertThat(log.oldestId()).isEqualTo(41);
      log.saveSnapshot(100, new byte[] {10});
      assertThat(log.retain(10, 0)).isEqualTo(50);
      assertThat(log.oldestId()).isEqualTo(91);
    }
  }

  @Test
  void snapshotIsStoredDurablyAndValidated() {
    Path dir = tmp.resolve("data");
    byte[] blob = "{\"cluster\":{}}".getBytes(StandardCharsets.UTF_8);
    try (RocksEventLog log = RocksEventLog.open(dir, true)) {
      log.append(TestEvents.range(1, 20, T0));
      assertThatThrownBy(() -> log.saveSnapshot(21, blob))
          .hasMessage("snapshot id 21 is past the last event written (20)");
      log.saveSnapshot(15, blob);
      assertThatThrownBy(() -> log.saveSnapshot(14, blob))
          .hasMessage("snapshot id 14 is older than the stored snapshot (15)");
      log.retain(1, 0);
      assertThat(log.oldestId()).isEqualTo(16);
    }
    try (RocksEventLog log = RocksEventLog.open(dir, true)) {
      Snapshot s = log.loadSnapshot().orElseThrow();
      assertThat(s.id()).isEqualTo(15);
      assertThat(s.blob()).isEqualTo(blob);
      assertThat(log.snapshotId()).isEqualTo(15);
      assertThat(log.readAfter(s.id(), 100)).extracting(Event::id).containsExactly(16L, 17L, 18L, 19L, 20L);
    }
  }

  @Test
  void aSecondOpenOfTheSameDirectoryFailsWithAClearMessage() {
    Path dir = tmp.resolve("data");
    try (RocksEventLog log = RocksEventLog.open(dir, true)) {
      assertThatThrownBy(() -> RocksEventLog.open(dir, true))
          .isInstanceOf(DataDirectoryInUseException.class)
          .hasMessage("data directory " + dir + " is in use by another svcgate (pid " + ProcessHandle.current().pid()
              + ")");
      assertThat(log.lastId()).isZero();
    }
    try (RocksEventLog log = RocksEventLog.open(dir, true)) {
      assertThat(log.lastId()).isZero();
    }
  }

  @Test
  void aTornLastWriteIsDroppedAndTheEarlierEventsRecovered() throws IOException {
    Path dir = tmp.resolve("data");
    Path copy = tmp.resolve("copy");
    List<Event> written = TestEvents.range(1, 130, T0);
    String epoch;
    try (RocksEventLog log = RocksEventLog.open(dir, true)) {
      epoch = log.epoch();
      log.append(written.subList(0, 50));
      log.append(written.subList(50, 120));
      log.append(written.subList(120, 130));
      // as if the process died now: copy the files of the open store
      copyTree(dir, copy);
    }
    Path wal = newestWal(copy);
    truncateBy(wal, 7);
    try (RocksEventLog log = RocksEventLog.open(copy, true)) {
      assertThat(log.epoch()).isEqualTo(epoch);
      assertThat(log.lastId()).isEqualTo(120);
      assertSameEvents(log.readAfter(0, 1000), written.subList(0, 120));
      log.append(TestEvents.range(121, 121, T0));
    }
    try (RocksEventLog log = RocksEventLog.open(copy, true)) {
      assertThat(log.lastId()).isEqualTo(121);
    }
  }

  @Test
  void theRaftPositionIsWrittenWithTheChangesReloadedAndDroppedWithATornLastWrite() throws IOException {
    Path dir = tmp.resolve("data");
    Path copy = tmp.resolve("copy");
    try (RocksEventLog log = RocksEventLog.open(dir, true)) {
      assertThat(log.loadRaftPosition()).isEmpty();
      log.append(TestEvents.range(1, 10, T0), List.of(new GenerationChange("n1", 4, false)), new RaftPosition(1, 5));
      assertThat(log.loadRaftPosition()).contains(new RaftPosition(1, 5));
      // a position alone changed nothing: not written
      log.append(List.of(), List.of(), new RaftPosition(1, 6));
      assertThat(log.loadRaftPosition()).contains(new RaftPosition(1, 5));
      assertThatThrownBy(() -> log.append(TestEvents.range(11, 11, T0), List.of(), new RaftPosition(1, 4)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("behind");
      assertThat(log.lastId()).isEqualTo(10);
      log.append(TestEvents.range(11, 20, T0), List.of(), new RaftPosition(2, 9));
      copyTree(dir, copy);
    }
    try (RocksEventLog log = RocksEventLog.open(dir, true)) {
      assertThat(log.loadRaftPosition()).contains(new RaftPosition(2, 9));
      assertThat(log.lastId()).isEqualTo(20);
    }
    truncateBy(newestWal(copy), 7);
    try (RocksEventLog log = RocksEventLog.open(copy, true)) {
      // the torn write took its events and its position: the two agree
      assertThat(log.lastId()).isEqualTo(10);
      assertThat(log.loadRaftPosition()).contains(new RaftPosition(1, 5));
    }
  }

  @Test
  void onlyAnEmptyHistoryAdoptsAnEpoch() {
    Path dir = tmp.resolve("data");
    try (RocksEventLog log = RocksEventLog.open(dir, true)) {
      log.adoptEpoch("cluster-epoch");
      assertThat(log.epoch()).isEqualTo("cluster-epoch");
      log.append(TestEvents.range(1, 1, T0), List.of(), new RaftPosition(1, 1));
      assertThatThrownBy(() -> log.adoptEpoch("another")).isInstanceOf(IllegalStateException.class);
    }
    try (RocksEventLog log = RocksEventLog.open(dir, true)) {
      assertThat(log.epoch()).isEqualTo("cluster-epoch");
    }
  }

  @Test
  void nodeGenerationsAreWrittenWithTheEventsAndReloaded() {
    Path dir = tmp.resolve("data");
    try (RocksEventLog log = RocksEventLog.open(dir, true)) {
      assertThat(log.loadGenerations()).isEmpty();
      log.append(TestEvents.range(1, 3, T0), List.of(new GenerationChange("n1", 4, false),
          new GenerationChange("n/2 é", 7, false)));
      // later entries win, a forgotten node goes, a change without events is written too
      log.append(TestEvents.range(4, 4, T0), List.of(new GenerationChange("n1", 5, false),
          new GenerationChange("n1", 6, false), new GenerationChange("n3", 1, false)));
      log.append(List.of(), List.of(new GenerationChange("n3", 0, true), new GenerationChange("n4", 0, false)));
      assertThat(log.lastId()).isEqualTo(4);
      assertThat(log.loadGenerations()).containsExactlyInAnyOrderEntriesOf(Map.of("n1", 6L, "n/2 é", 7L, "n4", 0L));
    }
    try (RocksEventLog log = RocksEventLog.open(dir, true)) {
      assertThat(log.lastId()).isEqualTo(4);
      assertThat(log.loadGenerations()).containsExactlyInAnyOrderEntriesOf(Map.of("n1", 6L, "n/2 é", 7L, "n4", 0L));
    }
  }

  @Test
  void aTornLastWriteDropsItsGenerationsWithItsEvents() throws IOException {
    Path dir = tmp.resolve("data");
    Path copy = tmp.resolve("copy");
    try (RocksEventLog log = RocksEventLog.open(dir, true)) {
      log.append(TestEvents.range(1, 50, T0), List.of(new GenerationChange("n1", 2, false)));
      log.append(TestEvents.range(51, 60, T0), List.of(new GenerationChange("n1", 3, false)));
      copyTree(dir, copy);
    }
    truncateBy(newestWal(copy), 7);
    try (RocksEventLog log = RocksEventLog.open(copy, true)) {
      assertThat(log.lastId()).isEqualTo(50);
      assertThat(log.loadGenerations()).isEqualTo(Map.of("n1", 2L));
    }
  }

  @Test
  void aDamagedWriteAheadLogBeforeItsTailIsRefused() throws IOException {
    Path dir = tmp.resolve("data");
    Path copy = tmp.resolve("copy");
    try (RocksEventLog log = RocksEventLog.open(dir, true)) {
      for (long id = 1; id <= 100; id += 10) {
        log.append(TestEvents.range(id, id + 9, T0));
      }
      copyTree(dir, copy);
    }
    Path wal = newestWal(copy);
    flipByteAt(wal, Files.size(wal) / 3);
    assertThatThrownBy(() -> RocksEventLog.open(copy, true))
        .isInstanceOf(HistoryCorruptedException.class)
        .hasMessageStartingWith("history store " + copy.resolve("history") + " is damaged: ")
        .hasMessageContaining("RocksDB reports \"checksum mismatch\"")
        .hasMessageEndingWith("restore a backup of " + copy + ", or wipe it to start a new history (a new epoch)");
    // the failed open released the directory
    assertThatThrownBy(() -> RocksEventLog.open(copy, true)).isInstanceOf(HistoryCorruptedException.class);
  }

  @Test
  void aDamagedTableFileIsRefused() throws IOException {
    Path dir = tmp.resolve("data");
    try (RocksEventLog log = RocksEventLog.open(dir, true)) {
      log.append(TestEvents.range(1, 2000, T0));
    }
    // closing flushed the events to a table file
    Path sst;
    try (Stream<Path> files = Files.list(dir.resolve("history"))) {
      sst = files.filter(p -> p.toString().endsWith(".sst"))
          .max(Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
    }
    flipByteAt(sst, Files.size(sst) / 2);
    assertThatThrownBy(() -> RocksEventLog.open(dir, true))
        .isInstanceOf(HistoryCorruptedException.class)
        .hasMessageContaining("is damaged");
  }

  @Test
  void aGapInTheMiddleIsRefused() throws Exception {
    Path dir = tmp.resolve("data");
    try (RocksEventLog log = RocksEventLog.open(dir, true)) {
      log.append(TestEvents.range(1, 100, T0));
    }
    withRawStore(dir, (db, events) -> {
      db.delete(events, RocksEventLog.key(50));
      db.delete(events, RocksEventLog.key(51));
    });
    assertThatThrownBy(() -> RocksEventLog.open(dir, true))
        .isInstanceOf(HistoryCorruptedException.class)
        .hasMessageContaining("is damaged: events 50..51 are missing: the ids go from 49 to 52.");
  }

  @Test
  void aForeignValueInTheMiddleIsRefused() throws Exception {
    Path dir = tmp.resolve("data");
    try (RocksEventLog log = RocksEventLog.open(dir, true)) {
      log.append(TestEvents.range(1, 100, T0));
    }
    withRawStore(dir, (db, events) -> db.put(events, RocksEventLog.key(50), TestEvents.patch(49, T0).json()));
    assertThatThrownBy(() -> RocksEventLog.open(dir, true))
        .isInstanceOf(HistoryCorruptedException.class)
        .hasMessageContaining("is damaged: the value stored for event 50 is not its envelope.");
  }

  @Test
  void anUnparsableLastValueIsRefused() throws Exception {
    Path dir = tmp.resolve("data");
    try (RocksEventLog log = RocksEventLog.open(dir, true)) {
      log.append(TestEvents.range(1, 10, T0));
    }
    withRawStore(dir, (db, events) -> db.put(events, RocksEventLog.key(10),
        "{\"id\":10,\"ts\":".getBytes(StandardCharsets.UTF_8)));
    assertThatThrownBy(() -> RocksEventLog.open(dir, true))
        .isInstanceOf(HistoryCorruptedException.class)
        .hasMessageContaining("the value stored for event 10 is not an event envelope");
  }

  @Test
  void closedLogRefusesWork() {
    RocksEventLog log = RocksEventLog.open(tmp.resolve("data"), false);
    log.append(TestEvents.range(1, 3, T0));
    log.close();
    log.close();
    assertThatThrownBy(() -> log.append(TestEvents.range(4, 4, T0))).hasMessageEndingWith("is closed");
    assertThatThrownBy(() -> log.readAfter(0, 1)).hasMessageEndingWith("is closed");
    try (RocksEventLog again = RocksEventLog.open(tmp.resolve("data"), false)) {
      assertThat(again.lastId()).isEqualTo(3);
    }
  }

  @Test
  void aDirectoryWithDataButNoStoreIsRefused() throws IOException {
    Path dir = tmp.resolve("data");
    Files.createDirectories(dir.resolve("history"));
    Files.write(dir.resolve("history").resolve("000007.log"), new byte[100]);
    assertThatThrownBy(() -> RocksEventLog.open(dir, true))
        .isInstanceOf(HistoryCorruptedException.class)
        .hasMessageContaining("holds data (000007.log) but no CURRENT file");
  }

  // helpers

  interface RawAction {
    void run(RocksDB db, ColumnFamilyHandle events) throws Exception;
  }

  static void withRawStore(Path dataDir, RawAction action) throws Exception {
    List<ColumnFamilyDescriptor> descriptors = List.of(
        new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY),
        new ColumnFamilyDescriptor(RocksEventLog.EVENTS_CF),
        new ColumnFamilyDescriptor(RocksEventLog.META_CF));
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try (DBOptions options = new DBOptions();
         RocksDB db = RocksDB.open(options, dataDir.resolve("history").toString(), descriptors, handles)) {
      try {
        action.run(db, handles.get(1));
      } finally {
        handles.forEach(ColumnFamilyHandle::close);
      }
    }
  }

  static Path newestWal(Path dataDir) throws IOException {
    try (Stream<Path> files = Files.list(dataDir.resolve("history"))) {
      return files.filter(p -> p.getFileName().toString().matches("[0-9]+\\.log"))
          .max(Comparator.comparing(p -> p.getFileName().toString())).orElseThrow();
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

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }
}
