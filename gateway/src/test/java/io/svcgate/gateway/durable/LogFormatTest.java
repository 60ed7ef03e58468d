package io.svcgate.gateway.durable;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.svcgate.state.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code log.format} of a real {@code svcgate serve} process: {@code json} makes every
 * stderr line a JSON object (Logback's encoder), a rejected message carrying its
 * {@code reason} as a field; {@code plain} lines carry the time zone offset; another
 * value stops the start (exit 2).
 */
@Timeout(180)
class LogFormatTest {

  @TempDir
  Path dir;

  @Test
  void jsonLinesCarryTheReasonOfARejectedMessageAsAField() throws Exception {
    try (ChildGateway gw = ChildGateway.start(dir.resolve("data"), Map.of("SVCGATE_LOG_FORMAT", "json"))) {
      assertThat(gw.post("/api/heartbeats", "{\"nodename\":\"n1\",\"kind\":\"full\",\"gen\":\"x\"}").statusCode())
          .isEqualTo(400);
      String line = gw.awaitLine("about the rejected message", l -> l.contains("rejected message from n1"));
      JsonNode j = Json.parse(line.getBytes(StandardCharsets.UTF_8));
      assertThat(j.path("level").asText()).isEqualTo("INFO");
      assertThat(j.path("loggerName").asText()).isEqualTo("io.svcgate.gateway.ingest");
      assertThat(j.path("formattedMessage").asText()).startsWith("rejected message from n1 (");
      assertThat(field(j, "reason")).isNotBlank().isEqualTo(j.path("formattedMessage").asText().replaceAll("^[^(]*\\(([^)]*)\\).*$", "$1"));
      assertThat(field(j, "nodename")).isEqualTo("n1");
      gw.terminate();
      // every line, from the ready line to the last one of the stop, is one JSON object
      for (String l : gw.stderr()) {
        if (l.contains("svcgate ready") || l.contains("svcgate stopped")) {
          assertThat(Json.parse(l.getBytes(StandardCharsets.UTF_8)).path("formattedMessage").asText()).as(l).isNotEmpty();
        }
      }
      assertThat(gw.stderr().stream().filter(l -> l.contains("svcgate stopped"))).singleElement()
          .satisfies(l -> assertThat(l).startsWith("{"));
    }
  }

  /** The value of key {@code k} in the record's key-value list ({@code "kvpList": [{"reason": "…"}, …]}). */
  private static String field(JsonNode j, String k) {
    for (JsonNode kv : j.path("kvpList")) {
      if (kv.has(k)) {
        return kv.path(k).asText();
      }
    }
    throw new AssertionError("no " + k + " in " + j);
  }

  @Test
  void plainLinesCarryTheTimeZoneOffset() throws Exception {
    try (ChildGateway gw = ChildGateway.start(dir.resolve("data"), Map.of("SVCGATE_LOG_FORMAT", "plain"))) {
      String ready = gw.awaitLine("ready", l -> l.contains("svcgate ready"));
      assertThat(ready).matches("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}[+-]\\d\\d:\\d\\d INFO .*");
    }
  }

  @Test
  void anotherFormatStopsTheStart() throws Exception {
    ChildGateway.Ended e = ChildGateway.runToExit(dir.resolve("data"), Map.of("SVCGATE_LOG_FORMAT", "xml"));
    assertThat(e.exitCode()).isEqualTo(2);
    assertThat(e.text()).contains("svcgate: log.format must be plain or json, got 'xml'");
  }
}
