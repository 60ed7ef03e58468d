package io.svcgate.state.history;

import io.svcgate.state.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads filtered history pages (docs/api.md, {@code GET /api/events}).
 *
 * <p>A read scans forward from {@code after} in batches until it has
 * {@code limit} matching events or reaches the end of the history. Each call
 * scans at most {@link #maxScan()} events: a sparse filter over a long history
 * then returns a shorter (possibly empty) page whose {@link Page#next()} is the
 * last id scanned, so the next page resumes there and nothing is scanned twice.
 * A page is complete (reached the end) when {@code next == last}.
 *
 * <p>Thread-safe; each read is bounded by {@link #maxScan()} and the log's own
 * read costs.
 */
public final class HistoryReader {

  /** The default bound of events scanned by one read. */
  public static final int DEFAULT_MAX_SCAN = 100_000;

  /** A reader with {@link #DEFAULT_MAX_SCAN}. */
  public static final HistoryReader DEFAULT = new HistoryReader(DEFAULT_MAX_SCAN);

  private static final int BATCH = 1024;

  private final int maxScan;

  /**
   * @param maxScan the most events one read scans (at least 1)
   */
  public HistoryReader(int maxScan) {
    if (maxScan < 1) {
      throw new IllegalArgumentException("maxScan must be at least 1, got " + maxScan);
    }
    this.maxScan = maxScan;
  }

  /** The most events one read scans. */
  public int maxScan() {
    return maxScan;
  }

  /**
   * One page of matching events with id &gt; {@code after}.
   *
   * @param after the last id the reader has (0 to start from the beginning)
   * @param limit the most events in the page (at least 1)
   * @throws IllegalArgumentException when {@code after} is negative or greater than the last id, or {@code limit < 1}
   * @throws HistoryGoneException     when events after {@code after} are no longer kept
   */
  public Page read(EventLog log, long after, int limit, EventQuery query) {
    Objects.requireNonNull(query, "query");
    if (after < 0) {
      throw new IllegalArgumentException("after must not be negative, got " + after);
    }
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, got " + limit);
    }
    long last = log.lastId();
    if (after > last) {
      throw new IllegalArgumentException("after " + after + " is beyond the last event id " + last);
    }
    boolean all = query.isAll();
    List<Event> out = new ArrayList<>(Math.min(limit, BATCH));
    long cursor = after;
    long scanned = 0;
    boolean first = true;
    while (out.size() < limit && scanned < maxScan) {
      int want = (int) Math.min(maxScan - scanned, all ? limit - out.size() : BATCH);
      List<Event> batch;
      try {
        batch = log.readAfter(cursor, want);
      } catch (HistoryGoneException e) {
        if (first) {
          throw e;
        }
        break; // retention overtook this scan: return what we have; the next read reports the gap
      }
      first = false;
      if (batch.isEmpty()) {
        break;
      }
      for (Event e : batch) {
        cursor = e.id();
        scanned++;
        if (all || query.test(e)) {
          out.add(e);
          if (out.size() == limit) {
            break;
          }
        }
      }
    }
    return new Page(List.copyOf(out), cursor, log.oldestId(), Math.max(log.lastId(), cursor), scanned);
  }

  /**
   * One page.
   *
   * @param events  the matching events, in id order
   * @param next    the {@code after} value for the next page: the last id scanned
   * @param oldest  the oldest id kept when the read ended
   * @param last    the last id when the read ended
   * @param scanned how many events were scanned
   */
  public record Page(List<Event> events, long next, long oldest, long last, long scanned) {

    /** True when the scan reached the last event. */
    public boolean atEnd() {
      return next >= last;
    }
  }
}
