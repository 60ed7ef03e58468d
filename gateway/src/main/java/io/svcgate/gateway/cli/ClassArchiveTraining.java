package io.svcgate.gateway.cli;

import io.svcgate.gateway.Gateway;
import io.svcgate.gateway.Logging;
import io.svcgate.gateway.config.ConfigKey;
import io.svcgate.gateway.config.GatewayConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The run that a class-data-sharing archive is made from ({@code bin/svcgate
 * archive-classes}, run by the build; docs/operations.md, "Start time"): what
 * {@code svcgate serve --simulate 50} loads until it serves, plus the classes of a
 * few requests (health, status, nodes, metrics, one heartbeat, a short stream).
 * It starts a gateway in a temporary data directory on an ephemeral loopback port,
 * asks, stops it and exits; the JVM writes the archive at exit
 * ({@code -XX:ArchiveClassesAtExit}). Exit code 0 when all went well, 1 otherwise.
 */
public final class ClassArchiveTraining {

  private ClassArchiveTraining() {
  }

  public static void main(String[] args) throws Exception {
    Main.nettyFlightRecorderOffByDefault();
    Main.commandLine(); // the command line's classes, as `svcgate serve` builds them
    Path dir = Files.createTempDirectory("svcgate-archive-");
    int code = 1;
    try {
      Map<ConfigKey, String> flags = new EnumMap<>(ConfigKey.class);
      flags.put(ConfigKey.DATA, dir.resolve("data").toString());
      flags.put(ConfigKey.HTTP_PORT, "0");
      flags.put(ConfigKey.SIMULATE, "50");
      flags.put(ConfigKey.HOOKS_FILE, dir.resolve("node.conf").toString());
      GatewayConfig config = GatewayConfig.load(null, null, Map.of(), flags);
      Logging.apply(Logging.format(config));
      Gateway gateway = Gateway.start(config).await(2, TimeUnit.MINUTES);
      try {
        String base = "http://127.0.0.1:" + gateway.httpPort();
        // the simulator's nodes join and send patches for a moment, as in a real start
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (gateway.history().lastId() < 200 && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        for (String path : new String[] {"/health", "/api/daemon/status", "/api/nodes", "/metrics",
            "/api/events?limit=10", "/api/daemon/status?filter=monitor.nodes.sim-n1.frozen"}) {
          get(base + path);
        }
        post(base + "/api/heartbeats", "{\"nodename\":\"archive-n1\",\"kind\":\"full\",\"gen\":{\"archive-n1\":1},"
            + "\"data\":{\"frozen\":0}}");
        post(base + "/api/heartbeats", "{\"nodename\":\"archive-n1\",\"kind\":\"patch\",\"gen\":{\"archive-n1\":2},"
            + "\"deltas\":{\"2\":[[[\"frozen\"],1]]}}");
        get(base + "/api/wait?filter=monitor.nodes.archive-n1.frozen%3D1&duration=1s");
        get(base + "/api/events/stream?after=0&limit=20");
        get(base + "/api/events/stream?format=ndjson&after=0&limit=20");
        code = 0;
      } finally {
        gateway.stop().await(30, TimeUnit.SECONDS);
      }
    } finally {
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    System.exit(code);
  }

  private static void get(String url) throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
    c.setConnectTimeout(5_000);
    c.setReadTimeout(5_000);
    drain(c);
  }

  private static void post(String url, String body) throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
    c.setConnectTimeout(5_000);
    c.setReadTimeout(5_000);
    c.setRequestMethod("POST");
    c.setDoOutput(true);
    c.setRequestProperty("Content-Type", "application/json");
    c.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    drain(c);
  }

  /** Reads the answer whatever its status; a stream that outlives the read timeout is simply left. */
  private static void drain(HttpURLConnection c) throws IOException {
    try {
      c.getResponseCode();
      InputStream in = c.getErrorStream() != null ? c.getErrorStream() : c.getInputStream();
      if (in != null) {
        try (in) {
          in.readAllBytes();
        }
      }
    } catch (java.net.SocketTimeoutException e) {
      // the stream stayed open: its classes are loaded, which is all this run is for
    } finally {
      c.disconnect();
    }
  }
}
