package io.svcgate.state.aggregates;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The counted rules of aggregates.md §5 made from a {@link Tally} (what the aggregator
 * keeps up to date instance by instance) against the same rules written as walks over
 * the list of counted instances ({@link ListRules}, the plain reading of §5), and a tally
 * moved by random additions and removals against one made from scratch. Seeded: every
 * case comes from the integers jqwik draws.
 */
class TallyPropertiesTest {

  private static final List<String> PATHS = List.of("web", "ns1/svc/0.sc", "grp");

  @Property(tries = 400)
  void countsGiveWhatTheWalksGive(@ForAll @IntRange(min = 0, max = 99_999) int seed) {
    Random r = new Random(seed);
    List<ObjectNode> counted = new ArrayList<>();
    for (int k = r.nextInt(7); k > 0; k--) {
      counted.add(instance(r));
    }
    Tally t = Tally.of(counted);
    String why = counted.toString();
    assertThat(AggregateRules.failoverAvail(t)).as(why).isEqualTo(ListRules.failoverAvail(counted));
    assertThat(AggregateRules.flexAvail(t, counted.isEmpty() ? null : counted.get(counted.size() - 1))).as(why)
        .isEqualTo(ListRules.flexAvail(counted));
    assertThat(AggregateRules.ownOverall(counted)).as(why).isEqualTo(ListRules.ownOverall(counted));
    assertThat(AggregateRules.frozen(t)).as(why).isEqualTo(ListRules.frozen(counted));
    assertThat(AggregateRules.provisioned(t)).as(why).isEqualTo(ListRules.provisioned(counted));
    List<Instances.Entry> entries = counted.stream().map(i -> new Instances.Entry("n", i, true)).toList();
    ObjectPath web = ObjectPath.parse("web");
    assertThat(AggregateRules.placement(web, new Instances(entries))).as(why)
        .isEqualTo(ListRules.placement(counted));
    assertThat(t.sliceUp()).as(why).isEqualTo((int) counted.stream().filter(AggregateRules::sliceInstanceUp).count());
  }

  @Property(tries = 200)
  void aTallyMovedStepByStepIsATallyMadeAtOnce(@ForAll @Size(max = 60) List<@IntRange(min = 0, max = 99_999) Integer> ops) {
    Tally moved = new Tally();
    List<ObjectNode> now = new ArrayList<>();
    for (int op : ops) {
      Random r = new Random(op);
      if (!now.isEmpty() && r.nextInt(3) == 0) {
        moved.remove(now.remove(r.nextInt(now.size())));
      } else if (!now.isEmpty() && r.nextBoolean()) {
        int k = r.nextInt(now.size());
        ObjectNode fresh = instance(r);
        moved.remove(now.set(k, fresh));
        moved.add(fresh);
      } else {
        ObjectNode fresh = instance(r);
        now.add(fresh);
        moved.add(fresh);
      }
      Tally scratch = Tally.of(now);
      assertThat(moved.sameCounts(scratch)).as("%s vs %s", moved, scratch).isTrue();
    }
  }

  /** An instance's inputs as the aggregator keeps them, with odd shapes now and then. */
  private static ObjectNode instance(Random r) {
    ObjectNode i = AggregateRules.inputs(RandomCluster.instance(r, RandomCluster.pick(r, PATHS)));
    switch (r.nextInt(8)) {
      case 0 -> i.remove("monitor");
      case 1 -> i.putNull("monitor");
      case 2 -> i.remove("avail");
      case 3 -> i.put("avail", 3);
      case 4 -> ((ObjectNode) i.path("monitor")).remove("status");
      default -> {
      }
    }
    return i;
  }

  /** §5's counted rules as plain walks over the counted instances. */
  static final class ListRules {

    static JsonNode failoverAvail(List<ObjectNode> counted) {
      List<JsonNode> a = values(counted, "avail");
      int up = count(a, AggregateRules.UP);
      if (up == 1) {
        return AggregateRules.UP;
      }
      if (a.isEmpty() || a.stream().allMatch(AggregateRules.NA::equals)) {
        return AggregateRules.NA;
      }
      if (up >= 2 || a.contains(AggregateRules.WARN)) {
        return AggregateRules.WARN;
      }
      return AggregateRules.DOWN;
    }

    static JsonNode flexAvail(List<ObjectNode> counted) {
      List<JsonNode> a = values(counted, "avail");
      if (a.isEmpty() || a.stream().allMatch(AggregateRules.NA::equals)) {
        return AggregateRules.NA;
      }
      int up = count(a, AggregateRules.UP);
      if (up == 0) {
        return a.contains(AggregateRules.WARN) ? AggregateRules.WARN : AggregateRules.DOWN;
      }
      ObjectNode last = counted.get(counted.size() - 1);
      BigDecimal max = number(last.get("flex_max"), BigDecimal.valueOf(a.size()));
      BigDecimal min = number(last.get("flex_min"), BigDecimal.ONE);
      BigDecimal n = BigDecimal.valueOf(up);
      if (n.compareTo(max) > 0) {
        return AggregateRules.WARN;
      }
      if (n.compareTo(min) < 0 && !AggregateRules.truthy(last.get("scaler_slave"))) {
        return AggregateRules.WARN;
      }
      return AggregateRules.UP;
    }

