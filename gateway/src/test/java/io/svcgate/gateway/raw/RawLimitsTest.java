package io.svcgate.gateway.raw;

import static io.svcgate.gateway.TestGateway.full;
import static io.svcgate.gateway.TestGateway.nodeData;
import static io.svcgate.gateway.TestGateway.patch;
import static io.svcgate.gateway.TestGateway.set;
import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.gateway.Awaits;
import io.svcgate.gateway.TestGateway;
import io.svcgate.gateway.config.ConfigKey;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The raw listener's bounds: connections, bytes of unfinished requests, a slow events reader. */
@Timeout(120)
class RawLimitsTest {

  static final String SECRET = "0123456789abcdef0123456789abcdef";

  @TempDir
  Path dir;
  TestGateway gw;
  RawClient om;

  @BeforeEach
  void start() throws Exception {
    gw = TestGateway.start(dir, Map.of(ConfigKey.RAW_PORT, "0", ConfigKey.RAW_HOST, "127.0.0.1",
        ConfigKey.CLUSTER_SECRET, SECRET, ConfigKey.RAW_MAX_FRAME, "65536", ConfigKey.RAW_MAX_BUFFERED, "100000",
        ConfigKey.RAW_MAX_CONNECTIONS, "4", ConfigKey.STREAM_BUFFER_EVENTS, "8", ConfigKey.STREAM_BUFFER_BYTES, "200000"));
    om = new RawClient(gw.gateway.rawPort(), "test", "n1", RawClient.clusterKey(SECRET));
  }

  @AfterEach
  void stop() throws Exception {
    gw.close();
  }

  double rejected(String reason) {
    var c = gw.gateway.metrics().registry().find("svcgate.raw.rejected").tag("reason", reason).counter();
    return c == null ? 0 : c.count();
  }

  double connections() {
    return gw.gateway.metrics().registry().find("svcgate.raw.connections").gauge().value();
  }

  @Test
  void unfinishedRequestsAndConnectionsAreBounded() throws Exception {
    byte[] chunk = new byte[60_000];
    Arrays.fill(chunk, (byte) 'a');
    List<Socket> held = new ArrayList<>();
    try {
      Socket a = om.connect();
      held.add(a);
      a.getOutputStream().write(chunk);
      Socket b = om.connect();
      held.add(b);
      b.getOutputStream().write(chunk);
      // 120 000 bytes of unfinished requests > raw.max-buffered: the one that crossed it is dropped
      Awaits.until("overloaded counted", () -> rejected("overloaded") == 1);
      assertThat(b.getInputStream().read()).isEqualTo(-1);
      held.remove(b);
      b.close();
      Awaits.until("three connections left open", () -> connections() == 1);
      for (int i = 0; i < 3; i++) {
        held.add(om.connect());
      }
      Awaits.until("four connections", () -> connections() == 4);
      try (Socket fifth = om.connect()) {
        assertThat(fifth.getInputStream().read()).isEqualTo(-1);
      }
      assertThat(rejected("overloaded")).isEqualTo(2);
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
    Awaits.until("every connection released", () -> connections() == 0);
    assertThat(om.request("daemon_status", "GET", null).getJsonObject("cluster")).isNotNull();
  }

  @Test
  void aSlowEventsReaderIsEndedWithGoneNotBufferedWithoutBound() throws Exception {
    gw.ingest(full("n1", 1, nodeData(0)));
    Socket s = new Socket();
    s.setReceiveBufferSize(4096);
    s.connect(new InetSocketAddress("127.0.0.1", om.port), 10_000);
    s.setSoTimeout(60_000);
    s.getOutputStream().write(om.frame(new JsonObject().put("action", "events").put("method", "GET")
        .put("options", new JsonObject().put("full", false)).encode()));
    Awaits.until("the stream is open", () -> gw.gateway.metrics().registry()
        .find("svcgate.raw.event.streams").gauge().value() == 1);
    // incompressible values: the frames are zlib-compressed
    java.util.Random random = new java.util.Random(7);
    byte[] noise = new byte[150_000];
    long gen = 2;
    while (gw.gateway.metrics().slowConsumerDisconnects() == 0 && gen < 400) {
      random.nextBytes(noise);
      gw.ingest(patch("n1", gen, set(java.util.Base64.getEncoder().encodeToString(noise), "labels")));
      gen++;
    }
    assertThat(gw.gateway.metrics().slowConsumerDisconnects()).isEqualTo(1);
    // the reader gets what was written, then a last frame that says why, then the end
    RawClient.Stream stream = om.new Stream(s);
    JsonObject last = null;
    for (byte[] f = stream.nextFrame(); f != null; f = stream.nextFrame()) {
      last = RawClient.open(om.key, f);
    }
    assertThat(last.getString("kind")).isEqualTo("gone");
    assertThat(last.getString("reason")).isEqualTo("slow consumer");
    s.close();
    Awaits.until("the stream is released", () -> gw.gateway.metrics().registry()
        .find("svcgate.raw.event.streams").gauge().value() == 0);
  }
}
