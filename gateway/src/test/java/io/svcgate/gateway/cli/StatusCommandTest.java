package io.svcgate.gateway.cli;

import static io.svcgate.gateway.TestGateway.full;
import static io.svcgate.gateway.TestGateway.patch;
import static io.svcgate.gateway.TestGateway.set;
import static io.svcgate.gateway.cli.Fixtures.node;
import static io.svcgate.gateway.cli.Fixtures.url;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.svcgate.gateway.TestGateway;
import io.svcgate.state.Json;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code om daemon status} against a real gateway. */
@Timeout(60)
class StatusCommandTest {

  @TempDir
  Path dir;
  TestGateway gw;

  @BeforeEach
  void start() throws Exception {
    gw = TestGateway.start(dir, Map.of());
    gw.ingest(full("nuc-cva", 1, node(0)));
  }

  @AfterEach
  void stop() throws Exception {
    gw.close();
  }

  private Cli.Result status(String... args) {
    String[] all = new String[args.length + 4];
    all[0] = "daemon";
    all[1] = "status";
    System.arraycopy(args, 0, all, 2, args.length);
    all[args.length + 2] = "--server";
    all[args.length + 3] = url(gw);
    return Cli.run(all);
  }

  @Test
  void seedExamplePrintsZero() {
    Cli.Result r = status("--filter", "monitor.nodes.nuc-cva.frozen");
    assertThat(r.out()).isEqualTo("0\n");
    assertThat(r.err()).isEmpty();
    assertThat(r.code()).isZero();
  }

  @Test
  void numbersInPlainDecimalNotation() throws Exception {
    // Sent by Vert.x as 1.7641470012E9: the CLI must still print the plain decimal.
    gw.ingest(patch("nuc-cva", 2, set(1764147001.2, "frozen")));
    assertThat(status("--filter", "monitor.nodes.nuc-cva.frozen").out()).isEqualTo("1764147001.2\n");
    Cli.Result json = status("--filter", "monitor.nodes.*.frozen", "--format", "json");
    assertThat(json.out()).contains("1764147001.2").doesNotContain("E9").doesNotContain("e9");
    assertThat(Json.parse(json.out())).isEqualTo(Json.parse("[1764147001.2]"));
  }

  @Test
  void firstMatchPlainAllMatchesAsJson() throws Exception {
    gw.ingest(full("n2", 1, node(0).put("agent", "3.0")));
    assertThat(status("--filter", "monitor.nodes.*.agent").out()).isEqualTo("2.1-1804\n");
    assertThat(Json.parse(status("--filter", "monitor.nodes.*.agent", "--format", "json").out()))
        .isEqualTo(Json.parse("[\"2.1-1804\", \"3.0\"]"));
    assertThat(status("--filter", "monitor.nodes.nuc-cva.services.status.'ns1/svc/web'.avail").out()).isEqualTo("up\n");
  }

  @Test
  void objectsAsIndentedJson() throws Exception {
    Cli.Result r = status("--filter", "monitor.nodes.nuc-cva.services.status.'ns1/svc/web'.resources");
    assertThat(r.out()).isEqualTo("{\n  \"fs#1\" : {\n    \"status\" : \"up\"\n  }\n}\n");
  }

  @Test
  void noMatchPrintsNothing() throws Exception {
    Cli.Result r = status("--filter", "monitor.nodes.n3.frozen");
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEmpty();
    assertThat(r.code()).isZero();
    Cli.Result json = status("--filter", "monitor.nodes.n3.frozen", "--format", "json");
    assertThat(Json.parse(json.out())).isEqualTo(Json.parse("[]"));
    assertThat(json.code()).isZero();
  }

  @Test
  void summaryWithoutFilter() throws Exception {
    gw.ingest(full("n2", 1, node(1764147001.5)));
    Cli.Result r = status();
    assertThat(r.code()).isZero();
    String since = new HumanFormat(java.time.ZoneId.systemDefault()).tableTime(new java.math.BigDecimal("1764147001.5"));
    assertThat(r.out()).matches("(?s)cluster test, gateway gw-test, at event \\d+\n.*")
        .contains("\n"
            + "NODE     STATUS   FROZEN\n"
            + "nuc-cva  beating  no\n"
            + "n2       beating  since " + since + "\n"
            + "\n"
            + "SERVICE      NODE     AVAIL  OVERALL\n"
            + "ns1/svc/web  nuc-cva  up     warn\n"
            + "ns1/svc/web  n2       up     warn\n");
  }

  @Test
  void wholeDocumentAsJson() throws Exception {
    Cli.Result r = status("--format", "json");
    JsonNode doc = Json.parse(r.out());
    assertThat(doc.path("monitor").path("nodes").path("nuc-cva").path("agent").asText()).isEqualTo("2.1-1804");
    assertThat(doc.path("cluster").path("name").asText()).isEqualTo("test");
  }

  @Test
  void badFilterIsRefusedWithoutAskingTheGateway() throws Exception {
    int dead = Fixtures.deadPort();
    Cli.Result r = Cli.run("daemon", "status", "--filter", "monitor.nodes[x]", "--server", "http://127.0.0.1:" + dead);
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("om: bad filter 'monitor.nodes[x]': at position 14").endsWith("\n");
    assertThat(r.err().lines()).hasSize(1);
    assertThat(r.out()).isEmpty();
  }

  @Test
  void emptyGateway() throws Exception {
    gw.delete("/api/nodes/nuc-cva");
    assertThat(status().out()).endsWith("\nno nodes\n");
    assertThat(new JsonObject(status("--format", "json").out()).getJsonObject("monitor").getJsonObject("nodes"))
        .isEqualTo(new JsonObject());
  }
}
