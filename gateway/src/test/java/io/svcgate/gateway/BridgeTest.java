package io.svcgate.gateway;

import static io.svcgate.gateway.TestGateway.full;
import static io.svcgate.gateway.TestGateway.nodeData;
import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.gateway.config.ConfigKey;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The TCP event-bus bridge, spoken frame by frame as a non-JVM agent would. */
@Timeout(60)
class BridgeTest {

  @TempDir
  Path dir;

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static Buffer frame(JsonObject o) {
    Buffer json = o.toBuffer();
    return Buffer.buffer().appendInt(json.length()).appendBuffer(json);
  }

  private static JsonObject next(BlockingQueue<JsonObject> q) throws InterruptedException {
    JsonObject o = q.poll(30, TimeUnit.SECONDS);
    assertThat(o).as("a frame from the bridge").isNotNull();
    return o;
  }

  @Test
  void heartbeatsInEventsOutNothingElse() throws Exception {
    int port = freePort();
    try (TestGateway gw = TestGateway.start(dir, Map.of(ConfigKey.BRIDGE_PORT, Integer.toString(port)))) {
      NetSocket socket = gw.clientVertx.createNetClient().connect(port, "127.0.0.1").await(10, TimeUnit.SECONDS);
      BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
      RecordParser parser = RecordParser.newFixed(4);
      parser.handler(new io.vertx.core.Handler<>() {
        int size = -1;

        @Override
        public void handle(Buffer b) {
          if (size < 0) {
            size = b.getInt(0);
            parser.fixedSizeMode(size);
          } else {
            frames.add(b.toJsonObject());
            size = -1;
            parser.fixedSizeMode(4);
          }
        }
      });
      socket.handler(parser);

      socket.write(frame(new JsonObject().put("type", "register").put("address", "svcgate.events"))).await();
      socket.write(frame(new JsonObject().put("type", "send").put("address", "svcgate.hb.rx").put("replyAddress", "r1")
          .put("body", full("n1", 1, nodeData(0))))).await();
      JsonObject reply = null;
      JsonObject event = null;
      while (reply == null || event == null) {
        JsonObject f = next(frames);
        if ("r1".equals(f.getString("address"))) {
          reply = f;
        } else if ("svcgate.events".equals(f.getString("address"))) {
          event = f;
        }
      }
      assertThat(reply.getJsonObject("body").getInteger("accepted")).isEqualTo(1);
      assertThat(event.getJsonObject("body").getString("kind")).isIn("patch", "event");
      assertThat(event.getJsonObject("body").getLong("id")).isPositive();

      socket.write(frame(new JsonObject().put("type", "send").put("address", "svcgate.state.query")
          .put("replyAddress", "r2").put("body", new JsonObject().put("filter", "monitor")))).await();
      JsonObject denied;
      do {
        denied = next(frames);
      } while (!"err".equals(denied.getString("type")));
      assertThat(denied.getString("message")).isNotBlank();
      socket.close();
    }
  }
}
