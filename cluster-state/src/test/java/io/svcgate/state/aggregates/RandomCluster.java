package io.svcgate.state.aggregates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.svcgate.state.Json;
import java.util.List;
import java.util.Random;

/**
 * Random node data over a small universe of objects that exercises every rule: failover
 * and flex objects, a slaver, a scaler with listed and leftover slices, a cycle of
 * slaves, a span object, placeholders and odd values.
 */
final class RandomCluster {

  static final List<String> NODES = List.of("n1", "n2", "n3", "n4", "drp");
  static final List<String> PATHS = List.of("web", "db", "grp", "ns1/svc/sc", "ns1/svc/0.sc", "ns1/svc/1.sc",
      "ns1/svc/7.sc", "ns1/cfg/c", "a", "b", "0.web", "vol/web");

  private static final String[] AVAILS = {"up", "down", "warn", "n/a", "stdby up", "stdby down", "undef", null};
  private static final Object[] PROVISIONED = {true, false, "mixed", null};

  private RandomCluster() {
  }

  static <T> T pick(Random r, List<T> from) {
    return from.get(r.nextInt(from.size()));
  }

  /** A status entry for the path: usually counted, sometimes a placeholder. */
  static ObjectNode instance(Random r, String path) {
    ObjectNode i = Json.NODES.objectNode();
    if (r.nextInt(8) == 0) {
      i.putObject("resources");
      i.putObject("monitor").put("status", "idle").put("global_expect", "placed");
      return i;
    }
    i.put("updated", r.nextInt(10) == 0 ? 0 : 1764147001.25);
    i.put("topology", r.nextInt(6) == 0 ? "flex" : r.nextInt(10) == 0 ? "span" : "failover");
    putMaybe(r, i, "avail", AVAILS[r.nextInt(AVAILS.length)]);
    putMaybe(r, i, "overall", AVAILS[r.nextInt(AVAILS.length)]);
    i.put("frozen", r.nextInt(4) == 0 ? 1764146000.5 : 0);
    Object p = PROVISIONED[r.nextInt(PROVISIONED.length)];
    if (p instanceof Boolean b) {
      i.put("provisioned", b);
    } else if (p != null) {
      i.put("provisioned", (String) p);
    }
    i.put("placement", r.nextInt(8) == 0 ? "none" : "nodes order");
    if (r.nextBoolean()) {
      i.put("flex_min", r.nextInt(3));
      i.put("flex_max", 1 + r.nextInt(3));
    }
    ObjectNode monitor = i.putObject("monitor");
    monitor.put("status", r.nextInt(6) == 0 ? "starting" : "idle");
    monitor.put("placement", r.nextBoolean() ? "leader" : "");
    switch (path) {
      case "grp" -> {
        if (r.nextInt(4) > 0) {
          i.putArray("slaves").add("web").add("db");
        }
      }
      case "ns1/svc/sc" -> {
        if (r.nextInt(4) > 0) {
          i.put("scale", 1 + r.nextInt(3));
          ArrayNode s = i.putArray("scaler_slaves");
          s.add("0.sc").add("1.sc");
        }
      }
      case "ns1/svc/0.sc", "ns1/svc/1.sc", "ns1/svc/7.sc", "0.web" -> i.put("scaler_slave", r.nextBoolean());
      case "a" -> {
        if (r.nextBoolean()) {
          i.putArray("slaves").add("b");
        }
      }
      case "b" -> {
        if (r.nextBoolean()) {
          i.putArray("slaves").add("a").add("grp");
        }
      }
      case "web" -> {
        if (r.nextInt(5) == 0) {
          i.put("scale", 1);
        }
      }
      default -> {
      }
    }
    return i;
  }

  private static void putMaybe(Random r, ObjectNode i, String key, String value) {
    if (r.nextInt(10) == 0) {
      return;
    }
    if (value == null) {
      i.putNull(key);
    } else {
      i.put(key, value);
    }
  }

  /** A whole node dataset: some config entries, some status entries, a frozen value. */
  static ObjectNode nodeData(Random r) {
    ObjectNode data = Json.NODES.objectNode();
    if (r.nextInt(10) > 0) {
      data.put("frozen", r.nextInt(4) == 0 ? 1764146000.5 : 0);
    }
    data.putObject("stats").put("load_15m", r.nextInt(100));
    if (r.nextInt(12) == 0) {
      return data;
    }
    ObjectNode services = data.putObject("services");
    ObjectNode config = services.putObject("config");
    ObjectNode status = services.putObject("status");
    for (String p : PATHS) {
      if (r.nextInt(3) > 0) {
        config.putObject(p).put("csum", "x");
      }
      if (r.nextInt(3) > 0) {
        status.set(p, instance(r, p));
      }
    }
    return data;
  }

  /** A random {@code cluster.nodes}: a subset of the nodes in some order. */
  static JsonNode clusterNodes(Random r) {
    ArrayNode a = Json.NODES.arrayNode();
    List<String> shuffled = new java.util.ArrayList<>(NODES.subList(0, 4));
    java.util.Collections.shuffle(shuffled, r);
    int n = 1 + r.nextInt(shuffled.size());
    shuffled.subList(0, n).forEach(a::add);
    return a;
  }
}
