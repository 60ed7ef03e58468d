package io.svcgate.gateway.management;

import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.gateway.Awaits;
import io.svcgate.gateway.FakeCluster;
import io.svcgate.gateway.TestGateway;
import io.svcgate.gateway.Tools;
import io.svcgate.gateway.cluster.ClusterStatus.Role;
import io.svcgate.gateway.management.MetricsTest.Sample;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code svcgate_cluster_*} metrics of docs/metrics.md on {@code GET /metrics} of a
 * real gateway whose view of its Raft group is a scripted {@link FakeCluster}; none on
 * a single gateway; {@code promtool check metrics} accepts the exposition.
 */
@Timeout(90)
class ClusterMetricsTest {

  @TempDir
  Path dir;
  TestGateway gw;
  final FakeCluster cluster = new FakeCluster();

  @AfterEach
  void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
  }

  private String scrape() {
    try {
      HttpResponse<Buffer> r = gw.get("/metrics");
      assertThat(r.statusCode()).isEqualTo(200);
      return r.bodyAsString();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private List<Sample> samples(String prefix) {
    return MetricsTest.parse(scrape()).stream().filter(x -> x.name().startsWith(prefix)).toList();
  }

  private static Map<String, Double> byLabel(List<Sample> samples, String name, String label) {
    Map<String, Double> out = new HashMap<>();
    samples.stream().filter(s -> s.name().equals(name)).forEach(s -> out.put(s.labels().get(label), s.value()));
    return out;
  }

  private static double value(List<Sample> samples, String name) {
    List<Sample> found = samples.stream().filter(s -> s.name().equals(name)).toList();
    assertThat(found).as(name).hasSize(1);
    return found.get(0).value();
  }

  @Test
  void everyClusterMetricFollowsTheMembersView() throws Exception {
    gw = TestGateway.startWithCluster(dir, Map.of(), cluster);
    List<Sample> s = samples("svcgate_cluster_");
    assertThat(byLabel(s, "svcgate_cluster_role", "role"))
        .isEqualTo(Map.of("leader", 1.0, "follower", 0.0, "candidate", 0.0, "listener", 0.0));
    assertThat(value(s, "svcgate_cluster_term")).isEqualTo(3);
    assertThat(value(s, "svcgate_cluster_leader_changes_total")).isEqualTo(2);
    assertThat(value(s, "svcgate_cluster_commit_index")).isEqualTo(120);
    assertThat(value(s, "svcgate_cluster_applied_index")).isEqualTo(118);
    assertThat(byLabel(s, "svcgate_cluster_follower_lag_entries", "member"))
        .isEqualTo(Map.of("127.0.0.1:7102", 0.0, "127.0.0.1:7103", 7.0));
    assertThat(s.stream().map(Sample::name).distinct()).containsExactlyInAnyOrder("svcgate_cluster_role",
        "svcgate_cluster_term", "svcgate_cluster_leader_changes_total", "svcgate_cluster_commit_index",
        "svcgate_cluster_applied_index", "svcgate_cluster_follower_lag_entries");

    // values are read at each scrape
    cluster.followerLag = Map.of("127.0.0.1:7102", 3L, "127.0.0.1:7103", 40L);
    cluster.commitIndex = 160;
    cluster.appliedIndex = 160;
    s = samples("svcgate_cluster_");
    assertThat(byLabel(s, "svcgate_cluster_follower_lag_entries", "member"))
        .isEqualTo(Map.of("127.0.0.1:7102", 3.0, "127.0.0.1:7103", 40.0));
    assertThat(value(s, "svcgate_cluster_commit_index")).isEqualTo(160);

    // a member leaves: its series goes; a new one comes
    cluster.followerLag = Map.of("127.0.0.1:7102", 1L, "127.0.0.1:7104", 90L);
    Awaits.until("the series follow the members", () -> byLabel(samples("svcgate_cluster_"),
        "svcgate_cluster_follower_lag_entries", "member").keySet().equals(java.util.Set.of("127.0.0.1:7102",
        "127.0.0.1:7104")));
    assertThat(byLabel(samples("svcgate_cluster_"), "svcgate_cluster_follower_lag_entries", "member"))
        .containsEntry("127.0.0.1:7104", 90.0);

    // the leader steps down: one role is 1, no lag series remains on a follower
    cluster.role = Role.FOLLOWER;
    cluster.leader = "127.0.0.1:7102";
    cluster.term = 4;
    cluster.leaderChanges = 3;
    Awaits.until("no lag series on a follower", () -> samples("svcgate_cluster_follower_lag").isEmpty());
    s = samples("svcgate_cluster_");
    assertThat(byLabel(s, "svcgate_cluster_role", "role"))
        .isEqualTo(Map.of("leader", 0.0, "follower", 1.0, "candidate", 0.0, "listener", 0.0));
    assertThat(value(s, "svcgate_cluster_term")).isEqualTo(4);
    assertThat(value(s, "svcgate_cluster_leader_changes_total")).isEqualTo(3);
  }

  @Test
  void aSingleGatewayHasNoClusterMetrics() throws Exception {
    gw = TestGateway.start(dir, Map.of());
    String text = scrape();
    assertThat(text).contains("svcgate_event_last_id");
    assertThat(text).doesNotContain("svcgate_cluster_");
  }

  @Test
  void promtoolAcceptsTheExposition() throws Exception {
    String promtool = Tools.require("promtool", "prometheus");
    gw = TestGateway.startWithCluster(dir, Map.of(), cluster);
    Path file = Files.writeString(dir.resolve("metrics.txt"), scrape());
    Process p = new ProcessBuilder(promtool, "check", "metrics").redirectInput(file.toFile())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("promtool check metrics said:%n%s", out).isZero();
  }
}
