package io.svcgate.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Sends the replayed heartbeats of a set of nodes to a gateway through a
 * {@link Transport}, either as fast as the gateway acknowledges them (each lane
 * keeps its window of messages in flight) or paced at a rate. Nodes are spread
 * over lanes; a node's messages always go through its lane in order, so a lane
 * of window 1 is one keep-alive connection sending one message at a time. A
 * failed message (e.g. 503 when the gateway is saturated) makes the node send a
 * full once its messages in flight are answered, as a real node would after the
 * gateway asked it for one. Confined to one Vert.x context; bounded by the time
 * given to {@link #run}.
 */
final class Feeder {

  /** How one message reaches the gateway: completes with the status (202 accepted). */
  interface Transport {
    Future<Integer> send(Buffer message);
  }

  /** Called on the feeder's context just before a node makes its next heartbeat. */
  interface TakeHook {
    void beforeNext(ReplayNode node, int nodeIndex);
  }

  private final Context context;
  private final Transport transport;
  private final List<Lane> lanes = new ArrayList<>();
  private final List<NodeState> nodes = new ArrayList<>();
  private final double rate;
  private TakeHook hook = (n, i) -> { };
  private boolean stopping;
  private boolean measuring;
  private long generationsMeasured;
  private long messagesMeasured;
  private long sentGenerations;
  private long inFlight;
  private long pacedStart;
  private final Map<Integer, Long> failures = new TreeMap<>();
  private long fulls;
  private Promise<Void> drained;
  private boolean primed;
  private long cpu0;
  private Map<Long, Long> threads0 = Map.of();
  /** The threads that used the most CPU in the measured window: "name 1.23 s, …". */
  String busiestThreads = "";

  private static Map<Long, Long> threadCpu() {
    var t = java.lang.management.ManagementFactory.getThreadMXBean();
    Map<Long, Long> out = new java.util.HashMap<>();
    for (long id : t.getAllThreadIds()) {
      out.put(id, t.getThreadCpuTime(id));
    }
    return out;
  }

  /** Bytes allocated so far by all threads. */
  static long allocated() {
    var t = java.lang.management.ManagementFactory.getThreadMXBean();
    if (!(t instanceof com.sun.management.ThreadMXBean s)) {
      return -1;
    }
    long sum = 0;
    for (long b : s.getThreadAllocatedBytes(t.getAllThreadIds())) {
      sum += Math.max(0, b);
    }
    return sum;
  }

  /** Bytes allocated in the measured window per generation (all threads of this JVM). */
  double allocatedPerGeneration = Double.NaN;
  private long allocatedAt0;

  private static String busiest(Map<Long, Long> before, Map<Long, Long> after) {
    var t = java.lang.management.ManagementFactory.getThreadMXBean();
    List<Map.Entry<String, Long>> used = new ArrayList<>();
    for (Map.Entry<Long, Long> e : after.entrySet()) {
      long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
      var info = t.getThreadInfo(e.getKey());
      if (d > 0 && info != null) {
        used.add(Map.entry(info.getThreadName(), d));
      }
    }
    used.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(6, used.size()); i++) {
      sb.append(i == 0 ? "" : ", ").append(used.get(i).getKey())
          .append(String.format(java.util.Locale.ROOT, " %.2f s", used.get(i).getValue() / 1e9));
    }
    return sb.toString();
  }

  /** CPU time used by this JVM so far, ns (-1 when the platform does not say). */
  static long processCpuNanos() {
    var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean o ? o.getProcessCpuTime() : -1;
  }

  private static final class NodeState {
    final ReplayNode node;
    final int index;
    int inFlight;
    boolean broken;

    NodeState(ReplayNode node, int index) {
      this.node = node;
      this.index = index;
    }
  }

  private final class Lane {
    final List<NodeState> owned = new ArrayList<>();
    final ArrayDeque<ReplayNode.Message> pending = new ArrayDeque<>();
    final ArrayDeque<NodeState> pendingNode = new ArrayDeque<>();
    final int window;
    int inFlight;
    int next;

    Lane(int window) {
      this.window = window;
    }

    boolean hasRoom() {
      return inFlight < window;
    }

    /**
     * Sends one message (a pending event, or the first message of a node's next
     * heartbeat); false when every node of the lane waits for its answers.
     */
    boolean sendOne() {
      if (!pending.isEmpty()) {
        send(pendingNode.poll(), pending.poll());
        return true;
      }
      for (int tries = 0; tries < owned.size(); tries++) {
        NodeState n = owned.get(next);
        next = next + 1 == owned.size() ? 0 : next + 1;
        if (n.broken) {
          continue;
        }
        hook.beforeNext(n.node, n.index);
        List<ReplayNode.Message> msgs = n.node.next();
        for (int i = 1; i < msgs.size(); i++) {
          pending.add(msgs.get(i));
          pendingNode.add(n);
        }
        ReplayNode.Message m = msgs.get(0);
        if (m.full()) {
          fulls++;
        }
        send(n, m);
        return true;
      }
      return false;
    }

    void send(NodeState n, ReplayNode.Message m) {
      inFlight++;
      n.inFlight++;
      Feeder.this.inFlight++;
      if (m.generation()) {
        sentGenerations++;
      }
      transport.send(m.bytes()).onComplete(ar -> {
        inFlight--;
        n.inFlight--;
        Feeder.this.inFlight--;
        int status = ar.succeeded() ? ar.result() : -1;
        if (status == 202) {
          if (measuring) {
            messagesMeasured++;
            if (m.generation()) {
              generationsMeasured++;
            }
          }
        } else {
          failures.merge(status, 1L, Long::sum);
          if (!n.broken) {
            n.broken = true;
            // Drop its queued event; resume with a full once nothing of it is in flight.
            removePending(n);
          }
        }
        if (n.broken && n.inFlight == 0) {
          n.broken = false;
          n.node.askFull();
        }
        afterReply(this);
      });
    }

    void removePending(NodeState n) {
      ArrayDeque<ReplayNode.Message> keep = new ArrayDeque<>();
      ArrayDeque<NodeState> keepNode = new ArrayDeque<>();
      while (!pending.isEmpty()) {
        ReplayNode.Message m = pending.poll();
        NodeState s = pendingNode.poll();
        if (s != n) {
          keep.add(m);
          keepNode.add(s);
        }
      }
      pending.addAll(keep);
      pendingNode.addAll(keepNode);
    }
  }

  /**
   * @param context   where the feeder runs (sends and answers)
   * @param transport how messages reach the gateway
   * @param nodes     the nodes, reset to a full of a generation above any sent before (from the clock)
   * @param lanes     how many lanes (connections)
   * @param window    messages in flight per lane
   * @param rate      generations per second, or 0 for as fast as acknowledged
   */
  Feeder(Context context, Transport transport, List<ReplayNode> nodes, int lanes, int window, double rate) {
    this.context = context;
    this.transport = transport;
    this.rate = rate;
    for (int i = 0; i < lanes; i++) {
      this.lanes.add(new Lane(window));
    }
    long base = System.currentTimeMillis() * 1000;
    for (int i = 0; i < nodes.size(); i++) {
      ReplayNode n = nodes.get(i);
      n.reset(base);
      NodeState s = new NodeState(n, i);
      this.nodes.add(s);
      this.lanes.get(i % lanes).owned.add(s);
    }
  }

  Feeder hook(TakeHook hook) {
    this.hook = hook;
    return this;
  }

  /** Creates a transport from a function, for readability at call sites. */
  static Transport transport(Function<Buffer, Future<Integer>> f) {
    return f::apply;
  }

  /** What a run measured. */
  record Outcome(long generations, long messages, double seconds, Map<Integer, Long> failures, long fulls,
                 double cpuSeconds) {

    /** CPU time of this whole JVM (driver and, in-process, the gateway) per generation, µs. */
    double cpuMicrosPerGeneration() {
      return generations == 0 ? Double.NaN : cpuSeconds * 1e6 / generations;
    }

    double generationsPerSecond() {
      return generations / seconds;
    }

    double messagesPerSecond() {
      return messages / seconds;
    }
  }

  /**
   * Runs: warm-up, then the measured window, then stops sending and waits (at
   * most 30 s) for the messages in flight. Call from any thread.
   */
  Future<Outcome> run(long warmupMs, long measureMs) {
    Promise<Outcome> result = Promise.promise();
    context.runOnContext(v -> (primed ? Future.<Void>succeededFuture() : prime()).onComplete(p -> {
      long[] start = new long[1];
      if (rate > 0) {
        pacedStart = System.nanoTime();
        long timer = context.owner().setPeriodic(1, t -> pace());
        result.future().onComplete(x -> context.owner().cancelTimer(timer));
      } else {
        for (Lane l : lanes) {
          while (l.hasRoom() && l.sendOne()) {
            // fill the window
          }
        }
      }
      context.owner().setTimer(Math.max(1, warmupMs), t1 -> {
        measuring = true;
        start[0] = System.nanoTime();
        cpu0 = processCpuNanos();
        threads0 = threadCpu();
        allocatedAt0 = allocated();
        context.owner().setTimer(Math.max(1, measureMs), t2 -> {
          measuring = false;
          double secs = (System.nanoTime() - start[0]) / 1e9;
          stopping = true;
          Outcome o = new Outcome(generationsMeasured, messagesMeasured, secs, new TreeMap<>(failures), fulls,
              (processCpuNanos() - cpu0) / 1e9);
          busiestThreads = busiest(threads0, threadCpu());
          allocatedPerGeneration = (allocated() - allocatedAt0) / (double) Math.max(1, generationsMeasured);
          drained = Promise.promise();
          if (inFlight == 0) {
            drained.tryComplete();
          }
          long guard = context.owner().setTimer(30_000, t3 -> drained.tryComplete());
          drained.future().onComplete(x -> {
            context.owner().cancelTimer(guard);
            result.complete(o);
          });
        });
      });
    }));
    return result.future();
  }

  /**
   * Sends every node's first full at once and waits for the answers (at most 60 s),
   * so the paced or measured part of a run is made of patches. {@link #run} does it
   * unless {@link #primeNow} did (e.g. before subscribers connect, so they do not
   * start with 50 fulls to read).
   */
  Future<Void> primeNow() {
    Promise<Void> p = Promise.promise();
    context.runOnContext(v -> prime().onComplete(p));
    return p.future();
  }

  private Future<Void> prime() {
    primed = true;
    List<Future<Integer>> all = new ArrayList<>();
    for (NodeState n : nodes) {
      List<ReplayNode.Message> msgs = n.node.next();
      fulls++;
      all.add(transport.send(msgs.get(0).bytes()));
    }
    Promise<Void> p = Promise.promise();
    long guard = context.owner().setTimer(60_000, t -> p.tryFail("the gateway did not answer the first fulls in 60 s"));
    Future.join(all).onComplete(ar -> {
      context.owner().cancelTimer(guard);
      for (Future<Integer> f : all) {
        if (f.succeeded() && f.result() != 202) {
          failures.merge(f.result(), 1L, Long::sum);
        }
      }
      p.tryComplete();
    });
    return p.future();
  }

  private void pace() {
    if (stopping) {
      return;
    }
    double due = rate * (System.nanoTime() - pacedStart) / 1e9;
    int guard = 0;
    while (sentGenerations < due && guard++ < 10_000) {
      Lane best = null;
      for (int i = 0; i < lanes.size(); i++) {
        Lane l = lanes.get((int) ((sentGenerations + i) % lanes.size()));
        if (l.hasRoom()) {
          best = l;
          break;
        }
      }
      if (best == null || !best.sendOne()) {
        return;
      }
    }
  }

  private void afterReply(Lane lane) {
    if (stopping) {
      if (inFlight == 0 && drained != null) {
        drained.tryComplete();
      }
      return;
    }
    if (rate > 0) {
      // Pending events of a paced lane go out at once (they belong to a heartbeat already due).
      while (!lane.pending.isEmpty() && lane.hasRoom()) {
        lane.sendOne();
      }
      return;
    }
    while (lane.hasRoom() && lane.sendOne()) {
      // refill the window
    }
  }
}
