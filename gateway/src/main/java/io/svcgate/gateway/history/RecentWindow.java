package io.svcgate.gateway.history;

import io.svcgate.state.Event;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The most recent durable events, in a ring indexed by id. One thread (the writer)
 * puts; any thread gets. A slot overwritten by a newer event answers null for the old
 * id, so a reader never gets a wrong event, only a miss.
 */
final class RecentWindow {

  private final AtomicReferenceArray<Event> ring;
  private final int capacity;

  RecentWindow(int capacity) {
    this.capacity = capacity;
    this.ring = new AtomicReferenceArray<>(Math.max(capacity, 1));
  }

  int capacity() {
    return capacity;
  }

  void put(Event e) {
    if (capacity > 0) {
      ring.set((int) (e.id() % capacity), e);
    }
  }

  /** The event of {@code id} if the window still holds it, else null. */
  Event get(long id) {
    if (capacity == 0) {
      return null;
    }
    Event e = ring.get((int) (id % capacity));
    return e != null && e.id() == id ? e : null;
  }
}
