package io.svcgate.gateway.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.svcgate.gateway.Awaits;
import io.svcgate.state.ClusterState.GenerationChange;
import io.svcgate.state.Event;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A history packed into one file ({@link History#exportCheckpoint}) and loaded into another ({@link History#restoreCheckpoint}). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CheckpointTest {

  static final long T0 = 1_764_147_001_000_000L;

  @TempDir
  Path tmp;

  static HistoryOptions options(Path dir) {
    return new HistoryOptions().setDataDir(dir).setRetentionInterval(Duration.ZERO);
  }

  static List<String> envelopes(List<Event> events) {
    return events.stream().map(e -> new String(e.json(), StandardCharsets.UTF_8)).toList();
  }

  /** A member's history: events with generations and Raft positions, and a state snapshot. */
  static void fill(History h) throws Exception {
    h.append(TestEvents.range(1, 400, T0), List.of(new GenerationChange("n1", 7, false)), new RaftPosition(1, 10))
        .get(30, TimeUnit.SECONDS);
    h.saveSnapshot(300, "state at 300".getBytes(StandardCharsets.UTF_8)).get(30, TimeUnit.SECONDS);
    h.append(TestEvents.range(401, 500, T0), List.of(new GenerationChange("n2", 3, false)), new RaftPosition(2, 25))
        .get(30, TimeUnit.SECONDS);
  }

  @Test
  void anExportLoadedIntoAnotherHistoryGivesTheSameHistory() throws Exception {
    Path file = tmp.resolve("snapshots/snapshot.2_25");
    String epoch;
    try (History a = History.open(options(tmp.resolve("a")))) {
      fill(a);
      epoch = a.epoch();
      RaftPosition p = a.exportCheckpoint(pos -> tmp.resolve("snapshots/snapshot." + pos.term() + "_" + pos.index()))
          .get(60, TimeUnit.SECONDS);
      assertThat(p).isEqualTo(new RaftPosition(2, 25));
      assertThat(file).isRegularFile();
      assertThat(Files.list(tmp.resolve("a"))).as("the checkpoint directory is gone")
          .noneMatch(f -> f.getFileName().toString().startsWith("checkpoint"));
      // the source goes on
      a.append(TestEvents.range(501, 501, T0)).get(30, TimeUnit.SECONDS);
    }
    try (History b = History.open(options(tmp.resolve("b")))) {
      b.append(TestEvents.range(1, 30, T0 + 5)).get(30, TimeUnit.SECONDS);
      assertThat(b.epoch()).isNotEqualTo(epoch);
      RaftPosition loaded = b.restoreCheckpoint(file).get(60, TimeUnit.SECONDS);
      assertThat(loaded).isEqualTo(new RaftPosition(2, 25));
      assertThat(b.epoch()).isEqualTo(epoch);
      assertThat(b.raftPosition()).contains(new RaftPosition(2, 25));
      assertThat(b.lastId()).isEqualTo(500);
      assertThat(envelopes(b.readAfter(0, 1000))).isEqualTo(envelopes(TestEvents.range(1, 500, T0)));
      assertThat(envelopes(b.readRecent(450, 50).orElseThrow())).as("the window holds the new history")
          .isEqualTo(envelopes(TestEvents.range(451, 500, T0)));
      assertThat(b.loadGenerations()).isEqualTo(Map.of("n1", 7L, "n2", 3L));
      Snapshot s = b.loadSnapshot().orElseThrow();
      assertThat(s.id()).isEqualTo(300);
      assertThat(new String(s.blob(), StandardCharsets.UTF_8)).isEqualTo("state at 300");
      // and it takes appends from there
      b.append(TestEvents.range(501, 502, T0), List.of(), new RaftPosition(2, 26)).get(30, TimeUnit.SECONDS);
      assertThat(b.lastId()).isEqualTo(502);
    }
    try (History b = History.open(options(tmp.resolve("b")))) {
      assertThat(b.epoch()).isEqualTo(epoch);
      assertThat(b.lastId()).isEqualTo(502);
      assertThat(b.raftPosition()).contains(new RaftPosition(2, 26));
      assertThat(Files.list(tmp.resolve("b"))).as("no leftover of the swap")
          .noneMatch(f -> f.getFileName().toString().startsWith("history."));
    }
  }

  @Test
  void anExportHoldsExactlyTheChangesUpToItsPositionWhileAppendsGoOn() throws Exception {
    try (History a = History.open(options(tmp.resolve("a")))) {
      AtomicBoolean stop = new AtomicBoolean();
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        long id = 1;
        long index = 1;
        List<CompletableFuture<Void>> last = new ArrayList<>();
        while (!stop.get() && id < 200_000) {
          // each entry: 5 events, its position in the same write
          last.add(a.append(TestEvents.range(id, id + 4, T0), List.of(), new RaftPosition(1, index)));
          id += 5;
          index++;
          if (last.size() > 50) {
            last.remove(0).join();
          }
        }
        last.forEach(CompletableFuture::join);
      });
      Awaits.until("2000 events written", () -> a.lastId() > 2_000);
      RaftPosition p = a.exportCheckpoint(tmp.resolve("snap")).get(60, TimeUnit.SECONDS);
      stop.set(true);
      writer.get(60, TimeUnit.SECONDS);
      try (History b = History.open(options(tmp.resolve("b")))) {
        b.restoreCheckpoint(tmp.resolve("snap")).get(60, TimeUnit.SECONDS);
        assertThat(b.raftPosition()).contains(p);
        assertThat(b.lastId()).as("entry %d wrote events up to %d", p.index(), p.index() * 5).isEqualTo(p.index() * 5);
      }
    }
  }

  @Test
  void aFileThatIsNoSnapshotReplacesNothing() throws Exception {
    Path junk = tmp.resolve("junk");
    Files.writeString(junk, "not a zip at all");
    try (History b = History.open(options(tmp.resolve("b")))) {
      b.append(TestEvents.range(1, 30, T0)).get(30, TimeUnit.SECONDS);
      String epoch = b.epoch();
      assertThatThrownBy(() -> b.restoreCheckpoint(junk).get(60, TimeUnit.SECONDS))
          .hasRootCauseInstanceOf(HistoryStoreException.class);
      assertThat(b.failure()).isEmpty();
      assertThat(b.epoch()).isEqualTo(epoch);
      assertThat(b.lastId()).isEqualTo(30);
      assertThat(b.readAfter(0, 100)).hasSize(30);
      b.append(TestEvents.range(31, 31, T0)).get(30, TimeUnit.SECONDS);
    }
  }

  /** The swap interrupted at each step by a crash: the next open finds the old store or the new one. */
  @Test
  void aSwapCutShortByACrashLeavesTheOldStoreOrTheNew() throws Exception {
    Path file = tmp.resolve("snap");
    String newEpoch;
    try (History a = History.open(options(tmp.resolve("a")))) {
      fill(a);
      newEpoch = a.epoch();
      a.exportCheckpoint(file).get(60, TimeUnit.SECONDS);
    }
    for (int step = 0; step < 4; step++) {
      Path dir = tmp.resolve("b" + step);
      String oldEpoch;
      try (History b = History.open(options(dir))) {
        b.append(TestEvents.range(1, 30, T0)).get(30, TimeUnit.SECONDS);
        oldEpoch = b.epoch();
      }
      // what an import does, stopped after `step` steps
      Path fresh = dir.resolve(CheckpointFile.NEW_DIR);
      CheckpointFile.unpack(file, fresh);
      if (step >= 1) {
        Files.createFile(dir.resolve(CheckpointFile.READY));
      }
      if (step >= 2) {
        Files.move(dir.resolve(RocksEventLog.STORE_DIR), dir.resolve(CheckpointFile.OLD_DIR));
      }
      if (step >= 3) {
        Files.move(fresh, dir.resolve(RocksEventLog.STORE_DIR));
      }
      try (History b = History.open(options(dir))) {
        if (step == 0) {
          assertThat(b.epoch()).as("not marked complete: the old store stays").isEqualTo(oldEpoch);
          assertThat(b.lastId()).isEqualTo(30);
        } else {
          assertThat(b.epoch()).as("marked complete at step %d: the new store", step).isEqualTo(newEpoch);
          assertThat(b.lastId()).isEqualTo(500);
          assertThat(b.raftPosition()).contains(new RaftPosition(2, 25));
        }
      }
      try (var files = Files.list(dir)) {
        assertThat(files.map(f -> f.getFileName().toString()))
            .noneMatch(n -> n.equals(CheckpointFile.NEW_DIR) || n.equals(CheckpointFile.OLD_DIR)
                || n.equals(CheckpointFile.READY));
      }
    }
  }
}
