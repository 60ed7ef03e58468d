package io.svcgate.state.aggregates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.svcgate.state.Json;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The aggregation rules of aggregates.md §4–§6 and §8, one method per rule. Pure
 * functions of their arguments; thread-safe.
 *
 * <p>Values read from instances are kept as JSON values, so an unexpected value (say an
 * {@code avail} of {@code 3}) flows through the rules the way it does in OpenSVC instead
 * of being rejected. "Truthy" follows OpenSVC's Python: missing, null, false, 0, "" and
 * empty containers are false.
 */
final class AggregateRules {

  static final TextNode UP = TextNode.valueOf("up");
  static final TextNode DOWN = TextNode.valueOf("down");
  static final TextNode WARN = TextNode.valueOf("warn");
  static final TextNode NA = TextNode.valueOf("n/a");
  static final TextNode UNDEF = TextNode.valueOf("undef");
  static final TextNode UNKNOWN = TextNode.valueOf("unknown");
  static final TextNode FROZEN = TextNode.valueOf("frozen");
  static final TextNode THAWED = TextNode.valueOf("thawed");
  static final TextNode MIXED = TextNode.valueOf("mixed");
  static final TextNode OPTIMAL = TextNode.valueOf("optimal");
  static final TextNode NON_OPTIMAL = TextNode.valueOf("non-optimal");
  static final TextNode STDBY_UP = TextNode.valueOf("stdby up");
  static final TextNode STDBY_DOWN = TextNode.valueOf("stdby down");

  /** {@code monitor.status} values that make a slice instance count as up for its scaler (§5.1 step 3). */
  static final Set<String> STARTING_STATES = Set.of("restarting", "starting", "wait children", "provisioning", "placing");

  private static final List<Set<JsonNode>> OVERALL_UP = List.of(
      Set.of(UP, DOWN), Set.of(UP, STDBY_UP), Set.of(UP, DOWN, STDBY_UP), Set.of(UP, DOWN, STDBY_UP, NA));
  private static final List<Set<JsonNode>> OVERALL_DOWN = List.of(
      Set.of(DOWN, STDBY_UP), Set.of(DOWN, STDBY_UP, NA));

  /**
   * The keys of an instance status that the rules read (§2.3), {@code updated} included.
   * Nothing else of an instance can change an aggregate. Keep in step with the rules.
   */
  static final List<String> INSTANCE_INPUTS = List.of("updated", "topology", "avail", "overall", "frozen",
      "provisioned", "monitor", "flex_min", "flex_max", "placement", "scale", "scaler_slaves", "slaves",
      "scaler_slave");
  /** The keys of an instance's {@code monitor} that the rules read: the placement role, and the status for slices. */
  static final List<String> MONITOR_INPUTS = List.of("placement", "status");

  /**
   * What the rules read of an instance status: a new object with its {@link #INSTANCE_INPUTS}
   * keys (the same values, JSON nulls included), and of its {@code monitor}, when that is an
   * object, only the {@link #MONITOR_INPUTS} keys. Every rule gives the same result on it as
   * on the instance itself. Values that are containers are copied, so that a later change
   * made in place in the instance is not seen in it; other values are immutable and shared.
   */
  static ObjectNode inputs(ObjectNode status) {
    ObjectNode out = Json.NODES.objectNode();
    for (String k : INSTANCE_INPUTS) {
      JsonNode v = input(k, status.get(k));
      if (v != null) {
        out.set(k, v);
      }
    }
    return out;
  }

  /**
   * What {@link #inputs} keeps of one input key's value: the value itself when it is not
   * a container, a copy when it is, and of a {@code monitor} object only its
   * {@link #MONITOR_INPUTS}; null for null.
   */
  static JsonNode input(String key, JsonNode v) {
    if (v == null) {
      return null;
    }
    if (v.isObject() && "monitor".equals(key)) {
      ObjectNode m = Json.NODES.objectNode();
      for (String mk : MONITOR_INPUTS) {
        JsonNode mv = v.get(mk);
        if (mv != null) {
          m.set(mk, mv.isContainerNode() ? mv.deepCopy() : mv);
        }
      }
      return m;
    }
    return v.isContainerNode() ? v.deepCopy() : v;
  }

