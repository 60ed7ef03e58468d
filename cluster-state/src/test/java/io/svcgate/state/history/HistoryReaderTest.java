package io.svcgate.state.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.svcgate.state.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HistoryReaderTest {

  /** Ids 1..n: every 10th is a node_freeze event from n2, the rest patches from n1. */
  private static MemoryEventLog log(int n) {
    MemoryEventLog log = new MemoryEventLog("e", 0, n + 10);
    List<Event> events = new ArrayList<>();
    for (long id = 1; id <= n; id++) {
      events.add(id % 10 == 0 ? Events.event(id, "n2", "node_freeze", null) : Events.nodeFreeze(id));
    }
    log.append(events);
    return log;
  }

  private static final EventQuery FREEZES = EventQuery.parse(Map.of("eventid", List.of("node_freeze")));

  private static List<Long> ids(HistoryReader.Page p) {
    return p.events().stream().map(Event::id).toList();
  }

  @Test
  void unfilteredPages() {
    MemoryEventLog log = log(25);
    HistoryReader.Page p = HistoryReader.DEFAULT.read(log, 0, 10, EventQuery.ALL);
    assertThat(ids(p)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
    assertThat(p.next()).isEqualTo(10);
    assertThat(p.last()).isEqualTo(25);
    assertThat(p.oldest()).isEqualTo(1);
    assertThat(p.atEnd()).isFalse();
    p = HistoryReader.DEFAULT.read(log, 20, 10, EventQuery.ALL);
    assertThat(ids(p)).containsExactly(21L, 22L, 23L, 24L, 25L);
    assertThat(p.next()).isEqualTo(25);
    assertThat(p.atEnd()).isTrue();
    p = HistoryReader.DEFAULT.read(log, 25, 10, EventQuery.ALL);
    assertThat(p.events()).isEmpty();
    assertThat(p.next()).isEqualTo(25);
  }

  @Test
  void filteredPagesResumeWhereTheScanStopped() {
    MemoryEventLog log = log(5000);
    HistoryReader.Page p = HistoryReader.DEFAULT.read(log, 0, 3, FREEZES);
    assertThat(ids(p)).containsExactly(10L, 20L, 30L);
    assertThat(p.next()).as("the last id scanned").isEqualTo(30);
    assertThat(p.scanned()).isEqualTo(30);
    List<Long> all = new ArrayList<>(ids(p));
    while (!p.atEnd()) {
      p = HistoryReader.DEFAULT.read(log, p.next(), 77, FREEZES);
      all.addAll(ids(p));
    }
    assertThat(all).hasSize(500).doesNotHaveDuplicates().isSorted();
    assertThat(all.get(499)).isEqualTo(5000);
    HistoryReader.Page tail = HistoryReader.DEFAULT.read(log, 4991, 10, FREEZES);
    assertThat(ids(tail)).containsExactly(5000L);
    HistoryReader.Page none = HistoryReader.DEFAULT.read(log, 4995, 10,
        EventQuery.parse(Map.of("nodename", List.of("nobody"))));
    assertThat(none.events()).isEmpty();
    assertThat(none.next()).as("a filtered page never re-scans").isEqualTo(5000);
  }

  @Test
  void scanIsBoundedPerRead() {
    MemoryEventLog log = log(5000);
    HistoryReader reader = new HistoryReader(1000);
    EventQuery nothing = EventQuery.parse(Map.of("nodename", List.of("nobody")));
    HistoryReader.Page p = reader.read(log, 0, 10, nothing);
    assertThat(p.events()).isEmpty();
    assertThat(p.scanned()).isEqualTo(1000);
    assertThat(p.next()).isEqualTo(1000);
    assertThat(p.atEnd()).isFalse();
    p = reader.read(log, 0, 1000, FREEZES);
    assertThat(p.events()).hasSize(100);
    assertThat(p.next()).isEqualTo(1000);
    assertThatThrownBy(() -> new HistoryReader(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void afterBeyondTheLastIdIsRefused() {
    MemoryEventLog log = log(25);
    assertThatThrownBy(() -> HistoryReader.DEFAULT.read(log, 26, 10, EventQuery.ALL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("after 26 is beyond the last event id 25");
    assertThatThrownBy(() -> HistoryReader.DEFAULT.read(log, -1, 10, EventQuery.ALL))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HistoryReader.DEFAULT.read(log, 0, 0, EventQuery.ALL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit must be at least 1, got 0");
  }

  @Test
  void afterOlderThanTheOldestKeptIsGone() {
    MemoryEventLog log = log(100);
    log.retain(50, 0);
    assertThat(log.oldestId()).isEqualTo(51);
    assertThatThrownBy(() -> HistoryReader.DEFAULT.read(log, 49, 10, FREEZES))
        .isInstanceOf(HistoryGoneException.class)
        .satisfies(e -> assertThat(((HistoryGoneException) e).oldest()).isEqualTo(51));
    assertThat(ids(HistoryReader.DEFAULT.read(log, 50, 2, FREEZES))).containsExactly(60L, 70L);
  }
}
