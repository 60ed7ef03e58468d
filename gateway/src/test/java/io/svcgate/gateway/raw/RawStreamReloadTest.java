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
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A raw {@code events} stream across a reload from a snapshot (what a cluster member
 * does when Raft installs the leader's snapshot): the events the snapshot brought were
 * never published, so the stream ends with a {@code gone} frame naming the last id it
 * sent, instead of going on past a hole; a stream opened afterwards follows the new
 * history.
 */
@Timeout(90)
class RawStreamReloadTest {

  @TempDir
  Path dir;

  @Test
  void aStreamEndsWithGoneWhenTheHistoryIsReplacedUnderIt() throws Exception {
    Path file = dir.resolve("snapshot.0_0");
    try (TestGateway a = TestGateway.start(dir.resolve("a"), Map.of());
         TestGateway b = TestGateway.start(dir.resolve("b"), Map.of(ConfigKey.RAW_PORT, "0",
             ConfigKey.RAW_HOST, "127.0.0.1", ConfigKey.CLUSTER_SECRET, RawListenerTest.SECRET))) {
      a.ingest(full("n1", 1, nodeData(0)));
      long exported = 0;
      for (int g = 2; g <= 30; g++) {
        exported = a.ingest(patch("n1", g, set(g, "frozen")));
      }
      a.gateway.history().exportCheckpoint(file).get(60, TimeUnit.SECONDS);

      b.ingest(full("other", 1, nodeData(1)));
      RawClient om = new RawClient(b.gateway.rawPort(), "test", "n1", RawClient.clusterKey(RawListenerTest.SECRET));
      try (RawClient.Stream stream = om.events(false)) {
        Awaits.until("the stream is open", () -> b.gateway.metrics().registry()
            .find("svcgate.raw.event.streams").gauge().value() == 1);
        long sent = b.ingest(patch("other", 2, set(1, "frozen")));
        assertThat(stream.next().getLong("id")).isEqualTo(sent);
        assertThat(sent).as("b is behind the snapshot, as a member that gets one is").isLessThan(exported);

        b.gateway.reloadFromSnapshot(file).get(60, TimeUnit.SECONDS);
        long after = b.ingest(patch("n1", 31, set(31, "frozen")));
        assertThat(after).as("numbered after the snapshot's events").isGreaterThan(exported);

        JsonObject gone = stream.next();
        assertThat(gone.getString("kind")).isEqualTo("gone");
        assertThat(gone.getString("reason")).isEqualTo("history reloaded");
        assertThat(gone.getLong("last")).as("the last id this stream sent").isEqualTo(sent);
        assertThat(stream.nextFrame()).as("then the end").isNull();
      }

      try (RawClient.Stream again = om.events(false)) {
        Awaits.until("the new stream is open", () -> b.gateway.metrics().registry()
            .find("svcgate.raw.event.streams").gauge().value() == 1);
        long next = b.ingest(patch("n1", 32, set(32, "frozen")));
        JsonObject e = again.next();
        assertThat(e.getLong("id")).isEqualTo(next);
        assertThat(e.getString("kind")).isEqualTo("patch");
      }
    }
  }
}
