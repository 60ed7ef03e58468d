package io.svcgate.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.svcgate.gateway.sim.SimulatorVerticle.SimNode;
import io.svcgate.state.HeartbeatMessage;
import io.svcgate.state.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * The simulator's workload (gateway {@code --simulate N}) for the benchmarks: N
 * nodes named {@code sim-n1…} with 20 services each, whose heartbeats come from
 * {@link SimNode#next()}. Nodes made here never lose a generation (a benchmark
 * stream is replayed as generated), otherwise the messages are the simulator's.
 */
public final class Workload {

  /** Services per simulated node, as {@code simulate.services} defaults. */
  public static final int SERVICES = 20;

  private Workload() {
  }

  /** {@code sim-n1 … sim-nN}, the simulator's node names. */
  public static List<String> names(int nodes) {
    return names("sim-n", nodes);
  }

  /** {@code <prefix>1 … <prefix>N}. */
  public static List<String> names(String prefix, int nodes) {
    List<String> out = new ArrayList<>(nodes);
    for (int i = 1; i <= nodes; i++) {
      out.add(prefix + i);
    }
    return out;
  }

  /** N simulated nodes named as the simulator names them, reproducible from {@code seed}; each first sends a full. */
  public static List<SimNode> nodes(int nodes, long seed) {
    return nodes("sim-n", nodes, seed);
  }

  /** N simulated nodes named {@code <prefix>1…}, reproducible from {@code seed}; each first sends a full. */
  public static List<SimNode> nodes(String prefix, int nodes, long seed) {
    List<String> names = names(prefix, nodes);
    List<SimNode> out = new ArrayList<>(nodes);
    for (int i = 0; i < nodes; i++) {
      out.add(SimNode.create(names.get(i), names, SERVICES, seed * 1_000_003L + i, false));
    }
    return out;
  }

  /** The next heartbeat of a node as the bytes a sender puts on the wire (one or two messages). */
  public static List<byte[]> nextBytes(SimNode node) {
    List<ObjectNode> msgs = node.next();
    List<byte[]> out = new ArrayList<>(msgs.size());
    for (ObjectNode m : msgs) {
      out.add(Json.bytes(m));
    }
    return out;
  }

  /**
   * The node's next patch generation, parsed as the gateway's ingest does; pings
   * and the fulls after them are skipped (they leave the node's data as it was).
   */
  public static HeartbeatMessage.Patch nextPatch(SimNode node) {
    for (int i = 0; i < 100; i++) {
      HeartbeatMessage m = nextParsed(node).get(0);
      if (m instanceof HeartbeatMessage.Patch p) {
        return p;
      }
    }
    throw new IllegalStateException("no patch in 100 heartbeats of " + node.name());
  }

  /** The next heartbeat of a node, parsed and validated as the gateway's ingest does. */
  public static List<HeartbeatMessage> nextParsed(SimNode node) {
    List<ObjectNode> msgs = node.next();
    List<HeartbeatMessage> out = new ArrayList<>(msgs.size());
    for (ObjectNode m : msgs) {
      out.add(HeartbeatMessage.parse(m));
    }
    return out;
  }
}
