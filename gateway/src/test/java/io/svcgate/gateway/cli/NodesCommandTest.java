package io.svcgate.gateway.cli;

import static io.svcgate.gateway.TestGateway.full;
import static io.svcgate.gateway.cli.Fixtures.node;
import static io.svcgate.gateway.cli.Fixtures.url;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.svcgate.gateway.TestGateway;
import io.svcgate.state.Json;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code om node ls} against a real gateway. */
@Timeout(60)
class NodesCommandTest {

  @TempDir
  Path dir;
  TestGateway gw;

  @BeforeEach
  void start() throws Exception {
    gw = TestGateway.start(dir, Map.of());
  }

  @AfterEach
  void stop() throws Exception {
    gw.close();
  }

  @Test
  void alignedTable() throws Exception {
    gw.ingest(full("nuc-cva", 3, node(0)));
    gw.ingest(full("n2", 7, node(1764147001.2)));
    Cli.Result r = Cli.run("node", "ls", "--server", url(gw));
    assertThat(r.code()).isZero();
    HumanFormat fmt = new HumanFormat(ZoneId.systemDefault());
    JsonNode rows = Json.parse(gw.get("/api/nodes").bodyAsString());
    String seen1 = fmt.tableTime(rows.get(0).get("last_seen").decimalValue());
    String seen2 = fmt.tableTime(rows.get(1).get("last_seen").decimalValue());
    String frozen = "since " + fmt.tableTime(new BigDecimal("1764147001.2"));
    String pad = " ".repeat(frozen.length() - 2);
    assertThat(r.out()).isEqualTo(""
        + "NODE     STATUS   GEN  NEEDS_FULL  FROZEN" + " ".repeat(frozen.length() - 6 + 2) + "LAST_SEEN\n"
        + "nuc-cva  beating  3    no          no" + pad + "  " + seen1 + "\n"
        + "n2       beating  7    no          " + frozen + "  " + seen2 + "\n");
  }

  @Test
  void json() throws Exception {
    gw.ingest(full("nuc-cva", 3, node(0)));
    Cli.Result r = Cli.run("node", "ls", "--format", "json", "--server", url(gw));
    assertThat(Json.parse(r.out())).isEqualTo(Json.parse(gw.get("/api/nodes").bodyAsString()));
  }

  @Test
  void noNodes() {
    Cli.Result r = Cli.run("node", "ls", "--server", url(gw));
    assertThat(r.code()).isZero();
    assertThat(r.out()).isEqualTo("no nodes\n");
  }
}
