package io.svcgate.bench;

import io.svcgate.gateway.sim.SimulatorVerticle.SimNode;
import io.svcgate.state.ApplyOutcome;
import io.svcgate.state.ClusterState;
import io.svcgate.state.HeartbeatMessage;
import io.svcgate.state.Stanza;
import io.svcgate.state.aggregates.ServiceAggregator;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the service aggregates ({@code monitor.services}, aggregates.md) cost per
 * generation: the simulator's patch generations of 50 nodes × 20 services applied to a
 * {@link ClusterState}, with a {@link ServiceAggregator} as its derived state and
 * without. The ratio of the two figures is the aggregator's share of P1.
 *
 * <ul>
 *   <li>{@code apply}: one generation of the next node (round robin), as it comes
 *       from the simulator (1–8 stanzas; 2 in 5 touch an aggregate input). Each
 *       node's cycle of {@link #CYCLE} patches starts with its full, as after a
 *       resync.</li>
 *   <li>{@code applyNoInput}: only generations none of whose stanzas is an input of
 *       an aggregate (resources, stats, logs, node {@code updated}, node monitor
 *       status): what the aggregator costs when it has nothing to do.</li>
 *   <li>{@code applyInput}: only generations that change an instance's {@code avail},
 *       {@code overall}, {@code frozen} or {@code monitor.placement}.</li>
 * </ul>
 *
 * <p>Run: {@code java -jar bench/target/bench.jar AggregatesBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class AggregatesBench {

  static final int NODES = 50;
  static final int CYCLE = 2000;

  /** Whether the state runs the service aggregates. */
  @Param({"false", "true"})
  public boolean aggregates;

  private ClusterState state;
  private Cycle[] all;
  private Cycle[] noInput;
  private Cycle[] input;
  private int nextAll;
  private int nextNoInput;
  private int nextInput;

  /** One node's replayed stream: its full, then its patches, again and again. */
  static final class Cycle {
    final int node;
    final String name;
    final HeartbeatMessage.Full full;
    final HeartbeatMessage.Delta[] deltas;
    int pos;

    Cycle(int node, String name, HeartbeatMessage.Full full, HeartbeatMessage.Delta[] deltas) {
      this.node = node;
      this.name = name;
      this.full = full;
      this.deltas = deltas;
    }

    HeartbeatMessage next(long generation) {
      Map<String, Long> g = Map.of(name, generation);
      if (pos == 0) {
        pos = 1;
        return new HeartbeatMessage.Full(name, g, full.data());
      }
      HeartbeatMessage.Delta d = deltas[pos - 1];
      pos = pos == deltas.length ? 0 : pos + 1;
      TreeMap<Long, HeartbeatMessage.Delta> m = new TreeMap<>();
      m.put(generation, d);
      return new HeartbeatMessage.Patch(name, g, m);
    }
  }

  @Setup(Level.Trial)
  public void setup() {
    List<SimNode> sims = Workload.nodes(NODES, 42);
    all = new Cycle[NODES];
    noInput = new Cycle[NODES];
    input = new Cycle[NODES];
    for (int i = 0; i < NODES; i++) {
      SimNode s = sims.get(i);
      HeartbeatMessage.Full full = (HeartbeatMessage.Full) Workload.nextParsed(s).get(0);
      HeartbeatMessage.Delta[] deltas = new HeartbeatMessage.Delta[CYCLE];
      for (int k = 0; k < CYCLE; k++) {
        HeartbeatMessage m = Workload.nextParsed(s).get(0);
        while (!(m instanceof HeartbeatMessage.Patch)) {
          // a ping now and then, then a full: the stream here is patches only
          m = Workload.nextParsed(s).get(0);
        }
        deltas[k] = ((HeartbeatMessage.Patch) m).deltas().values().iterator().next();
      }
      all[i] = new Cycle(i, s.name(), full, deltas);
      // Generations replayed alone: a stanza that does not apply on its own (a log
      // append) is not kept; the others set values, which always apply.
      noInput[i] = new Cycle(i, s.name(), full, Arrays.stream(deltas)
          .filter(d -> stanzas(d).stream().noneMatch(st -> isInput(st.path().toString()) || isIndexed(st)))
          .toArray(HeartbeatMessage.Delta[]::new));
      input[i] = new Cycle(i, s.name(), full, Arrays.stream(deltas)
          .filter(d -> stanzas(d).stream().anyMatch(st -> isInput(st.path().toString()))
              && stanzas(d).stream().noneMatch(AggregatesBench::isIndexed))
          .toArray(HeartbeatMessage.Delta[]::new));
    }
    ClusterState.Builder b = ClusterState.builder().gatewayNodename("gw-bench").clusterName("bench").epoch("bench")
        .started(now());
    if (aggregates) {
      b.derivedState(new ServiceAggregator());
    }
    state = b.build();
    state.start(now());
    for (Cycle c : all) {
      step(c);
    }
    for (int k = 0; k < CYCLE; k++) {
      for (Cycle c : all) {
        step(c);
      }
    }
  }

  private static boolean isInput(String path) {
    if (!path.contains("services")) {
      return false;
    }
    return !path.contains("resources");
  }

  private static boolean isIndexed(Stanza s) {
    return s.path().size() > 0 && s.path().get(s.path().size() - 1) instanceof Integer;
  }

  private static List<Stanza> stanzas(HeartbeatMessage.Delta d) {
    return ((HeartbeatMessage.Stanzas) d).stanzas();
  }

  /** Each node's last generation number. */
  private final long[] gens = new long[NODES];

  private ApplyOutcome step(Cycle c) {
    ApplyOutcome o = state.apply(c.next(++gens[c.node]), now());
    if (o.status() != ApplyOutcome.Status.APPLIED || o.derivedError() != null) {
      throw new IllegalStateException("generation not applied: " + o.status() + " " + o.error() + " "
          + o.derivedError());
    }
    return o;
  }

  private static double now() {
    return System.currentTimeMillis() / 1000d;
  }

  @Benchmark
  public int apply() {
    Cycle c = all[nextAll];
    nextAll = nextAll + 1 == all.length ? 0 : nextAll + 1;
    return step(c).events().size();
  }

  @Benchmark
  public int applyNoInput() {
    Cycle c = noInput[nextNoInput];
    nextNoInput = nextNoInput + 1 == noInput.length ? 0 : nextNoInput + 1;
    return step(c).events().size();
  }

  @Benchmark
  public int applyInput() {
    Cycle c = input[nextInput];
    nextInput = nextInput + 1 == input.length ? 0 : nextInput + 1;
    return step(c).events().size();
  }
}