    static JsonNode ownOverall(List<ObjectNode> counted) {
      List<JsonNode> w = values(counted, "overall");
      Set<JsonNode> s = new LinkedHashSet<>(w);
      JsonNode result;
      if (w.isEmpty()) {
        result = AggregateRules.NA;
      } else if (s.contains(AggregateRules.WARN) || s.contains(AggregateRules.STDBY_DOWN)) {
        result = AggregateRules.WARN;
      } else if (s.size() == 1) {
        result = s.iterator().next();
      } else if (Set.of(Set.of("up", "down"), Set.of("up", "stdby up"), Set.of("up", "down", "stdby up"),
          Set.of("up", "down", "stdby up", "n/a")).contains(texts(s))) {
        result = AggregateRules.UP;
      } else if (Set.of(Set.of("down", "stdby up"), Set.of("down", "stdby up", "n/a")).contains(texts(s))) {
        result = AggregateRules.DOWN;
      } else {
        result = AggregateRules.UNDEF;
      }
      if (result.isTextual() && result.textValue().contains("stdby")) {
        result = AggregateRules.DOWN;
      }
      return result;
    }

    static JsonNode frozen(List<ObjectNode> counted) {
      int total = 0;
      int frozen = 0;
      for (ObjectNode i : counted) {
        if (i.has("avail")) {
          total++;
          if (AggregateRules.truthy(i.get("frozen"))) {
            frozen++;
          }
        }
      }
      return total == 0 ? AggregateRules.NA
          : frozen == total ? AggregateRules.FROZEN : frozen == 0 ? AggregateRules.THAWED : AggregateRules.MIXED;
    }

    /** §5.4 for an instance kind ("web"): the policy checks of the reference, then the leader check. */
    static JsonNode placement(List<ObjectNode> counted) {
      ObjectNode ref = counted.isEmpty() ? null : counted.get(0);
      if (ref != null) {
        if ("none".equals(ref.path("placement").textValue())) {
          return AggregateRules.NA;
        }
        JsonNode flexMin = ref.get("flex_min");
        if ("flex".equals(ref.path("topology").textValue()) && flexMin != null && flexMin.isNumber()
            && flexMin.decimalValue().signum() == 0) {
          return AggregateRules.NA;
        }
      }
      List<ObjectNode> thawed = counted.stream().filter(i -> !AggregateRules.truthy(i.get("frozen"))).toList();
      if (thawed.size() < 2) {
        return AggregateRules.OPTIMAL;
      }
      boolean running = false;
      JsonNode result = AggregateRules.OPTIMAL;
      for (ObjectNode i : thawed) {
        JsonNode monitor = i.get("monitor");
        if (monitor == null || !monitor.isObject() || !i.has("avail")) {
          continue;
        }
        boolean leader = monitor.get("placement") != null && "leader".equals(monitor.get("placement").textValue());
        JsonNode avail = i.get("avail");
        if (AggregateRules.UP.equals(avail) || AggregateRules.WARN.equals(avail)) {
          running = true;
          if (!leader) {
            result = AggregateRules.NON_OPTIMAL;
          }
        } else if (leader) {
          result = AggregateRules.NON_OPTIMAL;
        }
      }
      return running ? result : AggregateRules.NA;
    }

    static JsonNode provisioned(List<ObjectNode> counted) {
      if (counted.isEmpty()) {
        return BooleanNode.FALSE;
      }
      int total = 0;
      int provisioned = 0;
      for (ObjectNode i : counted) {
        JsonNode p = i.get("provisioned");
        if (p == null || p.isNull()) {
          continue;
        }
        total++;
        if (p.isBoolean() && p.booleanValue()) {
          provisioned++;
        } else if (AggregateRules.MIXED.equals(p)) {
          return AggregateRules.MIXED;
        }
      }
      return total == 0 ? AggregateRules.NA
          : provisioned == total ? BooleanNode.TRUE : provisioned == 0 ? BooleanNode.FALSE : AggregateRules.MIXED;
    }

    private static Set<Object> texts(Set<JsonNode> s) {
      Set<Object> out = new LinkedHashSet<>();
      s.forEach(v -> out.add(v.isTextual() ? v.textValue() : v));
      return out;
    }

    private static List<JsonNode> values(List<ObjectNode> instances, String key) {
      List<JsonNode> v = new ArrayList<>();
      for (ObjectNode i : instances) {
        if (i.get(key) != null) {
          v.add(i.get(key));
        }
      }
      return v;
    }

    private static int count(List<JsonNode> values, JsonNode value) {
      return (int) values.stream().filter(value::equals).count();
    }

    private static BigDecimal number(JsonNode v, BigDecimal otherwise) {
      return v != null && v.isNumber() ? v.decimalValue() : otherwise;
    }
  }
}
