package io.svcgate.state.aggregates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * What the rules read of one object path, kept between changes (aggregates.md §2.2,
 * §2.3): whether it gets an aggregate, its status entry on each counting node reduced to
 * the keys the rules read ({@link AggregateRules#inputs}), and the {@link Tally} of the
 * counted ones. A change to one node's entry refreshes that node's slot and moves the
 * tally by that entry alone: the aggregate is then made from counts, with no walk over
 * the document or over the other instances.
 *
 * <p>Valid for one {@link ClusterView} (the counting nodes and their order); the
 * aggregator drops every one when the view changes. Not thread-safe.
 */
final class PathInputs implements InstanceSet {

  final ObjectPath path;
  private final ClusterView view;
  /** By position in the view's counting nodes: the entry, or null. */
  private final Instances.Entry[] slots;
  private final Tally tally = new Tally();
  private Boolean aggregated;

  PathInputs(String path, ClusterView view) {
    this.path = ObjectPath.parse(path);
    this.view = view;
    List<String> counting = view.counting();
    this.slots = new Instances.Entry[counting.size()];
    for (int i = 0; i < slots.length; i++) {
      slots[i] = entry(view, counting.get(i), path);
      if (slots[i] != null && slots[i].counted()) {
        tally.add(slots[i].status());
      }
    }
  }

  private static Instances.Entry entry(ClusterView view, String node, String path) {
    ObjectNode status = view.status(node);
    JsonNode e = status == null ? null : status.get(path);
    if (e == null || !e.isObject()) {
      return null;
    }
    return new Instances.Entry(node, AggregateRules.inputs((ObjectNode) e), AggregateRules.truthy(e.get("updated")));
  }

  /**
   * Reads a node's entry again, after a change to it (or to its config entry).
   *
   * @return false when what the rules read of the path is the same as before (the
   *         change was to a value set again as it was): its aggregate cannot have changed
   */
  boolean refresh(String node, boolean config) {
    if (config) {
      aggregated = null;
      return true;
    }
    int i = view.position(node);
    Instances.Entry before = slots[i];
    Instances.Entry now = entry(view, node, path.path());
    slots[i] = now;
    if (before == null ? now == null
        : now != null && before.counted() == now.counted() && before.status().equals(now.status())) {
      // the same contribution to the tally (equal values count as one)
      return false;
    }
    if (before != null && before.counted()) {
      tally.remove(before.status());
    }
    if (now != null && now.counted()) {
      tally.add(now.status());
    }
    return true;
  }

  /** True when some counting node has a config entry for the path. */
  boolean aggregated() {
    if (aggregated == null) {
      aggregated = view.aggregated(path.path());
    }
    return aggregated;
  }

  @Override
  public ObjectNode first() {
    for (Instances.Entry e : slots) {
      if (e != null) {
        return e.status();
      }
    }
    return null;
  }

  @Override
  public ObjectNode reference() {
    for (Instances.Entry e : slots) {
      if (e != null && e.counted()) {
        return e.status();
      }
    }
    return null;
  }

  @Override
  public ObjectNode lastCounted() {
    for (int i = slots.length - 1; i >= 0; i--) {
      Instances.Entry e = slots[i];
      if (e != null && e.counted()) {
        return e.status();
      }
    }
    return null;
  }

  @Override
  public JsonNode firstCountedValue(String key) {
    for (Instances.Entry e : slots) {
      if (e != null && e.counted()) {
        JsonNode v = e.status().get(key);
        if (v != null) {
          return v;
        }
      }
    }
    return null;
  }

  @Override
  public Tally tally() {
    return tally;
  }

  /** The entries as a list, counted or not, in order (for comparisons in tests). */
  Instances instances() {
    List<Instances.Entry> entries = new java.util.ArrayList<>(slots.length);
    for (Instances.Entry e : slots) {
      if (e != null) {
        entries.add(e);
      }
    }
    return new Instances(entries);
  }
}
