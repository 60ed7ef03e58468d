package io.svcgate.state.aggregates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the rules of aggregates.md §5 read of the counted instances of one object, as
 * counts: each counted instance adds its share when it comes and takes it back when it
 * goes or changes ({@link #add}, {@link #remove}), so a change to one instance costs one
 * instance's worth of work, not a walk over all of them. The rules that need one
 * particular instance (the first, the reference, the last counted) take it from the
 * {@link InstanceSet}; everything that depends on all counted instances comes from here.
 *
 * <p>Values are counted as JSON values with Jackson's equality, as the rules compare them
 * ({@code "up"}, {@code "warn"}, …); only instances that have the key take part, a JSON
 * null included. Not thread-safe; owned by one {@link InstanceSet}.
 */
final class Tally {

  private int counted;
  /** Counted instances with an {@code avail} key, by value. */
  private final Map<JsonNode, Integer> avail = new HashMap<>(4);
  private int availTotal;
  /** Counted instances with an {@code overall} key, by value. */
  private final Map<JsonNode, Integer> overall = new HashMap<>(4);
  private int overallTotal;
  /** Counted instances with an {@code avail} key and a truthy {@code frozen} (§5.3). */
  private int frozenWithAvail;
  /** Counted instances whose {@code frozen} is not truthy (§5.4). */
  private int thawed;
  /** Thawed instances with a {@code monitor} object and an {@code avail} of up or warn (§5.4 step 4). */
  private int running;
  /** Thawed instances with a {@code monitor} object and an {@code avail} key that are misplaced (§5.4 step 4). */
  private int misplaced;
  /** Counted instances with a non-null {@code provisioned}, those {@code true}, those {@code "mixed"} (§5.5). */
  private int provisionedTotal;
  private int provisionedTrue;
  private int provisionedMixed;
  /** Counted instances that are up or starting, for a scaler over its slices (§5.1 step 3). */
  private int sliceUp;

  /** A tally of these counted instances. */
  static Tally of(List<ObjectNode> counted) {
    Tally t = new Tally();
    for (ObjectNode i : counted) {
      t.add(i);
    }
    return t;
  }

  /** Counts one more counted instance. */
  void add(ObjectNode i) {
    change(i, 1);
  }

  /** Takes back what {@link #add} counted for this instance (the same values). */
  void remove(ObjectNode i) {
    change(i, -1);
  }

  private void change(ObjectNode i, int d) {
    counted += d;
    JsonNode a = i.get("avail");
    if (a != null) {
      availTotal += d;
      bump(avail, a, d);
    }
    JsonNode o = i.get("overall");
    if (o != null) {
      overallTotal += d;
      bump(overall, o, d);
    }
    boolean frozen = AggregateRules.truthy(i.get("frozen"));
    if (frozen) {
      if (a != null) {
        frozenWithAvail += d;
      }
    } else {
      thawed += d;
      JsonNode monitor = i.get("monitor");
      if (monitor != null && monitor.isObject() && a != null) {
        boolean leader = "leader".equals(AggregateRules.text(monitor.get("placement")));
        boolean runs = AggregateRules.UP.equals(a) || AggregateRules.WARN.equals(a);
        if (runs) {
          running += d;
        }
        if (runs != leader) {
          misplaced += d;
        }
      }
    }
    JsonNode p = i.get("provisioned");
    if (p != null && !p.isNull()) {
      provisionedTotal += d;
      if (p.isBoolean() && p.booleanValue()) {
        provisionedTrue += d;
      } else if (AggregateRules.MIXED.equals(p)) {
        provisionedMixed += d;
      }
    }
    if (AggregateRules.sliceInstanceUp(i)) {
      sliceUp += d;
    }
  }

  private static void bump(Map<JsonNode, Integer> m, JsonNode v, int d) {
    int n = m.getOrDefault(v, 0) + d;
    if (n == 0) {
      m.remove(v);
    } else {
      m.put(v, n);
    }
  }

  /** How many instances are counted. */
  int counted() {
    return counted;
  }

  /** How many counted instances have an {@code avail} key. */
  int availTotal() {
    return availTotal;
  }

  /** How many counted instances have this {@code avail}. */
  int availCount(JsonNode value) {
    return avail.getOrDefault(value, 0);
  }

  /** True when every counted instance that has an {@code avail} has this one (and at least one has). */
  boolean availAll(JsonNode value) {
    return availTotal > 0 && availCount(value) == availTotal;
  }

  /** How many counted instances have an {@code overall} key. */
  int overallTotal() {
    return overallTotal;
  }

  /** The distinct {@code overall} values of the counted instances. */
  Set<JsonNode> overallValues() {
    return overall.keySet();
  }

  /** §5.3's counts: instances with an {@code avail}, and those of them frozen. */
  int frozenTotal() {
    return availTotal;
  }

  int frozen() {
    return frozenWithAvail;
  }

  int thawed() {
    return thawed;
  }

  int running() {
    return running;
  }

  int misplaced() {
    return misplaced;
  }

  int provisionedTotal() {
    return provisionedTotal;
  }

  int provisionedTrue() {
    return provisionedTrue;
  }

  int provisionedMixed() {
    return provisionedMixed;
  }

  int sliceUp() {
    return sliceUp;
  }

  /** The counts, for test failure messages. */
  @Override
  public String toString() {
    return "Tally{counted=" + counted + ", avail=" + avail + ", overall=" + overall + ", frozen=" + frozenWithAvail
        + ", thawed=" + thawed + ", running=" + running + ", misplaced=" + misplaced + ", provisioned="
        + provisionedTotal + "/" + provisionedTrue + "/" + provisionedMixed + ", sliceUp=" + sliceUp + "}";
  }

  /** True when both tallies hold the same counts. */
  boolean sameCounts(Tally o) {
    return counted == o.counted && avail.equals(o.avail) && availTotal == o.availTotal && overall.equals(o.overall)
        && overallTotal == o.overallTotal && frozenWithAvail == o.frozenWithAvail && thawed == o.thawed
        && running == o.running && misplaced == o.misplaced && provisionedTotal == o.provisionedTotal
        && provisionedTrue == o.provisionedTrue && provisionedMixed == o.provisionedMixed && sliceUp == o.sliceUp;
  }
}
