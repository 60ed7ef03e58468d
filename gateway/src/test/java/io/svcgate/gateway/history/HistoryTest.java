package io.svcgate.gateway.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.svcgate.state.Event;
import io.svcgate.state.history.HistoryGoneException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HistoryTest {

  static final long T0 = RocksEventLogTest.T0;

  @TempDir
  Path tmp;

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private HistoryOptions options() {
    return new HistoryOptions().setDataDir(tmp.resolve("data")).setRetentionInterval(Duration.ZERO);
  }

  private GatedLog gated() {
    return new GatedLog(RocksEventLog.open(tmp.resolve("data"), true));
  }

  private History history(DurableEventLog store, HistoryOptions options) {
    History h = new History(store, options);
    toClose.add(h);
    return h;
  }

  private History open(HistoryOptions options) {
    History h = History.open(options);
    toClose.add(h);
    return h;
  }

  private static Integer take(GatedLog log) throws InterruptedException {
    return log.entered.poll(30, TimeUnit.SECONDS);
  }

  @Test
  void appendsCompleteOnlyAfterTheirWriteAndInOrder() throws Exception {
    GatedLog store = gated();
    History h = history(store, options());
    List<String> completions = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> a = h.append(TestEvents.range(1, 10, T0));
    CompletableFuture<Void> aSeen = a.thenRun(() -> completions.add("a, durable up to " + store.lastId()));
    assertThat(take(store)).as("the writer took the first append").isEqualTo(10);
    CompletableFuture<Void> b = h.append(TestEvents.range(11, 20, T0));
    CompletableFuture<Void> bSeen = b.thenRun(() -> completions.add("b, durable up to " + store.lastId()));
    CompletableFuture<Void> c = h.append(TestEvents.range(21, 30, T0));
    CompletableFuture<Void> cSeen = c.thenRun(() -> completions.add("c, durable up to " + store.lastId()));
    assertThat(h.lastAppendedId()).isEqualTo(30);
    assertThat(h.lastId()).isZero();
    assertThat(List.of(a, b, c)).noneMatch(CompletableFuture::isDone);
    assertThat(h.readAfter(0, 100)).isEmpty();

    store.permits.release();
    a.get(30, TimeUnit.SECONDS);
    assertThat(take(store)).as("b and c go in one write").isEqualTo(20);
    assertThat(b).isNotDone();
    assertThat(c).isNotDone();
    assertThat(h.lastId()).isEqualTo(10);
    assertThat(h.readAfter(0, 100)).extracting(Event::id).hasSize(10);

    store.permits.release();
    CompletableFuture.allOf(aSeen, bSeen, cSeen).get(30, TimeUnit.SECONDS);
    assertThat(completions).containsExactly("a, durable up to 10", "b, durable up to 30", "c, durable up to 30");
    assertThat(store.writes).containsExactly(10, 20);
    assertThat(h.stats()).isEqualTo(new History.Stats(2, 30, 20, 0, 0));
  }

  @Test
  void underLoadOneWriteTakesEverythingQueuedUpToTheBatchBound() throws Exception {
    GatedLog store = gated();
    History h = history(store, options().setMaxBatchEvents(100));
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    futures.add(h.append(TestEvents.range(1, 5, T0)));
    take(store);
    for (long id = 6; id <= 500; id += 5) {
      futures.add(h.append(TestEvents.range(id, id + 4, T0)));
    }
    assertThat(h.stats().queuedEvents()).isEqualTo(500);
    store.open();
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    assertThat(store.writes).containsExactly(5, 100, 100, 100, 100, 95);
    assertThat(h.lastId()).isEqualTo(500);
    assertThat(h.stats().queuedEvents()).isZero();
  }

  @Test
  void aFullBacklogRefusesTheAppendWithoutTakingItsIds() throws Exception {
    GatedLog store = gated();
    History h = history(store, options().setMaxQueuedEvents(50));
    CompletableFuture<Void> first = h.append(TestEvents.range(1, 30, T0));
    take(store);
    CompletableFuture<Void> second = h.append(TestEvents.range(31, 50, T0));
    assertThat(h.canAccept(1)).isFalse();
    CompletableFuture<Void> refused = h.append(TestEvents.range(51, 51, T0));
    assertThat(refused).isCompletedExceptionally();
    assertThatThrownBy(refused::join)
        .cause()
        .isInstanceOfSatisfying(HistoryBacklogFullException.class, e -> {
          assertThat(e.retryAfterSeconds()).isEqualTo(1);
          assertThat(e.queued()).isEqualTo(50);
        })
        .hasMessage("the history write backlog is full: 50 events are waiting to be written, 1 more would pass "
            + "the bound of 50");
    assertThat(h.lastAppendedId()).isEqualTo(50);
    assertThat(h.stats().refusedAppends()).isEqualTo(1);

    store.open();
    CompletableFuture.allOf(first, second).get(30, TimeUnit.SECONDS);
    assertThat(h.canAccept(1)).isTrue();
    h.append(TestEvents.range(51, 51, T0)).get(30, TimeUnit.SECONDS);
    assertThat(h.lastId()).isEqualTo(51);
  }

  @Test
  void idsMustContinueWhatWasAppended() {
    History h = open(options());
    h.append(TestEvents.range(1, 3, T0));
    assertThatThrownBy(() -> h.append(TestEvents.range(5, 6, T0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("event ids must continue the history without a gap: expected 4, got 5");
  }

  @Test
  void recentPagesComeFromMemoryOlderOnesFromTheStore() {
    History h = open(options().setWindowEvents(100));
    h.append(TestEvents.range(1, 300, T0));
    h.sync();
    assertThat(h.readRecent(250, 10).orElseThrow()).extracting(Event::id).containsExactly(
        251L, 252L, 253L, 254L, 255L, 256L, 257L, 258L, 259L, 260L);
    assertThat(h.readRecent(200, 1000).orElseThrow()).hasSize(100);
    assertThat(h.readRecent(300, 10)).contains(List.of());
    assertThat(h.readRecent(199, 10)).as("201 is older than the window").isEmpty();
    assertThat(h.readAfter(100, 10)).extracting(Event::id).containsExactly(
        101L, 102L, 103L, 104L, 105L, 106L, 107L, 108L, 109L, 110L);
    assertThat(h.readAfter(295, 10)).extracting(Event::id).containsExactly(296L, 297L, 298L, 299L, 300L);
    assertThat(h.readAfter(0, 1000)).hasSize(300);
  }

  @Test
  void readersDuringAppendsGetConsecutiveDurableEventsOnly() throws Exception {
    History h = open(options().setWindowEvents(64).setMaxBatchEvents(50));
    AtomicLongHolder pages = new AtomicLongHolder();
    Thread reader = new Thread(() -> {
      java.util.SplittableRandom random = new java.util.SplittableRandom(3);
      while (h.lastId() < 20_000) {
        long last = h.lastId();
        long after = Math.max(0, last - random.nextLong(200));
        List<Event> page = h.readAfter(after, 1 + random.nextInt(100));
        for (int i = 0; i < page.size(); i++) {
          if (page.get(i).id() != after + 1 + i || page.get(i).id() > h.lastId()) {
            pages.error = "after " + after + " got " + page.get(i).id() + " at " + i;
            return;
          }
        }
        pages.count++;
      }
    }, "reader");
    reader.start();
    for (long id = 1; id <= 20_000; id += 10) {
      while (!h.canAccept(10)) {
        h.flush().join();
      }
      h.append(TestEvents.range(id, id + 9, T0));
    }
    h.sync();
    reader.join();
    assertThat(pages.error).isNull();
    assertThat(pages.count).isPositive();
  }

  static final class AtomicLongHolder {
    volatile long count;
    volatile String error;
  }

  @Test
  void reopenKeepsIdsAndEpochAndRefillsTheWindow() {
    History h = History.open(options().setWindowEvents(100));
    String epoch = h.epoch();
    for (long id = 1; id <= 1000; id += 50) {
      h.append(TestEvents.range(id, id + 49, T0));
    }
    h.close();
    History again = open(options().setWindowEvents(100));
    assertThat(again.epoch()).isEqualTo(epoch);
    assertThat(again.lastId()).isEqualTo(1000);
    assertThat(again.lastAppendedId()).isEqualTo(1000);
    assertThat(again.readRecent(900, 100).orElseThrow()).hasSize(100);
    assertThat(again.readAfter(0, 10_000)).extracting(Event::id).hasSize(1000).startsWith(1L).endsWith(1000L);
    assertThat(again.append(TestEvents.range(1001, 1001, T0))).succeedsWithin(Duration.ofSeconds(30));
  }

  @Test
  void retentionByCountAndAgeThenReadersBehindGetGone() {
    History h = open(options().setMaxEvents(100).setMaxAge(Duration.ofHours(24)).setWindowEvents(1000));
    long now = System.currentTimeMillis() * 1000;
    long day = 24 * 3_600_000_000L;
    List<Event> events = new ArrayList<>();
    for (long id = 1; id <= 500; id++) {
      events.add(TestEvents.patch(id, id <= 300 ? now - 2 * day : now));
    }
    h.append(events);
    assertThat(h.saveSnapshot(500, new byte[] {5})).succeedsWithin(Duration.ofSeconds(30));
    assertThat(h.retainNow()).isEqualTo(400);
    assertThat(h.oldestId()).isEqualTo(401);
    assertThat(h.size()).isEqualTo(100);
    assertThatThrownBy(() -> h.readRecent(399, 10)).isInstanceOf(HistoryGoneException.class);
    assertThatThrownBy(() -> h.readAfter(0, 10))
        .isInstanceOfSatisfying(HistoryGoneException.class, e -> assertThat(e.oldest()).isEqualTo(401));
    assertThat(h.readAfter(400, 1)).extracting(Event::id).containsExactly(401L);

    h.append(TestEvents.range(501, 510, now));
    h.sync();
    assertThat(h.retainNow()).as("the count bound moves on, up to the snapshot").isEqualTo(10);
    assertThat(h.oldestId()).isEqualTo(411);
    assertThat(h.retainNow()).as("the events after the snapshot are kept beyond the count bound").isZero();
    assertThat(h.size()).isEqualTo(100);
  }

  @Test
  void retentionByAgeAlone() {
    History h = open(options().setMaxEvents(1_000_000).setMaxAge(Duration.ofHours(1)));
    long now = System.currentTimeMillis() * 1000;
    List<Event> events = new ArrayList<>();
    for (long id = 1; id <= 100; id++) {
      events.add(TestEvents.patch(id, id <= 60 ? now - 7_200_000_000L : now));
    }
    h.append(events);
    h.saveSnapshot(100, new byte[0]).join();
    assertThat(h.retainNow()).isEqualTo(60);
    assertThat(h.oldestId()).isEqualTo(61);
    assertThatThrownBy(() -> h.readAfter(59, 1)).isInstanceOf(HistoryGoneException.class);
  }

  @Test
  void backgroundRetentionMovesTheOldestId() {
    History h = open(options().setMaxEvents(10).setRetentionInterval(Duration.ofMillis(20)));
    h.append(TestEvents.range(1, 100, System.currentTimeMillis() * 1000));
    h.saveSnapshot(100, new byte[0]).join();
    await(() -> h.oldestId() == 91, "background retention to drop events 1..90");
    assertThat(h.size()).isEqualTo(10);
  }

  @Test
  void snapshotIsSavedAfterTheAppendsBeforeIt() {
    GatedLog store = gated();
    History h = history(store, options());
    CompletableFuture<Void> append = h.append(TestEvents.range(1, 10, T0));
    CompletableFuture<Void> save = h.saveSnapshot(10, new byte[] {42});
    assertThatThrownBy(() -> h.saveSnapshot(10, new byte[] {43}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("a state snapshot is already being saved");
    assertThat(save).isNotDone();
    store.open();
    assertThat(save).succeedsWithin(Duration.ofSeconds(30));
    assertThat(append).isDone();
    Snapshot s = h.loadSnapshot().orElseThrow();
    assertThat(s.id()).isEqualTo(10);
    assertThat(s.blob()).containsExactly(42);
    assertThat(h.saveSnapshot(11, new byte[0]))
        .failsWithin(Duration.ofSeconds(30))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .havingCause()
        .isInstanceOf(IllegalArgumentException.class)
        .withMessage("snapshot id 11 is past the last event written (10)");
  }

  @Test
  void aFailedWriteFailsThatAppendAndEveryLaterOne() throws Exception {
    GatedLog store = gated();
    History h = history(store, options());
    store.failWith = new HistoryStoreException("disk full");
    CompletableFuture<Void> a = h.append(TestEvents.range(1, 10, T0));
    take(store);
    CompletableFuture<Void> b = h.append(TestEvents.range(11, 20, T0));
    store.open();
    assertThatThrownBy(a::join).isInstanceOf(CompletionException.class).cause()
        .isInstanceOf(HistoryStoreException.class)
        .hasMessage("the history cannot take appends: an earlier write failed (disk full)");
    assertThatThrownBy(b::join).cause().isInstanceOf(HistoryStoreException.class);
    assertThat(h.append(TestEvents.range(21, 21, T0))).isCompletedExceptionally();
    assertThat(h.failure()).get().extracting(Throwable::getMessage).isEqualTo("disk full");
    assertThat(h.canAccept(1)).isFalse();
    assertThat(h.lastId()).isZero();
  }

  @Test
  void closeWritesWhatIsQueuedThenRefusesAppends() {
    History h = History.open(options());
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    for (long id = 1; id <= 2000; id += 20) {
      futures.add(h.append(TestEvents.range(id, id + 19, T0)));
    }
    h.close();
    h.close();
    assertThat(futures).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
    assertThat(h.append(TestEvents.range(2001, 2001, T0)))
        .failsWithin(Duration.ZERO)
        .withThrowableThat()
        .havingCause()
        .withMessage("the history is closed");
    History again = open(options());
    assertThat(again.lastId()).isEqualTo(2000);
  }

  @Test
  void aSecondHistoryOnTheSameDirectoryIsRefused() {
    open(options());
    assertThatThrownBy(() -> History.open(options()))
        .isInstanceOf(DataDirectoryInUseException.class)
        .hasMessageStartingWith("data directory " + tmp.resolve("data") + " is in use by another svcgate (pid ");
  }

  @Test
  void optionsAreValidated() {
    HistoryOptions o = new HistoryOptions();
    assertThat(o.getDataDir()).isEqualTo(Path.of("./data"));
    assertThat(o.getMaxEvents()).isEqualTo(100_000);
    assertThat(o.getMaxAge()).isEqualTo(Duration.ofHours(24));
    assertThatThrownBy(() -> o.setMaxEvents(0)).hasMessage("history max events must be at least 1, got 0");
    assertThatThrownBy(() -> o.setMaxAge(Duration.ofSeconds(-1)))
        .hasMessage("history max age must not be negative, got PT-1S");
    assertThatThrownBy(() -> o.setWindowEvents(-1))
        .hasMessage("history window must be between 0 and 10000000 events, got -1");
    assertThatThrownBy(() -> o.setMaxQueuedEvents(0)).hasMessage("history max queued events must be at least 1, got 0");
    assertThatThrownBy(() -> o.setMaxBatchEvents(0)).hasMessage("history max batch events must be at least 1, got 0");
  }

  /** Waits for a condition the test cannot be told about (a background thread's work), polling every millisecond. */
  static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      LockSupport.parkNanos(1_000_000);
    }
  }
}
