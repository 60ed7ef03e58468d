package io.svcgate.gateway.cli;

import io.svcgate.gateway.TestGateway;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Node data and addresses the command tests share. */
final class Fixtures {

  private Fixtures() {
  }

  /** Node data in the layout of docs/model.md §1, with {@code frozen} as given (an integer 0 prints as {@code 0}). */
  static JsonObject node(Object frozen) {
    return new JsonObject()
        .put("agent", "2.1-1804").put("frozen", frozen)
        .put("monitor", new JsonObject().put("status", "idle"))
        .put("services", new JsonObject()
            .put("status", new JsonObject().put("ns1/svc/web", new JsonObject()
                .put("avail", "up").put("overall", "warn").put("frozen", 0)
                .put("resources", new JsonObject().put("fs#1", new JsonObject().put("status", "up"))))));
  }

  /** The {@code --server} value of a test gateway. */
  static String url(TestGateway gw) {
    return "http://127.0.0.1:" + gw.port();
  }

  /** A loopback port nobody listens on (just released). */
  static int deadPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
