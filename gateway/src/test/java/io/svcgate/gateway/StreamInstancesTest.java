package io.svcgate.gateway;

import static io.svcgate.gateway.TestGateway.full;
import static io.svcgate.gateway.TestGateway.nodeData;
import static io.svcgate.gateway.TestGateway.patch;
import static io.svcgate.gateway.TestGateway.set;
import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.gateway.config.ConfigKey;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code http.instances} (docs/configuration.md): the HTTP verticles share one port, also
 * when {@code http.port} is 0, and the connections are spread over them, each instance
 * serving its own streams from its own event loop.
 */
@Timeout(90)
class StreamInstancesTest {

  @TempDir
  Path dir;
  TestGateway gw;

  @AfterEach
  void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  void streamsAreSpreadOverTheInstancesOfAnEphemeralPort() throws Exception {
    // One subscriber per instance: two streams fit only if they landed on two instances.
    gw = TestGateway.start(dir, Map.of(ConfigKey.HTTP_INSTANCES, "2", ConfigKey.STREAM_MAX_SUBSCRIBERS, "1"));
    assertThat(gw.gateway.httpVerticles()).hasSize(2);
    assertThat(gw.gateway.httpVerticles()).allSatisfy(h -> assertThat(h.actualPort()).isEqualTo(gw.port()));
    long first = gw.ingest(full("n1", 1, nodeData(0)));
    try (StreamClient a = StreamClient.sse(gw.clientVertx, gw.port(), "/api/events/stream?after=" + first);
         StreamClient b = StreamClient.sse(gw.clientVertx, gw.port(), "/api/events/stream?after=" + first);
         StreamClient c = StreamClient.sse(gw.clientVertx, gw.port(), "/api/events/stream?after=" + first)) {
      assertThat(a.status).isEqualTo(200);
      assertThat(b.status).isEqualTo(200);
      assertThat(c.status).isEqualTo(503);
      long last = gw.ingest(patch("n1", 2, set("x", "monitor", "k")));
      // each instance's feed delivers to its own stream
      assertThat(a.nextEvent().data().getLong("id")).isEqualTo(first + 1);
      assertThat(b.nextEvent().data().getLong("id")).isEqualTo(first + 1);
      assertThat(last).isGreaterThanOrEqualTo(first + 1);
    }
  }
}
