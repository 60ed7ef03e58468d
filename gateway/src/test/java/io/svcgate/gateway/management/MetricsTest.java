package io.svcgate.gateway.management;

import static io.svcgate.gateway.TestGateway.event;
import static io.svcgate.gateway.TestGateway.full;
import static io.svcgate.gateway.TestGateway.nodeData;
import static io.svcgate.gateway.TestGateway.patch;
import static io.svcgate.gateway.TestGateway.set;
import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.gateway.Awaits;
import io.svcgate.gateway.TestGateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /metrics} after a known ingest: the names, labels and values of docs/metrics.md. */
@Timeout(90)
class MetricsTest {

  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

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

  /** One sample: name, labels, value. */
  record Sample(String name, Map<String, String> labels, double value) {
  }

  private String scrape() throws Exception {
    HttpResponse<Buffer> r = gw.get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.getHeader("content-type")).startsWith("text/plain");
    return r.bodyAsString();
  }

  /** The samples of a Prometheus text exposition (comment lines skipped). */
  static List<Sample> parse(String text) {
    return text.lines().filter(l -> !l.isEmpty() && !l.startsWith("#")).map(l -> {
      Matcher m = SAMPLE.matcher(l);
      assertThat(m.matches()).as("a sample line: %s", l).isTrue();
      Map<String, String> labels = new HashMap<>();
      if (m.group(2) != null) {
        Matcher lm = LABEL.matcher(m.group(2));
        while (lm.find()) {
          labels.put(lm.group(1), lm.group(2));
        }
      }
      return new Sample(m.group(1), labels, Double.parseDouble(m.group(3)));
    }).toList();
  }

  /** The value of the one sample named so with (at least) these labels. */
  private static double value(List<Sample> samples, String name, String... labels) {
    List<Sample> found = samples.stream().filter(s -> s.name().equals(name)).filter(s -> {
      for (int i = 0; i < labels.length; i += 2) {
        if (!labels[i + 1].equals(s.labels().get(labels[i]))) {
          return false;
        }
      }
      return true;
    }).toList();
    assertThat(found).as("%s %s", name, String.join(",", labels)).hasSize(1);
    return found.get(0).value();
  }

  @Test
  void everyMetricOfTheSpecWithSaneValues() throws Exception {
    gw.ingest(full("n1", 1, nodeData(0)));
    gw.ingest(patch("n1", 2, set(5, "stats")));
    assertThat(gw.post("/api/heartbeats", patch("n1", 7, set(6, "stats"))).statusCode()).isEqualTo(409);
    assertThat(gw.post("/api/heartbeats", new JsonObject().put("kind", "full")).statusCode()).isEqualTo(400);
    long last = gw.post("/api/events", event("n1", "node_freeze", new JsonObject().put("reason", "target")))
        .bodyAsJsonObject().getLong("id");
    assertThat(gw.get("/api/wait?filter=monitor.nodes.n1.frozen>0&duration=10ms").bodyAsJsonObject()
        .getBoolean("satisfied")).isFalse();
    Awaits.until("svcgate_nodes{status=beating} 1", () -> {
      try {
        return value(parse(scrape()), "svcgate_nodes", "status", "beating") == 1;
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });

    List<Sample> s = parse(scrape());
    assertThat(value(s, "svcgate_heartbeats_received_total", "nodename", "n1", "kind", "full")).isEqualTo(1);
    assertThat(value(s, "svcgate_heartbeats_received_total", "nodename", "n1", "kind", "patch")).isEqualTo(2);
    assertThat(value(s, "svcgate_heartbeats_received_total", "nodename", "n1", "kind", "event")).isEqualTo(1);
    assertThat(value(s, "svcgate_heartbeats_rejected_total", "reason", "out_of_sequence")).isEqualTo(1);
    assertThat(s.stream().filter(x -> x.name().equals("svcgate_heartbeats_rejected_total"))
        .mapToDouble(Sample::value).sum()).isEqualTo(2);
    // the message that did not parse was received too: the rejected share stays within 0..1
    assertThat(value(s, "svcgate_heartbeats_received_total", "nodename", "other", "kind", "malformed")).isEqualTo(1);
    assertThat(s.stream().filter(x -> x.name().equals("svcgate_heartbeats_received_total"))
        .mapToDouble(Sample::value).sum()).isEqualTo(5);
    assertThat(value(s, "svcgate_patches_applied_total", "nodename", "n1")).isEqualTo(1);
    assertThat(value(s, "svcgate_resyncs_total", "nodename", "n1")).isEqualTo(1);
    assertThat(value(s, "svcgate_events_emitted_total", "kind", "event", "eventid", "node_freeze")).isEqualTo(1);
    assertThat(value(s, "svcgate_events_emitted_total", "kind", "event", "eventid", "monitor_started")).isEqualTo(1);
    assertThat(value(s, "svcgate_events_emitted_total", "kind", "patch", "eventid", "")).isGreaterThanOrEqualTo(2);
    assertThat(value(s, "svcgate_event_last_id")).isEqualTo(last);
    assertThat(value(s, "svcgate_history_events")).isEqualTo(last);
    assertThat(value(s, "svcgate_nodes", "status", "stale")).isZero();
    assertThat(value(s, "svcgate_stream_subscribers", "format", "sse")).isZero();
    assertThat(value(s, "svcgate_stream_subscribers", "format", "ndjson")).isZero();
    assertThat(value(s, "svcgate_waiters")).isZero();
    assertThat(value(s, "svcgate_ingest_latency_seconds_count")).isGreaterThanOrEqualTo(3);
    assertThat(value(s, "svcgate_ingest_latency_seconds_bucket", "le", "+Inf"))
        .isEqualTo(value(s, "svcgate_ingest_latency_seconds_count"));
    assertThat(value(s, "svcgate_ingest_latency_seconds_sum")).isPositive();
    assertThat(value(s, "svcgate_wait_seconds_count", "result", "timeout")).isEqualTo(1);
    assertThat(value(s, "svcgate_wait_seconds_count", "result", "satisfied")).isZero();
    assertThat(value(s, "svcgate_wait_seconds_bucket", "result", "timeout", "le", "+Inf")).isEqualTo(1);
    for (String result : List.of("ok", "failed", "timeout")) {
      assertThat(value(s, "svcgate_hook_runs_total", "result", result)).isZero();
    }
    assertThat(value(s, "svcgate_slow_consumer_disconnects_total")).isZero();

    // Vert.x's own and the JVM's
    assertThat(s).anyMatch(x -> x.name().equals("vertx_http_server_requests_total")
        && "/api/heartbeats".equals(x.labels().get("route")) && "POST".equals(x.labels().get("method")));
    assertThat(s).noneMatch(x -> x.labels().containsKey("path") || x.labels().containsKey("remote"));
    assertThat(s).anyMatch(x -> x.name().startsWith("vertx_eventbus_"));
    for (String jvm : List.of("jvm_memory_used_bytes", "jvm_threads_live_threads", "jvm_classes_loaded_classes",
        "system_cpus", "process_cpu_seconds_total", "jvm_gc_memory_allocated_bytes_total")) {
      assertThat(s).as(jvm).anyMatch(x -> x.name().equals(jvm));
    }

    // a forgotten node's series go
    assertThat(gw.delete("/api/nodes/n1").statusCode()).isEqualTo(200);
    assertThat(parse(scrape())).noneMatch(x -> "n1".equals(x.labels().get("nodename")));
    // and come back from zero when it does
    gw.ingest(full("n1", 1, nodeData(0)));
    assertThat(value(parse(scrape()), "svcgate_heartbeats_received_total", "nodename", "n1", "kind", "full"))
        .isEqualTo(1);
  }

  @Test
  void theExpositionPassesPromtool() throws Exception {
    String promtool = findOnPath("promtool");
    Assumptions.assumeTrue(promtool != null,
        "promtool is not installed (Debian package 'prometheus'; .ci/run installs it): the check is skipped");
    gw.ingest(full("n1", 1, nodeData(0)));
    gw.ingest(patch("n1", 2, set(5, "stats")));
    gw.post("/api/events", event("n1", "node_freeze", new JsonObject().put("reason", "target")));
    String text = scrape();
    Path file = Files.writeString(dir.resolve("metrics.txt"), text);
    Process p = new ProcessBuilder(promtool, "check", "metrics").redirectInput(file.toFile())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("promtool check metrics said:%n%s", out).isZero();
  }

  private static String findOnPath(String program) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(d, program);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return null;
  }
}
