package io.svcgate.bench;

import io.svcgate.gateway.Gateway;
import io.svcgate.gateway.config.ConfigKey;
import io.svcgate.gateway.config.GatewayConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A gateway started in the driver's JVM on a loopback port with its own data
 * directory (deleted when closed unless kept), durable history on, no hooks.
 */
final class LocalGateway implements AutoCloseable {

  final Gateway gateway;
  final Path dataDir;
  final long startMillis;
  private final boolean ownsDir;

  private LocalGateway(Gateway gateway, Path dataDir, long startMillis, boolean ownsDir) {
    this.gateway = gateway;
    this.dataDir = dataDir;
    this.startMillis = startMillis;
    this.ownsDir = ownsDir;
  }

  /** Starts on a fresh temporary data directory. */
  static LocalGateway start(Map<ConfigKey, String> overrides) throws Exception {
    Path dir = Files.createTempDirectory("svcgate-bench-");
    return start(dir, overrides, true);
  }

  /** Starts on {@code dir} (kept when closed unless {@code ownsDir}). */
  static LocalGateway start(Path dir, Map<ConfigKey, String> overrides, boolean ownsDir) throws Exception {
    GatewayConfig.Builder b = GatewayConfig.builder()
        .set(ConfigKey.HTTP_PORT, "0")
        .set(ConfigKey.HTTP_HOST, "127.0.0.1")
        .set(ConfigKey.NODENAME, "gw-bench")
        .set(ConfigKey.CLUSTER_NAME, "bench")
        .set(ConfigKey.DATA, dir.toString())
        .set(ConfigKey.HOOKS_FILE, dir.resolve("no-hooks.conf").toString());
    overrides.forEach(b::set);
    long t0 = System.nanoTime();
    Gateway g = Gateway.start(b.build()).await(120, TimeUnit.SECONDS);
    return new LocalGateway(g, dir, (System.nanoTime() - t0) / 1_000_000, ownsDir);
  }

  int port() {
    return gateway.httpPort();
  }

  String base() {
    return "http://127.0.0.1:" + port();
  }

  @Override
  public void close() throws Exception {
    gateway.stop().await(60, TimeUnit.SECONDS);
    if (ownsDir) {
      deleteTree(dataDir);
    }
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
