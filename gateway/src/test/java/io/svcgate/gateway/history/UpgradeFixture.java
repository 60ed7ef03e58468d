package io.svcgate.gateway.history;

import static io.svcgate.gateway.TestGateway.event;
import static io.svcgate.gateway.TestGateway.full;
import static io.svcgate.gateway.TestGateway.nodeData;
import static io.svcgate.gateway.TestGateway.patch;
import static io.svcgate.gateway.TestGateway.set;

import io.svcgate.gateway.TestGateway;
import io.svcgate.gateway.config.ConfigKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Makes the data directory that {@link UpgradeTest} keeps reading with every later
 * version: {@code UpgradeFixture <dir>} runs a gateway of this version on
 * {@code <dir>/data}, feeds it two nodes, stops it gracefully (a final snapshot), and
 * removes what is not data (RocksDB's info logs, the lock). Run it again only when the
 * stored format changes, into a new {@code src/test/resources/upgrade/format-N}, and keep
 * the old ones: they are the directories of the previous formats.
 */
public final class UpgradeFixture {

  private UpgradeFixture() {
  }

  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[0]).resolve("data");
    try (TestGateway gw = TestGateway.start(data, Map.of(ConfigKey.HISTORY_SNAPSHOT_EVERY, "5"))) {
      gw.ingest(full("n1", 1, nodeData(0)));
      gw.ingest(full("n2", 1, nodeData(0)));
      gw.ingest(patch("n1", 2, set(1764147001.2, "frozen")));
      gw.ingest(event("n1", "node_freeze", null));
      gw.ingest(patch("n2", 2, set("down", "services", "status", "ns1/svc/web", "avail")));
      gw.ingest(patch("n1", 3, set(0, "frozen")));
      gw.ingest(event("n1", "node_thaw", null));
    }
    try (Stream<Path> files = Files.walk(data)) {
      for (Path p : files.toList()) {
        String name = p.getFileName().toString();
        if (name.equals("LOCK") || name.startsWith("LOG")) {
          Files.delete(p);
        }
      }
    }
  }
}
