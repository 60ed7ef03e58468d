package io.svcgate.state.aggregates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The status entries of one object path on the counting nodes, in {@code cluster.nodes}
 * order (aggregates.md §2.3). Entries that are not JSON objects are not status entries.
 * Immutable once made: the counted instances and the reference instance are worked out
 * once, since every rule reads them.
 */
final class Instances implements InstanceSet {

  /** No status entry at all. */
  static final Instances NONE = new Instances(List.of());

  /**
   * One status entry.
   *
   * @param node    the node it comes from
   * @param status  {@code monitor.nodes.<node>.services.status.<path>}, or a copy of the
   *                keys of it that the rules read ({@link AggregateRules#inputs})
   * @param counted true when its {@code updated} is truthy; false for a placeholder
   */
  record Entry(String node, ObjectNode status, boolean counted) {
  }

  private final List<Entry> entries;
  private final List<ObjectNode> counted;
  private final Tally tally;

  /** @param entries every status entry, counted or not, in order */
  Instances(List<Entry> entries) {
    this.entries = List.copyOf(entries);
    List<ObjectNode> c = new ArrayList<>(entries.size());
    for (Entry e : this.entries) {
      if (e.counted()) {
        c.add(e.status());
      }
    }
    this.counted = Collections.unmodifiableList(c);
    this.tally = Tally.of(c);
  }

  /** Every status entry, counted or not, in order. */
  List<Entry> entries() {
    return entries;
  }

  @Override
  public ObjectNode first() {
    return entries.isEmpty() ? null : entries.get(0).status();
  }

  /** The counted instances, in order. */
  List<ObjectNode> counted() {
    return counted;
  }

  @Override
  public ObjectNode reference() {
    return counted.isEmpty() ? null : counted.get(0);
  }

  @Override
  public ObjectNode lastCounted() {
    return counted.isEmpty() ? null : counted.get(counted.size() - 1);
  }

  @Override
  public JsonNode firstCountedValue(String key) {
    for (ObjectNode i : counted) {
      JsonNode v = i.get(key);
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  @Override
  public Tally tally() {
    return tally;
  }
}
