package io.svcgate.gateway.raw;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Failed decryptions per source address, as OpenSVC's listener keeps them, but
 * bounded and expiring (docs/opensvc.md, "Refusals and the blacklist"). An address
 * whose count of consecutive failures is above {@code threshold} is refused without
 * decrypting; a success clears its count; an entry expires {@code ttl} after its last
 * failure; at most {@code maxEntries} addresses are tracked, the one whose last
 * failure is oldest giving way to a new one.
 *
 * <p>Not thread-safe: confined to the raw listener's event loop.
 */
final class Blacklist {

  private static final class Entry {
    int count;
    long last;
  }

  private final int threshold;
  private final long ttlMs;
  private final int maxEntries;
  private final LongSupplier clockMs;
  /** In order of last failure, oldest first. */
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();

  Blacklist(int threshold, long ttlMs, int maxEntries, LongSupplier clockMs) {
    this.threshold = threshold;
    this.ttlMs = ttlMs;
    this.maxEntries = maxEntries;
    this.clockMs = clockMs;
  }

  /** True when {@code addr} is refused now. */
  boolean refused(String addr) {
    Entry e = entries.get(addr);
    if (e == null) {
      return false;
    }
    if (clockMs.getAsLong() - e.last >= ttlMs) {
      entries.remove(addr);
      return false;
    }
    return e.count > threshold;
  }

  /**
   * Counts a failed decryption from {@code addr}.
   *
   * @return true when this failure put the address on the list
   */
  boolean failure(String addr) {
    if (maxEntries <= 0) {
      return false;
    }
    Entry e = entries.remove(addr);
    long now = clockMs.getAsLong();
    if (e == null || now - e.last >= ttlMs) {
      e = new Entry();
    }
    e.count++;
    e.last = now;
    entries.put(addr, e);
    while (entries.size() > maxEntries) {
      Iterator<String> it = entries.keySet().iterator();
      it.next();
      it.remove();
    }
    return e.count == threshold + 1;
  }

  /** A successful decryption from {@code addr} clears its count. */
  void success(String addr) {
    entries.remove(addr);
  }

  /** Drops the entries whose last failure is older than the ttl. */
  void expire() {
    long now = clockMs.getAsLong();
    Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
    while (it.hasNext()) {
      if (now - it.next().getValue().last >= ttlMs) {
        it.remove();
      } else {
        break;
      }
    }
  }

  /** Forgets every address; returns how many were refused. */
  int clear() {
    int n = refusedCount();
    entries.clear();
    return n;
  }

  /** Addresses tracked (refused or not yet). */
  int size() {
    return entries.size();
  }

  /** Addresses refused now. */
  int refusedCount() {
    long now = clockMs.getAsLong();
    int n = 0;
    for (Entry e : entries.values()) {
      if (e.count > threshold && now - e.last < ttlMs) {
        n++;
      }
    }
    return n;
  }
}