  /** What the aggregation of one object reads beyond its own instances. */
  interface Context {

    /** The current aggregate of another object, or null when it has none. */
    JsonNode aggregateOf(String path);

    /**
     * For a scaler: the number of counted instances, over all its slices, that are
     * {@code up} or in a starting {@code monitor.status} (§5.1 step 3, §6.2).
     */
    int slicesUp(ObjectPath scaler);
  }

  private AggregateRules() {
  }

  /**
   * The aggregate of one object (§4): {@code {}} for a span object, else {@code scale},
   * {@code scaler_slave}, {@code avail}, {@code frozen}, {@code overall}, {@code placement}
   * and {@code provisioned}, in that order. Values are fresh or immutable nodes.
   */
  static ObjectNode aggregate(ObjectPath path, InstanceSet instances, Context context) {
    ObjectNode out = Json.NODES.objectNode();
    ObjectNode ref = instances.reference();
    if (path.spanKind() || path.instanceKind() && ref != null && "span".equals(text(ref.get("topology")))) {
      return out;
    }
    Tally counted = instances.tally();
    if (ref != null) {
      JsonNode scale = ref.get("scale");
      if (scale != null && !scale.isNull()) {
        out.set("scale", scale.deepCopy());
      }
      if (truthy(ref.get("scaler_slave"))) {
        out.put("scaler_slave", true);
      }
    }
    out.set("avail", avail(path, instances, context));
    out.set("frozen", frozen(counted));
    out.set("overall", overall(path, instances, context));
    out.set("placement", placement(path, instances));
    out.set("provisioned", provisioned(counted));
    return out;
  }


  /** The children's aggregated {@code key}, in the order of {@link #children}; empty without children. */
  private static List<JsonNode> childValues(ObjectPath path, ObjectNode first, Context context, String key) {
    List<String> children = children(path, first);
    List<JsonNode> values = new ArrayList<>(children.size());
    for (String c : children) {
      values.add(childValue(context.aggregateOf(c), key));
    }
    return values;
  }
  /** The children of an object (§6.1): the first entry's {@code slaves} then {@code scaler_slaves}, resolved. */
  static List<String> children(ObjectPath path, ObjectNode first) {
    if (first == null) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    for (String key : new String[] {"slaves", "scaler_slaves"}) {
      JsonNode list = first.get(key);
      if (list != null && list.isArray()) {
        for (JsonNode n : list) {
          if (n.isTextual()) {
            names.add(path.resolve(n.textValue()));
          }
        }
      }
    }
    return names;
  }

  // ---------------------------------------------------------------- avail

  /** §5.1: the aggregated {@code avail}. */
  static JsonNode avail(ObjectPath path, InstanceSet instances, Context context) {
    ObjectNode first = instances.first();
    if (first == null) {
      return UNKNOWN;
    }
    Tally counted = instances.tally();
    String topology = text(first.get("topology"));
    JsonNode own;
    if ("failover".equals(topology)) {
      own = failoverAvail(counted);
    } else if ("flex".equals(topology)) {
      own = flexAvail(counted, instances.lastCounted());
    } else {
      own = UNKNOWN;
    }
    JsonNode scale = first.get("scale");
    boolean scaler = scale != null && !scale.isNull();
    if (scaler) {
      int up = context.slicesUp(path);
      if (up == 0) {
        return NA;
      }
      if (scale.isNumber() && BigDecimal.valueOf(up).compareTo(scale.decimalValue()) < 0) {
        return WARN;
      }
    }
    List<JsonNode> values = childValues(path, first, context, "avail");
    if (!values.isEmpty()) {
      return combineAvail(own, values);
    }
    return scaler ? NA : own;
  }

  /** §5.1 step 4: the own value combined with the children's aggregated {@code avail}. */
  static JsonNode combineAvail(JsonNode own, Collection<JsonNode> children) {
    Set<JsonNode> set = new LinkedHashSet<>();
    set.add(own);
    set.addAll(children);
    if (set.equals(Set.of(NA))) {
      return NA;
    }
    set.remove(NA);
    set.remove(UNDEF);
    set.remove(UNKNOWN);
    if (set.isEmpty()) {
      return NA;
    }
    return set.size() == 1 ? set.iterator().next() : WARN;
  }

