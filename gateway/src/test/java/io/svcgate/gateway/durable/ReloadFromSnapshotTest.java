package io.svcgate.gateway.durable;

import static io.svcgate.gateway.TestGateway.full;
import static io.svcgate.gateway.TestGateway.nodeData;
import static io.svcgate.gateway.TestGateway.patch;
import static io.svcgate.gateway.TestGateway.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.svcgate.gateway.StreamClient;
import io.svcgate.gateway.TestGateway;
import io.svcgate.gateway.history.RaftPosition;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Gateway.reloadFromSnapshot}: a history exported by one gateway replaces
 * another's, in process, as a Raft snapshot install does on a member.
 */
@Timeout(120)
class ReloadFromSnapshotTest {

  @TempDir
  Path dir;

  @Test
  void anExportedHistoryReplacesAnotherGatewaysInProcess() throws Exception {
    Path file = dir.resolve("snapshot.0_0");
    try (TestGateway a = TestGateway.start(dir.resolve("a"), Map.of());
         TestGateway b = TestGateway.start(dir.resolve("b"), Map.of())) {
      a.ingest(full("n1", 1, nodeData(0)));
      a.ingest(full("n2", 1, nodeData(0)));
      for (int g = 2; g <= 20; g++) {
        a.ingest(patch("n1", g, set(g % 2, "frozen")));
      }
      long last = a.ingest(patch("n2", 2, set(1, "frozen")));
      RaftPosition p = a.gateway.history().exportCheckpoint(file).get(60, TimeUnit.SECONDS);
      assertThat(p).as("a single gateway records no Raft position").isEqualTo(new RaftPosition(0, 0));
      assertThat(file).isRegularFile();

      b.ingest(full("other", 5, nodeData(1)));
      String epochA = a.get("/api/daemon/status").getHeader("X-Svcgate-Epoch");
      assertThat(epochA).isNotBlank();
      assertThat(b.get("/api/daemon/status").getHeader("X-Svcgate-Epoch")).isNotEqualTo(epochA);
      int port = b.port();
      try (StreamClient stream = StreamClient.sse(b.clientVertx, port, "/api/events/stream?after=0")) {
        assertThat(stream.nextEvent()).isNotNull();

        RaftPosition loaded = b.gateway.reloadFromSnapshot(file).get(60, TimeUnit.SECONDS);
        assertThat(loaded).isEqualTo(p);

        // the stream ends with the last id it delivered, for the client to resume with
        StreamClient.Frame f;
        do {
          f = stream.next();
        } while (f != null && !"gone".equals(f.data().getString("kind")));
        assertThat(f).as("a gone frame").isNotNull();
        assertThat(f.data().getString("reason")).isNotBlank();
        assertThat(f.data().containsKey("last")).isTrue();
        assertThat(stream.next()).as("then the end").isNull();
      }

      assertThat(b.port()).as("served again on the same port").isEqualTo(port);
      assertThat(b.get("/api/daemon/status").getHeader("X-Svcgate-Epoch")).isEqualTo(epochA);
      // the same events, byte for byte, up to the export
      JsonObject pageA = a.get("/api/events?after=0&limit=" + last).bodyAsJsonObject();
      JsonObject pageB = b.get("/api/events?after=0&limit=" + last).bodyAsJsonObject();
      assertThat(pageB.getString("epoch")).isEqualTo(epochA);
      assertThat(pageB.getJsonArray("events").encode()).isEqualTo(pageA.getJsonArray("events").encode());
      assertThat(pageB.getJsonArray("events").size()).isEqualTo((int) last);
      // the same nodes, generations and data
      JsonObject docA = a.get("/api/daemon/status").bodyAsJsonObject();
      JsonObject docB = b.get("/api/daemon/status").bodyAsJsonObject();
      assertThat(docB.getJsonObject("monitor")).isEqualTo(docA.getJsonObject("monitor"));
      assertThat(docB.getJsonObject("cluster")).isEqualTo(docA.getJsonObject("cluster"));
      JsonArray nodesA = a.get("/api/nodes").bodyAsJsonArray();
      JsonArray nodesB = b.get("/api/nodes").bodyAsJsonArray();
      assertThat(gens(nodesB)).isEqualTo(gens(nodesA)).isEqualTo(Map.of("n1", 20L, "n2", 2L));
      // and it goes on from there: the next generations apply without a full
      assertThat(b.ingest(patch("n1", 21, set(1, "frozen")))).isGreaterThan(last);
      assertThat(b.ingest(patch("n2", 3, set(0, "frozen")))).isGreaterThan(last);
    }
    try (TestGateway b = TestGateway.start(dir.resolve("b"), Map.of())) {
      assertThat(gens(b.get("/api/nodes").bodyAsJsonArray())).isEqualTo(Map.of("n1", 21L, "n2", 3L));
    }
  }

  @Test
  void aBadFileLeavesTheGatewayServingItsOwnHistory() throws Exception {
    Path junk = dir.resolve("junk");
    Files.writeString(junk, "PK not really");
    try (TestGateway b = TestGateway.start(dir.resolve("b"), Map.of())) {
      long last = b.ingest(full("n1", 1, nodeData(0)));
      assertThatThrownBy(() -> b.gateway.reloadFromSnapshot(junk).get(60, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class);
      assertThat(b.get("/api/nodes").bodyAsJsonArray()).hasSize(1);
      assertThat(b.ingest(patch("n1", 2, set(1, "frozen")))).isGreaterThan(last);
    }
  }

  private static Map<String, Long> gens(JsonArray nodes) {
    Map<String, Long> out = new java.util.TreeMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      JsonObject n = nodes.getJsonObject(i);
      out.put(n.getString("nodename"), n.getLong("gen"));
    }
    return out;
  }
}
