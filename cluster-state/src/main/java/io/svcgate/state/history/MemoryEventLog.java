package io.svcgate.state.history;

import io.svcgate.state.Event;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The history kept in memory: a ring of at most {@code capacity} events, looked
 * up by id in O(1) ({@code slot = (head + id - oldestId) mod length}).
 *
 * <p>Bounded: appending to a full ring drops the oldest event (readers then get
 * {@link HistoryGoneException} for it, never a silent gap). The ring starts
 * small and doubles up to {@code capacity}.
 *
 * <p>Thread-safety: one writer ({@link #append}, {@link #retain}) and any number
 * of concurrent readers. Each operation holds a read-write lock for its own
 * short, bounded work only (a read copies at most {@code limit} references; an
 * append stores its batch), so no caller waits on another for long.
 */
public final class MemoryEventLog implements EventLog {

  private static final int INITIAL_LENGTH = 1024;

  private final String epoch;
  private final int capacity;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private Event[] ring;
  private int head;
  private int count;
  private long oldestId;
  private long lastId;
  private boolean closed;

  /** An empty history with a random epoch, ids starting at 1. */
  public MemoryEventLog(int capacity) {
    this(UUID.randomUUID().toString(), 0, capacity);
  }

  /**
   * An empty history whose next event has id {@code lastId + 1}.
   *
   * @param epoch    the history's epoch
   * @param lastId   the id of the last event before this history (0 for none)
   * @param capacity the most events kept (at least 1)
   */
  public MemoryEventLog(String epoch, long lastId, int capacity) {
    this.epoch = Objects.requireNonNull(epoch, "epoch");
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    if (lastId < 0) {
      throw new IllegalArgumentException("lastId must not be negative, got " + lastId);
    }
    this.capacity = capacity;
    this.ring = new Event[Math.min(capacity, INITIAL_LENGTH)];
    this.lastId = lastId;
    this.oldestId = lastId + 1;
  }

  /** The most events this log keeps. */
  public int capacity() {
    return capacity;
  }

  @Override
  public String epoch() {
    return epoch;
  }

  @Override
  public long lastId() {
    lock.readLock().lock();
    try {
      return lastId;
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public long oldestId() {
    lock.readLock().lock();
    try {
      return oldestId;
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public long size() {
    lock.readLock().lock();
    try {
      return count;
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Either all events are appended or none (the ids are checked first).
   */
  @Override
  public void append(List<Event> events) {
    if (events.isEmpty()) {
      return;
    }
    lock.writeLock().lock();
    try {
      ensureOpen();
      long expected = lastId + 1;
      for (Event e : events) {
        Objects.requireNonNull(e, "event");
        if (e.id() != expected) {
          throw new IllegalArgumentException("event id " + e.id() + " does not continue the history: expected " + expected);
        }
        expected++;
      }
      for (Event e : events) {
        if (count == capacity) {
          dropOldest();
        } else if (count == ring.length) {
          grow();
        }
        ring[(head + count) % ring.length] = e;
        count++;
        lastId = e.id();
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public List<Event> readAfter(long after, int limit) {
    if (after < 0) {
      throw new IllegalArgumentException("after must not be negative, got " + after);
    }
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative, got " + limit);
    }
    lock.readLock().lock();
    try {
      ensureOpen();
      if (after < oldestId - 1) {
        throw new HistoryGoneException(after, oldestId, lastId);
      }
      if (after >= lastId || limit == 0) {
        return List.of();
      }
      int n = (int) Math.min(limit, lastId - after);
      Event[] out = new Event[n];
      int first = (int) (after + 1 - oldestId);
      for (int i = 0; i < n; i++) {
        out[i] = ring[(head + first + i) % ring.length];
      }
      return Arrays.asList(out);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The event with this id, or null when it is not kept. */
  public Event get(long id) {
    lock.readLock().lock();
    try {
      ensureOpen();
      if (id < oldestId || id > lastId) {
        return null;
      }
      return ring[(int) ((head + (id - oldestId)) % ring.length)];
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public long retain(long maxEvents, long minTsMicros) {
    if (maxEvents < 0) {
      throw new IllegalArgumentException("maxEvents must not be negative, got " + maxEvents);
    }
    lock.writeLock().lock();
    try {
      ensureOpen();
      long dropped = 0;
      while (count > 1 && (count > maxEvents || ring[head].tsMicros() < minTsMicros)) {
        dropOldest();
        dropped++;
      }
      return dropped;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Empties the log; any later call but the getters of ids fails with {@link IllegalStateException}. */
  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      closed = true;
      Arrays.fill(ring, null);
      count = 0;
    } finally {
      lock.writeLock().unlock();
    }
  }

  private void dropOldest() {
    ring[head] = null;
    head = (head + 1) % ring.length;
    count--;
    oldestId++;
  }

  private void grow() {
    int length = (int) Math.min((long) ring.length * 2, capacity);
    Event[] bigger = new Event[length];
    for (int i = 0; i < count; i++) {
      bigger[i] = ring[(head + i) % ring.length];
    }
    ring = bigger;
    head = 0;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the event log is closed");
    }
  }

  @Override
  public String toString() {
    return "MemoryEventLog{epoch=" + epoch + ", oldest=" + oldestId + ", last=" + lastId + ", capacity=" + capacity + "}";
  }
}
