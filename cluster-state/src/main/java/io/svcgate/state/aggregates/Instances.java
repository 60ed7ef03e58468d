package io.svcgate.state.aggregates;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The status entries of one object path on the counting nodes, in {@code cluster.nodes}
 * order (aggregates.md §2.3). Entries that are not JSON objects are not status entries.
 *
 * @param entries every status entry, counted or not
 */
record Instances(List<Entry> entries) {

  /**
   * One status entry.
   *
   * @param node    the node it comes from
   * @param status  {@code monitor.nodes.<node>.services.status.<path>}
   * @param counted true when its {@code updated} is truthy; false for a placeholder
   */
  record Entry(String node, ObjectNode status, boolean counted) {
  }

  /** The first status entry, counted or not; null when there is none. */
  ObjectNode first() {
    return entries.isEmpty() ? null : entries.get(0).status();
  }

  /** The counted instances, in order. */
  List<ObjectNode> counted() {
    List<ObjectNode> c = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      if (e.counted()) {
        c.add(e.status());
      }
    }
    return c;
  }

  /** The first counted instance, or null. */
  ObjectNode reference() {
    for (Entry e : entries) {
      if (e.counted()) {
        return e.status();
      }
    }
    return null;
  }
}
