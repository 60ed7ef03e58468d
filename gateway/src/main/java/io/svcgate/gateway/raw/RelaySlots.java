package io.svcgate.gateway.raw;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The relay's mailbox (docs/opensvc.md, "Relay"): one slot per
 * {@code <cluster_id>/<nodename>}, holding the last heartbeat message that node sent,
 * as sent, with the relay's own time of receipt. A slot expires {@code ttlMs} after
 * its last update; at most {@code maxSlots} slots and {@code maxBytes} characters of
 * messages are held, past which a new message is refused (expired slots are dropped
 * first). {@code updated} changes on every store and only then, as OpenSVC's
 * receivers require: they skip a message whose {@code updated} they have seen.
 *
 * <p>Not thread-safe: confined to the raw listener's event loop.
 */
final class RelaySlots {

  /** One stored message. */
  record Slot(String msg, double updated, String clusterName, String clusterId, String ipaddr, long storedMs) {
  }

  private final int maxSlots;
  private final long maxBytes;
  private final long ttlMs;
  private final LongSupplier clockMs;
  /** In order of last update, oldest first. */
  private final LinkedHashMap<String, Slot> slots = new LinkedHashMap<>();
  private long bytes;

  RelaySlots(int maxSlots, long maxBytes, long ttlMs, LongSupplier clockMs) {
    this.maxSlots = maxSlots;
    this.maxBytes = maxBytes;
    this.ttlMs = ttlMs;
    this.clockMs = clockMs;
  }

  /** The key of a node's slot. */
  static String key(String clusterId, String nodename) {
    return clusterId + "/" + nodename;
  }

  /**
   * Stores {@code msg} in the slot {@code key}, replacing what it held.
   *
   * @return the slot stored, or null when the relay is full (the message is not kept)
   */
  Slot put(String key, String msg, String clusterName, String clusterId, String ipaddr) {
    expire();
    long now = clockMs.getAsLong();
    Slot old = slots.get(key);
    long freed = old == null ? 0 : old.msg().length();
    if (old == null && slots.size() >= maxSlots || bytes - freed + msg.length() > maxBytes) {
      return null;
    }
    double updated = now / 1000d;
    if (old != null && updated <= old.updated()) {
      updated = Math.nextUp(old.updated());
    }
    if (old != null) {
      slots.remove(key);
      bytes -= freed;
    }
    Slot s = new Slot(msg, updated, clusterName, clusterId, ipaddr, now);
    slots.put(key, s);
    bytes += msg.length();
    return s;
  }

  /** The slot {@code key}, or null when it is empty or expired. */
  Slot get(String key) {
    Slot s = slots.get(key);
    if (s == null) {
      return null;
    }
    if (clockMs.getAsLong() - s.storedMs() >= ttlMs) {
      remove(key, s);
      return null;
    }
    return s;
  }

  /** Drops the expired slots. */
  void expire() {
    long now = clockMs.getAsLong();
    Iterator<Map.Entry<String, Slot>> it = slots.entrySet().iterator();
    while (it.hasNext()) {
      Slot s = it.next().getValue();
      if (now - s.storedMs() < ttlMs) {
        break;
      }
      it.remove();
      bytes -= s.msg().length();
    }
  }

  private void remove(String key, Slot s) {
    slots.remove(key);
    bytes -= s.msg().length();
  }

  /** The live slots, oldest update first; a copy. */
  Map<String, Slot> snapshot() {
    expire();
    return new LinkedHashMap<>(slots);
  }

  int size() {
    return slots.size();
  }

  /** Characters of messages held. */
  long bytes() {
    return bytes;
  }
}