  /** §5.1 failover rule, over the counted instances. */
  static JsonNode failoverAvail(List<ObjectNode> counted) {
    return failoverAvail(Tally.of(counted));
  }

  /** §5.1 failover rule, over the tally of the counted instances. */
  static JsonNode failoverAvail(Tally counted) {
    int up = counted.availCount(UP);
    if (up == 1) {
      return UP;
    }
    if (counted.availTotal() == 0 || counted.availAll(NA)) {
      return NA;
    }
    if (up >= 2 || counted.availCount(WARN) > 0) {
      return WARN;
    }
    return DOWN;
  }

  /** §5.1 flex rule, over the counted instances; the bounds come from the last counted instance. */
  static JsonNode flexAvail(List<ObjectNode> counted) {
    return flexAvail(Tally.of(counted), counted.isEmpty() ? null : counted.get(counted.size() - 1));
  }

  /** §5.1 flex rule, over the tally of the counted instances and the last of them. */
  static JsonNode flexAvail(Tally counted, ObjectNode last) {
    if (counted.availTotal() == 0 || counted.availAll(NA)) {
      return NA;
    }
    int up = counted.availCount(UP);
    if (up == 0) {
      return counted.availCount(WARN) > 0 ? WARN : DOWN;
    }
    BigDecimal max = number(last.get("flex_max"), BigDecimal.valueOf(counted.availTotal()));
    BigDecimal min = number(last.get("flex_min"), BigDecimal.ONE);
    BigDecimal n = BigDecimal.valueOf(up);
    if (n.compareTo(max) > 0) {
      return WARN;
    }
    if (n.compareTo(min) < 0 && !truthy(last.get("scaler_slave"))) {
      return WARN;
    }
    return UP;
  }

  // ---------------------------------------------------------------- overall

  /** §5.2: the aggregated {@code overall}. */
  static JsonNode overall(ObjectPath path, InstanceSet instances, Context context) {
    JsonNode own = ownOverall(instances.tally(), instances);
    ObjectNode first = instances.first();
    if (first == null) {
      return UNKNOWN;
    }
    List<JsonNode> values = childValues(path, first, context, "overall");
    if (!values.isEmpty()) {
      return combineOverall(own, values);
    }
    JsonNode scale = first.get("scale");
    return scale != null && !scale.isNull() ? NA : own;
  }

  /** §5.2 own value, from the {@code overall} of the counted instances. */
  static JsonNode ownOverall(List<ObjectNode> counted) {
    return ownOverall(Tally.of(counted), new Instances(counted.stream().map(i -> new Instances.Entry("", i, true)).toList()));
  }

  /** §5.2 own value, from the tally of the counted instances; a lone value is the first instance's. */
  static JsonNode ownOverall(Tally counted, InstanceSet instances) {
    Set<JsonNode> s = counted.overallValues();
    JsonNode result;
    if (counted.overallTotal() == 0) {
      result = NA;
    } else if (s.contains(WARN) || s.contains(STDBY_DOWN)) {
      result = WARN;
    } else if (s.size() == 1) {
      result = instances.firstCountedValue("overall");
    } else if (OVERALL_UP.contains(s)) {
      result = UP;
    } else if (OVERALL_DOWN.contains(s)) {
      result = DOWN;
    } else {
      result = UNDEF;
    }
    if (result.isTextual() && result.textValue().contains("stdby")) {
      result = DOWN;
    }
    return result;
  }

  /** §5.2 step 2: the own value combined with the children's aggregated {@code overall}. */
  static JsonNode combineOverall(JsonNode own, Collection<JsonNode> children) {
    Set<JsonNode> set = new LinkedHashSet<>();
    set.add(own);
    set.addAll(children);
    if (set.equals(Set.of(NA))) {
      return NA;
    }
    set.remove(NA);
    return set.size() == 1 ? set.iterator().next() : WARN;
  }

  // ---------------------------------------------------------------- frozen, placement, provisioned

  /** §5.3: over the counted instances that have an {@code avail} key. */
  static JsonNode frozen(List<ObjectNode> counted) {
    return frozen(Tally.of(counted));
  }

  /** §5.3, from the tally of the counted instances. */
  static JsonNode frozen(Tally counted) {
    return frozenOf(counted.frozenTotal(), counted.frozen());
  }

