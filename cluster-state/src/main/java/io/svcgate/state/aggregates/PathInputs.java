package io.svcgate.state.aggregates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

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
  /**
   * By position: the live entry object each slot was last read from. A change reported
   * below one key of that same object changed that key alone; another object (the entry
   * set again whole) is compared key by key.
   */
  private final ObjectNode[] sources;
  private final Tally tally = new Tally();
  private Boolean aggregated;

  PathInputs(String path, ClusterView view) {
    this.path = ObjectPath.parse(path);
    this.view = view;
    List<String> counting = view.counting();
    this.slots = new Instances.Entry[counting.size()];
    this.sources = new ObjectNode[slots.length];
    for (int i = 0; i < slots.length; i++) {
      sources[i] = source(view, counting.get(i), path);
      slots[i] = entry(counting.get(i), sources[i]);
      if (slots[i] != null && slots[i].counted()) {
        tally.add(slots[i].status());
      }
    }
  }

  /** A node's live status entry of the path when it is an object, else null. */
  private static ObjectNode source(ClusterView view, String node, String path) {
    ObjectNode status = view.status(node);
    JsonNode e = status == null ? null : status.get(path);
    return e != null && e.isObject() ? (ObjectNode) e : null;
  }

  private static Instances.Entry entry(String node, ObjectNode e) {
    return e == null ? null
        : new Instances.Entry(node, AggregateRules.inputs(e), AggregateRules.truthy(e.get("updated")));
  }

  /**
   * Reads a node's entry again, after a change to it (or to its config entry).
   *
   * @param keys the input keys of the entry that changed (the changes were at or below
   *             them, in the entry object last read), or null when any may have: then
   *             every input key is compared
   * @return false when what the rules read of the path is the same as before (the
   *         change was to a value set again as it was): its aggregate cannot have changed
   */
  boolean refresh(String node, boolean config, List<String> keys) {
    if (config) {
      aggregated = null;
      return true;
    }
    int i = view.position(node);
    Instances.Entry before = slots[i];
    ObjectNode status = view.status(node);
    JsonNode e = status == null ? null : status.get(path.path());
    if (before != null && e != null && e.isObject()) {
      ObjectNode live = (ObjectNode) e;
      boolean same = live == sources[i];
      sources[i] = live;
      return update(i, before, live, same ? keys : null);
    }
    sources[i] = e != null && e.isObject() ? (ObjectNode) e : null;
    Instances.Entry now = entry(node, sources[i]);
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

  /**
   * Brings a kept entry up to date with the live one in place: the input keys (or those
   * that changed) are compared one by one (a value the document still shares with the kept
   * entry costs a reference comparison), and only when one differs does the tally move.
   */
  private boolean update(int i, Instances.Entry before, ObjectNode live, List<String> keys) {
    ObjectNode kept = before.status();
    List<String> differ = null;
    for (String k : keys == null ? AggregateRules.INSTANCE_INPUTS : keys) {
      if (differs(k, live, kept)) {
        if (differ == null) {
          differ = new ArrayList<>(2);
        }
        if (!differ.contains(k)) {
          differ.add(k);
        }
      }
    }
    if (differ == null) {
      return false;
    }
    boolean wasCounted = before.counted();
    if (wasCounted) {
      tally.remove(kept);
    }
    for (String k : differ) {
      JsonNode v = AggregateRules.input(k, live.get(k));
      if (v == null) {
        kept.remove(k);
      } else {
        kept.set(k, v);
      }
    }
    boolean counted = AggregateRules.truthy(kept.get("updated"));
    if (counted != wasCounted) {
      slots[i] = new Instances.Entry(before.node(), kept, counted);
    }
    if (counted) {
      tally.add(kept);
    }
    return true;
  }

  /**
   * True when the live value of an input key does not read as the kept one. When it does
   * and is not a container, the kept entry takes the live value, as a fresh read would.
   */
  private static boolean differs(String k, ObjectNode live, ObjectNode kept) {
    JsonNode lv = live.get(k);
    JsonNode kv = kept.get(k);
    if (lv == kv) {
      return false;
    }
    if (lv != null && kv != null && sameInput(k, lv, kv)) {
      if (!lv.isContainerNode()) {
        kept.set(k, lv);
      }
      return false;
    }
    return true;
  }

  /** True when a live value reads as the kept one ({@link AggregateRules#input}). */
  private static boolean sameInput(String key, JsonNode live, JsonNode kept) {
    if (live.isObject() && "monitor".equals(key)) {
      if (!kept.isObject()) {
        return false;
      }
      for (String mk : AggregateRules.MONITOR_INPUTS) {
        if (!Objects.equals(live.get(mk), kept.get(mk))) {
          return false;
        }
      }
      return true;
    }
    return live.equals(kept);
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
    List<Instances.Entry> entries = new ArrayList<>(slots.length);
    for (Instances.Entry e : slots) {
      if (e != null) {
        entries.add(e);
      }
    }
    return new Instances(entries);
  }
}
