package io.svcgate.gateway.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.svcgate.gateway.TestGateway;
import io.svcgate.state.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Holds the Grafana dashboard (docs/grafana/svcgate-dashboard.json) and the alerting
 * rules (docs/prometheus/svcgate-alerts.yml) to the metrics a real gateway serves:
 * every metric a query names is in {@code GET /metrics}, and every label it groups
 * by is carried by one of the metrics of that query. A renamed metric or label
 * fails here, not on someone's dashboard.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DashboardTest {

  private static final Pattern METRIC = Pattern.compile("\\b((?:svcgate|jvm|vertx|process|system)_[a-z0-9_]+)\\b");
  private static final Pattern BY = Pattern.compile("\\bby\\s*\\(([^)]*)\\)");
  /** Labels Prometheus adds to every series of a target, not the exposition's. */
  private static final Set<String> TARGET_LABELS = Set.of("job", "instance");

  @TempDir
  static Path dir;
  static TestGateway gw;
  /** Sample name → the sample lines of that name. */
  static Map<String, List<String>> samples;

  @BeforeAll
  static void start() throws Exception {
    // A gateway that shows a (scripted) Raft group, so the cluster panels and alerts
    // find their svcgate_cluster_* metrics too.
    gw = TestGateway.startWithCluster(dir, Map.of(), new io.svcgate.gateway.FakeCluster());
    // Make every counter and histogram the dashboard reads exist: a node with a
    // full and a patch, a rejected message, an ask-full, two waits, a stream.
    gw.ingest(TestGateway.full("d1", 1, TestGateway.nodeData(0)));
    gw.ingest(TestGateway.patch("d1", 2, TestGateway.set(1764147001.2, "frozen")));
    gw.ingest(TestGateway.event("d1", "node_freeze", null));
    assertThat(gw.post("/api/heartbeats", "{\"kind\":\"full\"}").statusCode()).isEqualTo(400);
    assertThat(gw.post("/api/nodes/d1/ask-full", "").statusCode()).isEqualTo(202);
    assertThat(gw.get("/api/wait?filter=monitor.nodes.d1.frozen%3D42&duration=10ms").bodyAsJsonObject()
        .getBoolean("satisfied")).isFalse();
    assertThat(gw.get("/api/wait?filter=monitor.nodes.d1.frozen%3E0&duration=1s").bodyAsJsonObject()
        .getBoolean("satisfied")).isTrue();
    assertThat(gw.get("/api/events/stream?after=0&limit=1&format=ndjson").statusCode()).isEqualTo(200);
    // GC meters appear with the first collection the JVM reports.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    do {
      System.gc();
      samples = scrape();
    } while (!samples.containsKey("jvm_gc_pause_seconds_count") && System.nanoTime() < deadline);
  }

  @AfterAll
  static void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
  }

  private static Map<String, List<String>> scrape() throws Exception {
    HttpResponse<Buffer> r = gw.get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String line : r.bodyAsString().split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int end = line.indexOf('{');
      if (end < 0) {
        end = line.indexOf(' ');
      }
      out.computeIfAbsent(line.substring(0, end), k -> new ArrayList<>()).add(line);
    }
    return out;
  }

  /** The query expressions of the dashboard, keyed by "panel · legend". */
  private static Map<String, String> dashboardQueries() throws Exception {
    JsonNode d = Json.parse(Files.readAllBytes(Path.of("..", "docs", "grafana", "svcgate-dashboard.json")));
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode p : d.path("panels")) {
      for (JsonNode t : p.path("targets")) {
        out.put(p.path("title").asText() + " · " + t.path("refId").asText(), t.path("expr").asText());
      }
    }
    for (JsonNode v : d.path("templating").path("list")) {
      if (v.has("definition")) {
        out.put("variable " + v.path("name").asText(), v.path("definition").asText());
      }
    }
    return out;
  }

  private static Map<String, String> alertQueries() throws Exception {
    JsonNode rules = new YAMLMapper().readTree(Files.readAllBytes(Path.of("..", "docs", "prometheus", "svcgate-alerts.yml")));
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode g : rules.path("groups")) {
      for (JsonNode r : g.path("rules")) {
        out.put("alert " + r.path("alert").asText(), r.path("expr").asText());
      }
    }
    return out;
  }

  /** What is wrong with one query: metrics not served, labels no metric of it carries. */
  private static List<String> problems(String where, String expr) {
    List<String> out = new ArrayList<>();
    Set<String> metrics = new LinkedHashSet<>();
    Matcher m = METRIC.matcher(expr);
    while (m.find()) {
      metrics.add(m.group(1));
    }
    if (metrics.isEmpty()) {
      out.add(where + ": names no metric: " + expr);
    }
    for (String name : metrics) {
      if (!samples.containsKey(name)) {
        out.add(where + ": " + name + " is not in /metrics");
      }
    }
    Matcher by = BY.matcher(expr);
    while (by.find()) {
      for (String label : by.group(1).split(",")) {
        String l = label.trim();
        if (l.isEmpty() || TARGET_LABELS.contains(l)) {
          continue;
        }
        boolean carried = metrics.stream().flatMap(n -> samples.getOrDefault(n, List.of()).stream())
            .anyMatch(line -> line.contains("{" + l + "=\"") || line.contains("," + l + "=\""));
        if (!carried) {
          out.add(where + ": no metric of the query carries the label '" + l + "'");
        }
      }
    }
    return out;
  }

  @Test
  void everyDashboardQueryReadsServedMetricsAndLabels() throws Exception {
    Map<String, String> queries = dashboardQueries();
    assertThat(queries).hasSizeGreaterThan(20);
    List<String> problems = new ArrayList<>();
    queries.forEach((where, expr) -> problems.addAll(problems(where, expr)));
    assertThat(problems).isEmpty();
  }

  @Test
  void everyAlertReadsServedMetricsAndLabels() throws Exception {
    Map<String, String> queries = alertQueries();
    assertThat(queries).hasSizeGreaterThan(5);
    List<String> problems = new ArrayList<>();
    queries.forEach((where, expr) -> {
      if (!expr.startsWith("up{")) { // up is Prometheus's own
        problems.addAll(problems(where, expr));
      }
    });
    assertThat(problems).isEmpty();
  }

  @Test
  void theDashboardCoversEveryGatewayMetricOfTheSpec() throws Exception {
    String all = String.join("\n", dashboardQueries().values());
    TreeSet<String> missing = new TreeSet<>();
    for (String name : List.of("svcgate_heartbeats_received_total", "svcgate_heartbeats_rejected_total",
        "svcgate_patches_applied_total", "svcgate_resyncs_total", "svcgate_events_emitted_total",
        "svcgate_event_last_id", "svcgate_history_events", "svcgate_nodes", "svcgate_stream_subscribers",
        "svcgate_waiters", "svcgate_ingest_latency_seconds", "svcgate_wait_seconds", "svcgate_hook_runs_total",
        "svcgate_slow_consumer_disconnects_total", "svcgate_cluster_role", "svcgate_cluster_term",
        "svcgate_cluster_leader_changes_total", "svcgate_cluster_commit_index", "svcgate_cluster_applied_index",
        "svcgate_cluster_follower_lag_entries")) {
      if (!all.contains(name)) {
        missing.add(name);
      }
    }
    assertThat(missing).as("spec metrics without a panel").isEmpty();
  }

  @Test
  void aQueryNamingAnUnknownMetricIsCaught() {
    // The check itself can fail: a made-up metric and a made-up label are reported.
    assertThat(problems("probe", "sum by (nodename) (rate(svcgate_no_such_total[1m]))")).hasSize(2);
    assertThat(problems("probe", "sum by (colour) (svcgate_nodes)")).hasSize(1);
    assertThat(problems("probe", "sum by (status) (svcgate_nodes)")).isEmpty();
  }
}
