package io.svcgate.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The load driver runs one short scenario end to end (P2 against a gateway in this
 * JVM, 1 s) and produces its figure. Only that it produced one: a benchmark is
 * never a timed test.
 */
class LoadDriverSmokeTest {

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void p2ProducesAFigure() throws Exception {
    LoadDriver.quietLogs();
    LoadDriver.Options o = LoadDriver.parse(new String[] {"--scenario", "P2", "--runs", "1", "--duration", "1",
        "--warmup", "0.5", "--nodes", "5"});
    LoadDriver d = new LoadDriver(o);
    try {
      d.runAll();
    } finally {
      d.client.close().await(30, TimeUnit.SECONDS);
    }
    double gens = d.results.median("P2 ingest via event bus, durable, 5 nodes");
    assertFalse(Double.isNaN(gens), "P2 gave no figure");
  }
}
