package io.svcgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.svcgate.gateway.config.ConfigKey;
import io.svcgate.state.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The built-in simulator feeds the gateway through the event bus and the gateway converges to its truth. */
@Timeout(90)
class SimulatorTest {

  @TempDir
  Path dir;

  @Test
  void gatewayStateConvergesToWhatTheSimulatedNodesHold() throws Exception {
    try (TestGateway gw = TestGateway.start(dir, Map.of(ConfigKey.SIMULATE, "3", ConfigKey.SIMULATE_INTERVAL, "30ms",
        ConfigKey.SIMULATE_SERVICES, "6"))) {
      Awaits.until("every simulated node sent patches", () -> {
        try {
          JsonArray nodes = gw.get("/api/nodes").bodyAsJsonArray();
          return nodes.size() == 3 && nodes.stream().allMatch(n -> ((JsonObject) n).getLong("gen") >= 20);
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      });
      Map<String, ObjectNode> truth = gw.gateway.simulator().pauseAndSnapshot().await(30, TimeUnit.SECONDS);
      JsonNode doc = Json.parse(gw.get("/api/daemon/status").body().getBytes());
      JsonArray rows = gw.get("/api/nodes").bodyAsJsonArray();
      int compared = 0;
      for (Object o : rows) {
        JsonObject row = (JsonObject) o;
        if (row.getBoolean("needs_full")) {
          continue; // resyncing after a simulated lost generation: its data is behind by design
        }
        String n = row.getString("nodename");
        assertThat(Json.compact(doc.path("monitor").path("nodes").path(n))).as(n).isEqualTo(Json.compact(truth.get(n)));
        compared++;
      }
      assertThat(compared).isGreaterThanOrEqualTo(2);
      // the aggregates follow the simulated services
      assertThat(doc.path("monitor").path("services").size()).isEqualTo(6);
      // the aggregates move through several states as the simulated services change
      java.util.Map<String, java.util.Set<String>> seen = new java.util.TreeMap<>();
      JsonArray patches = gw.get("/api/events?kind=patch&path=monitor.services&limit=10000").bodyAsJsonObject()
          .getJsonArray("events");
      for (Object e : patches) {
        for (Object st : ((JsonObject) e).getJsonArray("data")) {
          JsonArray stanza = (JsonArray) st;
          JsonArray path = stanza.getJsonArray(0);
          if (stanza.size() < 2) {
            continue;
          }
          Object v = stanza.getValue(1);
          if (path.size() == 3 && v instanceof JsonObject agg) {
            agg.forEach(kv -> seen.computeIfAbsent(kv.getKey(), k -> new java.util.TreeSet<>()).add(String.valueOf(kv.getValue())));
          } else if (path.size() == 4) {
            seen.computeIfAbsent(path.getString(3), k -> new java.util.TreeSet<>()).add(String.valueOf(v));
          }
        }
      }
      System.out.println("aggregate values seen: " + seen);
      assertThat(seen.get("avail")).hasSizeGreaterThanOrEqualTo(2);
      assertThat(seen.get("overall")).hasSizeGreaterThanOrEqualTo(2);
      assertThat(seen.get("placement")).hasSizeGreaterThanOrEqualTo(2);
    }
  }
}
