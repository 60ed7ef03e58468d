package io.svcgate.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.svcgate.state.filter.Condition;
import io.svcgate.state.filter.Durations;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code node wait}: blocks until a condition on the state holds (docs/filters.md,
 * "Waits"), through {@code GET /api/wait}.
 *
 * <p>The gateway holds one request at most {@code wait.max}; the command asks
 * again with the time that remains (forever without {@code --duration}) until the
 * condition holds or the duration is spent. {@code --duration 0} checks once.
 * With several members in {@code --server}, a connection failure or a 503 asks
 * the next member, with the time that remains (GatewayClient).
 * Exit codes: 0 satisfied, 1 timeout ({@code timeout} on stderr), 2 bad
 * arguments, 3 gateway unreachable or refusing.
 */
@Command(name = "wait", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Block until a condition on the cluster state holds.",
        "Exit status: 0 satisfied, 1 timeout, 2 bad arguments, 3 gateway unreachable or refusing."})
final class WaitCommand implements Callable<Integer> {

  /** Exit status of a wait that ran out of time. */
  static final int TIMEOUT = 1;
  /** Added to the time asked for, before a silent gateway counts as unreachable. */
  private static final Duration GRACE = Duration.ofSeconds(30);
  /** The shortest interval between two asks. */
  private static final long MIN_ASK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  @Spec
  CommandSpec spec;

  @Option(names = "--filter", required = true, paramLabel = "C",
      description = "the condition (docs/filters.md), e.g. monitor.nodes.n1.frozen=0")
  String filter;

  @Option(names = "--duration", paramLabel = "D",
      description = "give up after D (1s, 500ms, 1m30s…); 0 checks once; default: wait forever")
  String duration;

  @Option(names = {"-v", "--verbose"},
      description = "print 'elapsed N seconds' on success, and each time the gateway is asked again on stderr")
  boolean verbose;

  @Mixin
  ClientOptions server;

  @Override
  public Integer call() {
    try {
      Condition.parse(filter);
    } catch (IllegalArgumentException e) {
      throw CliException.usage("bad condition '" + filter + "': " + e.getMessage());
    }
    Duration limit = null;
    if (duration != null) {
      try {
        limit = Durations.parse(duration);
      } catch (IllegalArgumentException e) {
        throw CliException.usage("--duration: " + e.getMessage());
      }
    }
    GatewayClient gateway = server.client();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (verbose) {
      gateway.notices(err);
    }
    long start = System.nanoTime();
    long deadline = limit == null ? 0 : start + limit.toNanos();
    if (limit != null) {
      gateway.until(deadline);
    }
    Duration bounded = limit;
    while (true) {
      long asked = System.nanoTime();
      // Made anew for each member asked, so that a failover asks for the time left.
      JsonNode answer = gateway.get(() -> {
        GatewayClient.Query q = new GatewayClient.Query().add("filter", filter);
        Duration timeout = null;
        if (bounded != null) {
          long left = Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
          q.add("duration", left + "ms");
          timeout = Duration.ofMillis(left).plus(GRACE);
        }
        return GatewayClient.Request.get("/api/wait", q, timeout);
      }).json();
      if (!answer.path("satisfied").isBoolean()) {
        throw CliException.unreachable("the gateway's answer to /api/wait has no 'satisfied': " + answer);
      }
      double elapsed = (System.nanoTime() - start) / 1e9;
      if (answer.get("satisfied").booleanValue()) {
        if (verbose) {
          out.println(String.format(Locale.ROOT, "elapsed %.2f seconds", elapsed));
          out.flush();
        }
        return 0;
      }
      if (limit != null && System.nanoTime() - deadline >= 0) {
        err.println("timeout");
        err.flush();
        return TIMEOUT;
      }
      if (verbose) {
        err.println(String.format(Locale.ROOT, "%s: not yet after %.2f seconds (the gateway answers at its wait.max); "
            + "asking again", Main.program(), elapsed));
        err.flush();
      }
      pace(asked);
    }
  }

  /** Keeps a gateway that answers "not yet" at once (a tiny wait.max) from being asked in a busy loop. */
  private static void pace(long askedNanos) {
    long early = MIN_ASK_NANOS - (System.nanoTime() - askedNanos);
    if (early > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(early);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw CliException.unreachable("interrupted");
      }
    }
  }
}
