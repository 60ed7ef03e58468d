package io.svcgate.gateway.cli;

import static io.svcgate.gateway.TestGateway.full;
import static io.svcgate.gateway.TestGateway.patch;
import static io.svcgate.gateway.TestGateway.set;
import static io.svcgate.gateway.cli.Fixtures.node;
import static io.svcgate.gateway.cli.Fixtures.url;
import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.gateway.Awaits;
import io.svcgate.gateway.TestGateway;
import io.svcgate.gateway.config.ConfigKey;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code om node wait} against a real gateway whose wait.max is 1 s, so that re-asking shows. */
@Timeout(60)
class WaitCommandTest {

  @TempDir
  Path dir;
  TestGateway gw;

  @BeforeEach
  void start() throws Exception {
    gw = TestGateway.start(dir, Map.of(ConfigKey.WAIT_MAX, "1s"));
    gw.ingest(full("nuc-cva", 1, node(0)));
  }

  @AfterEach
  void stop() throws Exception {
    gw.close();
  }

  private Cli.Result waitFor(String... args) {
    return Cli.run(with(args));
  }

  private String[] with(String... args) {
    String[] all = new String[args.length + 4];
    all[0] = "node";
    all[1] = "wait";
    System.arraycopy(args, 0, all, 2, args.length);
    all[args.length + 2] = "--server";
    all[args.length + 3] = url(gw);
    return all;
  }

  @Test
  void seedExampleSatisfiedExitsZeroAtOnce() {
    Cli.Result r = waitFor("--filter", "monitor.nodes.nuc-cva.frozen=0", "--duration", "1s");
    assertThat(r.code()).isZero();
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEmpty();
    assertThat(r.seconds()).isLessThan(1.0);
  }

  @Test
  void seedExampleTimeoutOnStderrExitsOne() {
    Cli.Result r = waitFor("--filter", "monitor.nodes.nuc-cva.frozen>0", "--duration", "1s");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("timeout\n");
    assertThat(r.out()).isEmpty();
    assertThat(r.seconds()).isBetween(1.0, 10.0);
  }

  @Test
  void durationLongerThanTheServerCapIsKeptAcrossReAsks() {
    Cli.Result r = waitFor("--filter", "monitor.nodes.nuc-cva.frozen>0", "--duration", "2500ms", "--verbose");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).endsWith("timeout\n").contains("asking again");
    assertThat(r.seconds()).isBetween(2.5, 12.0);
  }

  @Test
  void verbosePrintsElapsed() {
    Cli.Result r = waitFor("--filter", "monitor.nodes.nuc-cva.frozen=0", "--verbose");
    assertThat(r.code()).isZero();
    assertThat(r.out()).matches("elapsed \\d+\\.\\d\\d seconds\n");
  }

  @Test
  void durationZeroChecksOnce() {
    Cli.Result yes = waitFor("--filter", "monitor.nodes.nuc-cva.agent=2.1-1804", "--duration", "0");
    assertThat(yes.code()).isZero();
    Cli.Result no = waitFor("--filter", "monitor.nodes.nuc-cva.agent=3", "--duration", "0");
    assertThat(no.code()).isEqualTo(1);
    assertThat(no.err()).isEqualTo("timeout\n");
    assertThat(no.seconds()).isLessThan(1.0);
  }

  @Test
  void foreverReAsksAcrossTheServerCapUntilTheConditionHolds() throws Exception {
    Cli.Running w = Cli.start(with("--filter", "monitor.nodes.nuc-cva.frozen>0", "--verbose"));
    // The gateway answers "not yet" at wait.max (1 s); the client asks again.
    Awaits.until("a re-ask after the server cap", () -> w.err().contains("asking again"));
    assertThat(w.isDone()).isFalse();
    gw.ingest(patch("nuc-cva", 2, set(1764147001.2, "frozen")));
    Cli.Result r = w.await();
    assertThat(r.code()).isZero();
    assertThat(r.out()).matches("elapsed \\d+\\.\\d\\d seconds\n");
    double elapsed = Double.parseDouble(r.out().split(" ")[1]);
    assertThat(elapsed).isGreaterThanOrEqualTo(1.0);
    assertThat(r.err()).doesNotContain("timeout");
  }

  @Test
  void satisfiedByAChangeWhileWaiting() throws Exception {
    Cli.Running w = Cli.start(with("--filter", "monitor.nodes.nuc-cva.services.status.'ns1/svc/web'.avail=down",
        "--duration", "30s"));
    Awaits.until("the wait is registered", () -> gw.gateway.metrics().waiters() >= 1);
    gw.ingest(patch("nuc-cva", 2, set("down", "services", "status", "ns1/svc/web", "avail")));
    assertThat(w.await().code()).isZero();
  }

  @Test
  void badConditionExitsTwoWithThePosition() throws Exception {
    Cli.Result r = Cli.run("node", "wait", "--filter", "monitor.nodes.'nuc-cva.frozen=0", "--server",
        "http://127.0.0.1:" + Fixtures.deadPort());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("om: bad condition 'monitor.nodes.'nuc-cva.frozen=0': at position ");
    assertThat(r.err().lines()).hasSize(1);
  }

  @Test
  void badDurationExitsTwo() throws Exception {
    Cli.Result r = Cli.run("node", "wait", "--filter", "a=1", "--duration", "1h5", "--server",
        "http://127.0.0.1:" + Fixtures.deadPort());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("om: --duration: invalid duration '1h5' at position ");
    assertThat(r.err().lines()).hasSize(1);
  }

  @Test
  void missingFilterIsAUsageError() {
    Cli.Result r = Cli.run("node", "wait", "--duration", "1s");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("Missing required option: '--filter=C'").contains("Usage: om node wait");
  }

  @Test
  void unreachableGatewayExitsThree() throws Exception {
    int dead = Fixtures.deadPort();
    Cli.Result r = Cli.run("node", "wait", "--filter", "a=1", "--duration", "1s", "--server", "http://127.0.0.1:" + dead);
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err()).isEqualTo("om: cannot reach the gateway at http://127.0.0.1:" + dead + ": connection refused\n");
  }
}
