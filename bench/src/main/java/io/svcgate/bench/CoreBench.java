package io.svcgate.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.svcgate.gateway.sim.SimulatorVerticle.SimNode;
import io.svcgate.state.ApplyOutcome;
import io.svcgate.state.ClusterState;
import io.svcgate.state.Diff;
import io.svcgate.state.Event;
import io.svcgate.state.HeartbeatMessage;
import io.svcgate.state.Path;
import io.svcgate.state.Stanza;
import io.svcgate.state.aggregates.ServiceAggregator;
import io.svcgate.state.filter.Condition;
import io.svcgate.state.filter.WaitIndex;
import io.svcgate.state.history.MemoryEventLog;
import java.util.ArrayList;
import java.util.HashSet;
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
 * The core on one thread (docs/benchmarks.md P1 and what it is made of), with the
 * simulator's workload: 50 nodes × 20 services.
 *
 * <ul>
 *   <li>{@code applyGeneration}: P1. One generation applied to a {@link ClusterState}
 *       holding the 50 nodes (with the service aggregates, as the gateway runs it):
 *       the event made and serialized, appended to an in-memory history window, and
 *       its paths looked up in a {@link WaitIndex} of 10 000 waits.</li>
 *   <li>{@code diffFull}: a node's full against its data 200 generations earlier.</li>
 *   <li>{@code conditionTest*}: evaluating a condition on the 50-node document.</li>
 *   <li>{@code waitIndexAffected}: the waits touched by one generation's paths, among 10 000 waits each on its own path;
 *       {@code waitIndexAffectedThroughHashSet}: the same paths through a hash set first, as before.</li>
 *   <li>{@code parseMessage}, {@code simulatorNext}: the ingest's parse of one message and the
 *       load driver's cost to make one (context for the load figures).</li>
 * </ul>
 *
 * <p>Every generation of a node's cycle is replayed with a fresh generation
 * number; each cycle starts with the node's full, so the stanzas always apply
 * (as after a resync, every 2 000 generations of a node).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class CoreBench {

  static final int NODES = 50;
  static final int CYCLE = 2000;
  static final int WAITS = 10_000;

  /** Whether the state runs the service aggregates (the gateway does). */
  @Param({"true"})
  public boolean aggregates;

  private ClusterState state;
  private MemoryEventLog window;
  private WaitIndex<Integer> waits;
  private NodeCycle[] cycles;
  private int nextNode;
  private final List<Path> touched = new ArrayList<>();
  private List<List<Path>> touchedSamples;
  private int nextSample;
  private ObjectNode fullBefore;
  private ObjectNode fullAfter;
  private ObjectNode document;
  private Condition exact;
  private Condition wildcard;
  private Condition descendant;
  private List<byte[]> patchBytes;
  private int nextBytes;
  private SimNode live;

  /** One node's replayed stream: its full, then {@link #CYCLE} patches. */
  static final class NodeCycle {
    final String name;
    final ObjectNode full;
    final HeartbeatMessage.Delta[] deltas;
    long gen;
    int pos;

    NodeCycle(String name, ObjectNode full, HeartbeatMessage.Delta[] deltas) {
      this.name = name;
      this.full = full;
      this.deltas = deltas;
    }

    HeartbeatMessage next() {
      gen++;
      Map<String, Long> g = Map.of(name, gen);
      if (pos == 0) {
        pos = 1;
        return new HeartbeatMessage.Full(name, g, full);
      }
      HeartbeatMessage.Delta d = deltas[pos - 1];
      pos = pos == deltas.length ? 0 : pos + 1;
      TreeMap<Long, HeartbeatMessage.Delta> m = new TreeMap<>();
      m.put(gen, d);
      return new HeartbeatMessage.Patch(name, g, m);
    }
  }

  @Setup(Level.Trial)
  public void setup() {
    List<SimNode> sims = Workload.nodes(NODES, 42);
    cycles = new NodeCycle[NODES];
    for (int i = 0; i < NODES; i++) {
      SimNode s = sims.get(i);
      HeartbeatMessage.Full full = (HeartbeatMessage.Full) Workload.nextParsed(s).get(0);
      HeartbeatMessage.Delta[] deltas = new HeartbeatMessage.Delta[CYCLE];
      for (int k = 0; k < CYCLE; k++) {
        deltas[k] = Workload.nextPatch(s).deltas().values().iterator().next();
      }
      cycles[i] = new NodeCycle(s.name(), full.data(), deltas);
    }
    ClusterState.Builder b = ClusterState.builder().gatewayNodename("gw-bench").clusterName("bench").epoch("bench")
        .started(now());
    if (aggregates) {
      b.derivedState(new ServiceAggregator());
    }
    state = b.build();
    state.start(now());
    // Every node sends its full and a first cycle, so the document is in its steady shape.
    for (int k = 0; k <= CYCLE; k++) {
      for (NodeCycle c : cycles) {
        ApplyOutcome o = state.apply(c.next(), now());
        if (o.status() != ApplyOutcome.Status.APPLIED) {
          throw new IllegalStateException("warm-up generation not applied: " + o.status() + " " + o.error());
        }
      }
    }
    window = new MemoryEventLog("bench", state.lastId(), 4096);
    waits = new WaitIndex<>(WAITS);
    List<Condition> ownPaths = ownPathConditions(sims);
    for (int i = 0; i < WAITS; i++) {
      waits.register(ownPaths.get(i % ownPaths.size()), i);
    }
    // Samples of what one generation touches, for waitIndexAffected.
    touchedSamples = new ArrayList<>();
    for (int i = 0; touchedSamples.size() < 1000; i++) {
      NodeCycle c = cycles[i % NODES];
      HeartbeatMessage m = c.next();
      ApplyOutcome o = state.apply(m, now());
      window.append(o.events());
      if (m instanceof HeartbeatMessage.Full) {
        continue;
      }
      List<Path> paths = new ArrayList<>();
      for (Event e : o.events()) {
        for (Stanza s : e.stanzas()) {
          paths.add(s.path());
        }
      }
      touchedSamples.add(paths);
    }
    // A full 200 generations later than another, for diffFull.
    SimNode d = Workload.nodes(1, 7).get(0);
    fullBefore = ((HeartbeatMessage.Full) Workload.nextParsed(d).get(0)).data();
    for (int i = 0; i < 200; i++) {
      d.next();
    }
    d.askFull();
    fullAfter = ((HeartbeatMessage.Full) Workload.nextParsed(d).get(0)).data();
    document = state.document();
    exact = Condition.parse("monitor.nodes.sim-n17.services.status.'ns2/svc/db1'.avail=up");
    wildcard = Condition.parse("monitor.nodes.*.frozen=0");
    descendant = Condition.parse("monitor.nodes.sim-n3.services.status..placement=leader");
    patchBytes = new ArrayList<>();
    live = Workload.nodes(NODES, 9).get(0);
    Workload.nextBytes(live);
    for (int i = 0; i < 10_000; i++) {
      patchBytes.add(Workload.nextBytes(live).get(0));
    }
  }

  /**
   * Conditions each on its own path (10 per service instance: 50 nodes × 20
   * services × 10 = 10 000), none of them true, like the waits of P5.
   */
  static List<Condition> ownPathConditions(List<SimNode> sims) {
    String[] fields = {"avail", "overall", "frozen", "updated", "provisioned", "monitor.status", "monitor.placement",
        "resources.'ip#0'.status", "resources.'fs#1'.status", "resources.'app#1'.status"};
    List<Condition> out = new ArrayList<>();
    for (SimNode s : sims) {
      for (int i = 0; i < Workload.SERVICES; i++) {
        String svc = serviceName(i);
        for (String f : fields) {
          out.add(Condition.parse("monitor.nodes." + s.name() + ".services.status.'" + svc + "'." + f + "=never"));
        }
      }
    }
    return out;
  }

  /** The simulator's i-th service path. */
  static String serviceName(int i) {
    String[] kinds = {"web", "db", "cache", "queue", "api", "batch", "auth", "mail", "dns", "proxy"};
    return "ns" + (i % 3 + 1) + "/svc/" + kinds[i % kinds.length] + (i / kinds.length + 1);
  }

  private static double now() {
    return System.currentTimeMillis() / 1000d;
  }

  /** P1: apply one generation, emit its event (serialized once), keep it in the window, find the waits it touches. */
  @Benchmark
  public int applyGeneration() {
    NodeCycle c = cycles[nextNode];
    nextNode = nextNode + 1 == cycles.length ? 0 : nextNode + 1;
    ApplyOutcome o = state.apply(c.next(), now());
    if (o.status() != ApplyOutcome.Status.APPLIED) {
      throw new IllegalStateException("generation not applied: " + o.status() + " " + o.error());
    }
    List<Event> events = o.events();
    touched.clear();
    int bytes = 0;
    for (Event e : events) {
      bytes += e.json().length;
      for (Stanza s : e.stanzas()) {
        touched.add(s.path());
      }
    }
    window.append(events);
    return bytes + waits.affected(touched).size();
  }

  @Benchmark
  public List<Stanza> diffFull() {
    return Diff.diff(Path.of("monitor", "nodes", "sim-n1"), fullBefore, fullAfter);
  }

  @Benchmark
  public boolean conditionTestExact() {
    return exact.test(document);
  }

  @Benchmark
  public boolean conditionTestWildcard() {
    return wildcard.test(document);
  }

  @Benchmark
  public boolean conditionTestDescendant() {
    return descendant.test(document);
  }

  @Benchmark
  public Condition conditionParse() {
    return Condition.parse("monitor.nodes.sim-n17.services.status.'ns2/svc/db1'.avail=up");
  }

  @Benchmark
  public int waitIndexAffected() {
    return waits.affected(nextTouched()).size();
  }

  /**
   * The same paths through a {@code HashSet} first, as the state verticle handed them
   * to the index before 2026-12-06 (docs/benchmarks.md): the set's order breaks the run
   * of shared prefixes the index walks once. For the comparison only.
   */
  @Benchmark
  public int waitIndexAffectedThroughHashSet() {
    return waits.affected(new HashSet<>(nextTouched())).size();
  }

  /** The next generation's paths of the samples, in turn. */
  private List<Path> nextTouched() {
    List<Path> paths = touchedSamples.get(nextSample);
    nextSample = nextSample + 1 == touchedSamples.size() ? 0 : nextSample + 1;
    return paths;
  }

  @Benchmark
  public HeartbeatMessage parseMessage() {
    byte[] b = patchBytes.get(nextBytes);
    nextBytes = nextBytes + 1 == patchBytes.size() ? 0 : nextBytes + 1;
    return HeartbeatMessage.parse(b);
  }

  @Benchmark
  public List<byte[]> simulatorNext() {
    return Workload.nextBytes(live);
  }

}
