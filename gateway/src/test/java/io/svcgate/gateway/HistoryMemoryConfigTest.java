package io.svcgate.gateway;

import static io.svcgate.gateway.TestGateway.full;
import static io.svcgate.gateway.TestGateway.nodeData;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.svcgate.gateway.config.ConfigException;
import io.svcgate.gateway.config.ConfigKey;
import io.svcgate.gateway.config.GatewayConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * RocksDB's memory of the history is set by {@code history.block-cache-bytes} and
 * {@code history.write-buffer-bytes} (docs/configuration.md, docs/operations.md):
 * the smallest sizes still keep every event through many memtable flushes and a
 * restart, and sizes out of bounds refuse to start with the key named.
 */
@Timeout(120)
class HistoryMemoryConfigTest {

  @TempDir
  Path dir;

  @Test
  void smallestWriteBufferAndNoBlockCacheKeepEveryEventAcrossFlushesAndRestart() throws Exception {
    Map<ConfigKey, String> small = Map.of(ConfigKey.HISTORY_BLOCK_CACHE_BYTES, "0",
        ConfigKey.HISTORY_WRITE_BUFFER_BYTES, "65536");
    String pad = "x".repeat(2000);
    long last;
    // 200 events of about 2 KB: several times the 64 KiB write buffer, so several flushes.
    try (TestGateway gw = TestGateway.start(dir, small)) {
      last = 0;
      for (int gen = 1; gen <= 200; gen++) {
        JsonObject data = nodeData(0).put("labels", new JsonObject().put("pad", pad + gen));
        last = gw.ingest(full("n1", gen, data));
      }
    }
    try (TestGateway gw = TestGateway.start(dir, small)) {
      JsonArray events = gw.get("/api/events?after=0&limit=1000").bodyAsJsonObject().getJsonArray("events");
      // Every event written before the restart, in order (the restart may add events of its own after them).
      assertThat(events.size()).isGreaterThanOrEqualTo((int) last);
      for (int i = 0; i < last; i++) {
        assertThat(events.getJsonObject(i).getLong("id")).isEqualTo(i + 1L);
      }
      assertThat(events.encode()).contains(pad + 1).contains(pad + 200);
    }
  }

  @Test
  void sizesOutOfBoundsAreRefusedWithTheKeyNamed() {
    GatewayConfig tiny = GatewayConfig.builder().set(ConfigKey.HTTP_PORT, "0").set(ConfigKey.DATA, dir.toString())
        .set(ConfigKey.HOOKS_FILE, dir.resolve("none").toString())
        .set(ConfigKey.HISTORY_WRITE_BUFFER_BYTES, "1024").build();
    assertThatThrownBy(() -> Gateway.start(tiny).await(60, TimeUnit.SECONDS))
        .isInstanceOf(ConfigException.class).hasMessageContaining("history.write-buffer-bytes");
    GatewayConfig huge = GatewayConfig.builder().set(ConfigKey.HTTP_PORT, "0").set(ConfigKey.DATA, dir.toString())
        .set(ConfigKey.HOOKS_FILE, dir.resolve("none").toString())
        .set(ConfigKey.HISTORY_BLOCK_CACHE_BYTES, Long.toString(1L << 40)).build();
    assertThatThrownBy(() -> Gateway.start(huge).await(60, TimeUnit.SECONDS))
        .isInstanceOf(ConfigException.class).hasMessageContaining("history.block-cache-bytes");
  }
}