  /** §8: {@code monitor.frozen}, from the {@code frozen} values of the nodes that have one. */
  static JsonNode clusterFrozen(List<JsonNode> nodeFrozen) {
    int frozen = 0;
    for (JsonNode f : nodeFrozen) {
      if (truthy(f)) {
        frozen++;
      }
    }
    return frozenOf(nodeFrozen.size(), frozen);
  }

  private static JsonNode frozenOf(int total, int frozen) {
    if (total == 0) {
      return NA;
    }
    if (frozen == total) {
      return FROZEN;
    }
    return frozen == 0 ? THAWED : MIXED;
  }

  /**
   * §5.4: the aggregated {@code placement}. An instance without an {@code avail} key or
   * without a {@code monitor} object takes no part in step 4 (it neither runs nor counts
   * as a leader that does not run), as in OpenSVC's code.
   */
  static JsonNode placement(ObjectPath path, InstanceSet instances) {
    ObjectNode ref = instances.reference();
    if (path.instanceKind() && ref != null) {
      if ("none".equals(text(ref.get("placement")))) {
        return NA;
      }
      JsonNode flexMin = ref.get("flex_min");
      if ("flex".equals(text(ref.get("topology"))) && flexMin != null && flexMin.isNumber()
          && flexMin.decimalValue().signum() == 0) {
        return NA;
      }
    }
    Tally t = instances.tally();
    if (t.thawed() < 2) {
      return OPTIMAL;
    }
    // Step 4, over the thawed instances with a monitor object and an avail: one running
    // makes it optimal unless one runs without being the leader or leads without running.
    if (t.running() == 0) {
      return NA;
    }
    return t.misplaced() > 0 ? NON_OPTIMAL : OPTIMAL;
  }

  /** §5.5: the aggregated {@code provisioned}: {@code true}, {@code false}, {@code "mixed"} or {@code "n/a"}. */
  static JsonNode provisioned(List<ObjectNode> counted) {
    return provisioned(Tally.of(counted));
  }

  /** §5.5, from the tally of the counted instances. */
  static JsonNode provisioned(Tally counted) {
    if (counted.counted() == 0) {
      return BooleanNode.FALSE;
    }
    if (counted.provisionedMixed() > 0) {
      return MIXED;
    }
    int total = counted.provisionedTotal();
    int provisioned = counted.provisionedTrue();
    if (total == 0) {
      return NA;
    }
    if (provisioned == total) {
      return BooleanNode.TRUE;
    }
    return provisioned == 0 ? BooleanNode.FALSE : MIXED;
  }

  /** True when a slice instance counts toward its scaler's total (§5.1 step 3). */
  static boolean sliceInstanceUp(ObjectNode instance) {
    if (UP.equals(instance.get("avail"))) {
      return true;
    }
    JsonNode monitor = instance.get("monitor");
    if (monitor == null || !monitor.isObject()) {
      return false;
    }
    String status = text(monitor.get("status"));
    return status != null && STARTING_STATES.contains(status);
  }

  // ---------------------------------------------------------------- helpers

  /** Python truthiness of a JSON value; a missing value (null) is false. */
  static boolean truthy(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return false;
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isNumber()) {
      if (v.isInt() || v.isLong()) {
        return v.longValue() != 0;
      }
      return v.isIntegralNumber() ? v.bigIntegerValue().signum() != 0 : v.decimalValue().signum() != 0;
    }
    if (v.isTextual()) {
      return !v.textValue().isEmpty();
    }
    return v.size() > 0;
  }

  /** A child's {@code avail} or {@code overall}; a missing or falsy one is {@code unknown}. */
  private static JsonNode childValue(JsonNode aggregate, String key) {
    JsonNode v = aggregate == null ? null : aggregate.get(key);
    return truthy(v) ? v : UNKNOWN;
  }

  /** A JSON number as a decimal; anything else (missing, null, text) gives the default. */
  private static BigDecimal number(JsonNode v, BigDecimal otherwise) {
    return v != null && v.isNumber() ? v.decimalValue() : otherwise;
  }

  static String text(JsonNode v) {
    return v != null && v.isTextual() ? v.textValue() : null;
  }
}
