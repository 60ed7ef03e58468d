package io.svcgate.state.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.svcgate.state.Event;
import io.svcgate.state.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class MemoryEventLogTest {

  private static List<Event> range(long from, long to) {
    return LongStream.rangeClosed(from, to).mapToObj(Events::nodeFreeze).toList();
  }

  private static List<Long> ids(List<Event> events) {
    return events.stream().map(Event::id).toList();
  }

  @Test
  void emptyLog() {
    MemoryEventLog log = new MemoryEventLog(10);
    assertThat(log.epoch()).isNotBlank();
    assertThat(log.lastId()).isZero();
    assertThat(log.oldestId()).isEqualTo(1);
    assertThat(log.size()).isZero();
    assertThat(log.readAfter(0, 10)).isEmpty();
    assertThat(new MemoryEventLog(10).epoch()).isNotEqualTo(log.epoch());
    assertThat(new MemoryEventLog("e1", 0, 10).epoch()).isEqualTo("e1");
  }

  @Test
  void appendNeedsConsecutiveIdsAndIsAllOrNothing() {
    MemoryEventLog log = new MemoryEventLog(10);
    log.append(range(1, 3));
    assertThatThrownBy(() -> log.append(List.of(Events.nodeFreeze(5))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("event id 5 does not continue the history: expected 4");
    assertThatThrownBy(() -> log.append(List.of(Events.nodeFreeze(4), Events.nodeFreeze(6))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("event id 6");
    assertThatThrownBy(() -> log.append(List.of(Events.nodeFreeze(3))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(log.lastId()).isEqualTo(3);
    assertThat(ids(log.readAfter(0, 10))).containsExactly(1L, 2L, 3L);
    log.append(List.of());
    log.append(range(4, 4));
    assertThat(log.lastId()).isEqualTo(4);
  }

  @Test
  void logStartingAfterAGivenId() {
    MemoryEventLog log = new MemoryEventLog("e", 41, 10);
    assertThat(log.oldestId()).isEqualTo(42);
    assertThatThrownBy(() -> log.append(range(1, 1))).isInstanceOf(IllegalArgumentException.class);
    log.append(range(42, 43));
    assertThat(ids(log.readAfter(41, 10))).containsExactly(42L, 43L);
    assertThatThrownBy(() -> log.readAfter(40, 10)).isInstanceOf(HistoryGoneException.class);
  }

  @Test
  void readAfterPagesAndLookupById() {
    MemoryEventLog log = new MemoryEventLog(5000);
    log.append(range(1, 3000));
    assertThat(ids(log.readAfter(0, 3))).containsExactly(1L, 2L, 3L);
    assertThat(ids(log.readAfter(2998, 10))).containsExactly(2999L, 3000L);
    assertThat(log.readAfter(3000, 10)).isEmpty();
    assertThat(log.readAfter(5000, 10)).isEmpty();
    assertThat(log.readAfter(10, 0)).isEmpty();
    assertThat(log.get(1234).id()).isEqualTo(1234);
    assertThat(log.get(0)).isNull();
    assertThat(log.get(3001)).isNull();
    assertThatThrownBy(() -> log.readAfter(-1, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> log.readAfter(0, -1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void fullRingDropsTheOldestAndReadersGetGone() {
    MemoryEventLog log = new MemoryEventLog(1500);
    for (long id = 1; id <= 4000; id += 100) {
      log.append(range(id, id + 99));
    }
    assertThat(log.size()).isEqualTo(1500);
    assertThat(log.oldestId()).isEqualTo(2501);
    assertThat(log.lastId()).isEqualTo(4000);
    assertThat(ids(log.readAfter(2500, 2))).containsExactly(2501L, 2502L);
    assertThat(log.get(3999).id()).isEqualTo(3999);
    assertThatThrownBy(() -> log.readAfter(2499, 10))
        .isInstanceOf(HistoryGoneException.class)
        .hasMessage("events after 2499 are gone: the oldest event kept is 2501")
        .satisfies(e -> {
          assertThat(((HistoryGoneException) e).oldest()).isEqualTo(2501);
          assertThat(((HistoryGoneException) e).last()).isEqualTo(4000);
        });
    List<Event> all = new ArrayList<>();
    long after = 2500;
    while (true) {
      List<Event> page = log.readAfter(after, 333);
      if (page.isEmpty()) {
        break;
      }
      all.addAll(page);
      after = page.get(page.size() - 1).id();
    }
    assertThat(ids(all)).isEqualTo(LongStream.rangeClosed(2501, 4000).boxed().toList());
  }

  @Test
  void retainByCountAndAgeKeepsTheLastEvent() {
    MemoryEventLog log = new MemoryEventLog(100);
    for (long id = 1; id <= 10; id++) {
      log.append(List.of(Events.patchAt(id, 1000 + id, "n1", Path.of("x"))));
    }
    assertThat(log.retain(8, 0)).isEqualTo(2);
    assertThat(log.oldestId()).isEqualTo(3);
    assertThat(log.retain(100, 1005_000_000L)).as("older than ts 1005 s").isEqualTo(2);
    assertThat(log.oldestId()).isEqualTo(5);
    assertThat(log.retain(100, 0)).isZero();
    assertThat(log.retain(0, 0)).as("the last event stays").isEqualTo(5);
    assertThat(log.size()).isEqualTo(1);
    assertThat(log.oldestId()).isEqualTo(10);
    assertThat(log.retain(0, Long.MAX_VALUE)).isZero();
    assertThat(ids(log.readAfter(9, 10))).containsExactly(10L);
    assertThatThrownBy(() -> log.readAfter(8, 10)).isInstanceOf(HistoryGoneException.class);
    log.append(range(11, 11));
    assertThat(log.size()).isEqualTo(2);
    assertThatThrownBy(() -> log.retain(-1, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void closedLogRefusesWork() {
    MemoryEventLog log = new MemoryEventLog(10);
    log.append(range(1, 2));
    log.close();
    assertThatThrownBy(() -> log.readAfter(0, 10)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> log.append(range(3, 3))).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> new MemoryEventLog(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @Timeout(30)
  void oneWriterAndConcurrentReadersSeeConsecutiveIds() throws Exception {
    MemoryEventLog log = new MemoryEventLog(5000);
    long total = 20_000;
    List<List<Event>> batches = new ArrayList<>();
    for (long id = 1; id <= total; id += 10) {
      batches.add(range(id, id + 9));
    }
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<Long>> readers = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        readers.add(pool.submit(() -> {
          long after = 0;
          long gaps = 0;
          while (after < total) {
            List<Event> page;
            try {
              page = log.readAfter(after, 500);
            } catch (HistoryGoneException e) {
              gaps++;
              after = e.oldest() - 1;
              continue;
            }
            for (Event e : page) {
              if (e.id() != after + 1) {
                throw new AssertionError("expected " + (after + 1) + ", got " + e.id());
              }
              after = e.id();
            }
            if (page.isEmpty()) {
              Thread.yield();
            }
          }
          return gaps;
        }));
      }
      for (List<Event> batch : batches) {
        log.append(batch);
        if (batch.get(0).id() % 1000 == 1) {
          log.retain(1500, 0);
        }
      }
      for (Future<Long> f : readers) {
        assertThat(f.get(30, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(0);
      }
      assertThat(log.lastId()).isEqualTo(total);
    } finally {
      pool.shutdownNow();
    }
  }
}
