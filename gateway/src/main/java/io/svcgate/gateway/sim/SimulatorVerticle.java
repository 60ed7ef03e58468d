package io.svcgate.gateway.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.svcgate.gateway.Addresses;
import io.svcgate.state.Json;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated OpenSVC cluster (the {@code --simulate N} option). Each of N nodes
 * hosts instances of the same services; every interval each node sends a patch
 * generation of 1–8 stanzas (resource and instance status flips, monitor status
 * changes, stats, resource log appends and resets), a freeze or thaw now and then
 * with its node event, node events at about 1 % of generations, a ping now and then
 * (then a full), and rarely skips a generation so the gateway's resync path runs: the gateway asks for a full on
 * {@link Addresses#HB_ASKFULL} and the node sends one. It talks to the gateway
 * only through {@link Addresses#HB_RX}, like any other sender.
 */
public final class SimulatorVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(SimulatorVerticle.class);
  private static final String[] SVC_KINDS = {"web", "db", "cache", "queue", "api", "batch", "auth", "mail", "dns", "proxy"};
  private static final String[] RES_STATUS = {"up", "up", "up", "up", "warn", "down", "stdby up"};
  private static final String[] NODE_MONITOR = {"idle", "idle", "idle", "rejoin", "draining", "idle"};
  private static final String[] EVENTS = {"resource_restart", "resource_degraded", "instance_start", "instance_stop",
      "max_resource_restart", "service_config_installed", "node_config_change"};

  private final int nodes;
  private final int services;
  private final Duration interval;
  private final long seed;
  private final List<SimNode> sims = new ArrayList<>();
  private final DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(30_000);
  private MessageConsumer<JsonObject> askFull;
  private long timer = -1;
  private volatile boolean paused;

  /**
   * @param nodes    how many nodes
   * @param services services per node
   * @param interval between two heartbeats of one node
   * @param seed     random seed, for reproducible workloads
   */
  public SimulatorVerticle(int nodes, int services, Duration interval, long seed) {
    this.nodes = nodes;
    this.services = services;
    this.interval = interval;
    this.seed = seed;
  }

  @Override
  public Future<?> start() {
    SplittableRandom root = new SplittableRandom(seed);
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= nodes; i++) {
      names.add(String.format("sim-n%d", i));
    }
    for (String n : names) {
      sims.add(new SimNode(n, names, services, root.split()));
    }
    askFull = vertx.eventBus().consumer(Addresses.HB_ASKFULL, m -> {
      String n = m.body().getString("nodename");
      sims.stream().filter(s -> s.name.equals(n)).forEach(s -> s.needsFull = true);
    });
    long tick = Math.max(1, interval.toMillis() / Math.max(1, nodes));
    int[] next = {0};
    timer = vertx.setPeriodic(tick, t -> {
      if (!paused) {
        send(sims.get(next[0]++ % sims.size()));
      }
    });
    LOG.info("simulating {} nodes with {} services each, one heartbeat per node every {} ms",
        nodes, services, interval.toMillis());
    return askFull.completion();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return askFull.unregister();
  }

  /**
   * Stops sending and completes once nothing is in flight, with each node's own
   * truth: its node data as it last described it (copies), by node name.
   */
  public Future<Map<String, ObjectNode>> pauseAndSnapshot() {
    io.vertx.core.Promise<Map<String, ObjectNode>> p = io.vertx.core.Promise.promise();
    context.runOnContext(v -> {
      paused = true;
      whenIdle(p);
    });
    return p.future();
  }

  private void whenIdle(io.vertx.core.Promise<Map<String, ObjectNode>> p) {
    if (sims.stream().anyMatch(s -> s.inFlight)) {
      vertx.setTimer(5, t -> whenIdle(p));
      return;
    }
    Map<String, ObjectNode> out = new java.util.LinkedHashMap<>();
    sims.forEach(s -> out.put(s.name, s.data.deepCopy()));
    p.complete(out);
  }

  /** Sends again after {@link #pauseAndSnapshot()}. */
  public void resume() {
    paused = false;
  }

  private void send(SimNode s) {
    if (s.inFlight) {
      return;
    }
    List<ObjectNode> msgs = s.next();
    s.inFlight = true;
    sendAll(s, msgs, 0);
  }

  private void sendAll(SimNode s, List<ObjectNode> msgs, int i) {
    if (i == msgs.size()) {
      s.inFlight = false;
      return;
    }
    vertx.eventBus().request(Addresses.HB_RX, Buffer.buffer(Json.bytes(msgs.get(i))), delivery).onComplete(ar -> {
      if (ar.failed()) {
        s.inFlight = false;
        if (ar.cause() instanceof ReplyException r && r.failureCode() == 409) {
          s.needsFull = true;
        } else if (!(ar.cause() instanceof ReplyException r2 && r2.failureCode() == 503)) {
          LOG.debug("simulated node {}: {}", s.name, ar.cause().getMessage());
          s.needsFull = true;
        }
        return;
      }
      sendAll(s, msgs, i + 1);
    });
  }

  /**
   * One simulated node: its own node data, the truth its heartbeats describe.
   * Public for the benchmarks (module {@code bench}), which replay its workload.
   * Not thread-safe.
   */
  public static final class SimNode {
    final String name;
    final List<String> peers;
    final SplittableRandom rnd;
    final ObjectNode data;
    final List<String> paths = new ArrayList<>();
    long gen;
    boolean needsFull = true;
    boolean inFlight;
    boolean loseGenerations = true;

    /**
     * A simulated node as the simulator makes them; its first message is a full.
     *
     * @param name            its node name
     * @param peers           every node name of the cluster (its own included)
     * @param services        services it hosts
     * @param seed            random seed (the same seed gives the same messages)
     * @param loseGenerations whether it skips a generation now and then (1 in 500),
     *                        which makes the gateway ask for a full
     */
    public static SimNode create(String name, List<String> peers, int services, long seed, boolean loseGenerations) {
      SimNode s = new SimNode(name, peers, services, new SplittableRandom(seed));
      s.loseGenerations = loseGenerations;
      return s;
    }

    /** Its node name. */
    public String name() {
      return name;
    }

    /** Its next heartbeat will be a full (as when the gateway asks for one). */
    public void askFull() {
      needsFull = true;
    }

    SimNode(String name, List<String> peers, int services, SplittableRandom rnd) {
      this.name = name;
      this.peers = peers;
      this.rnd = rnd;
      for (int i = 0; i < services; i++) {
        paths.add("ns" + (i % 3 + 1) + "/svc/" + SVC_KINDS[i % SVC_KINDS.length] + (i / SVC_KINDS.length + 1));
      }
      this.data = initial();
    }

    private static BigDecimal now() {
      return BigDecimal.valueOf(System.currentTimeMillis(), 3);
    }

    private ObjectNode initial() {
      ObjectNode d = Json.NODES.objectNode();
      BigDecimal now = now();
      d.put("agent", "2.1-1804").put("compat", 10).put("api", 7).put("env", "DEV").put("speaker", name.endsWith("n1"));
      d.put("frozen", 0);
      d.putObject("labels").put("az", "fr" + (1 + rnd.nextInt(2)));
      d.putObject("monitor").put("status", "idle").put("status_updated", now).putNull("global_expect").putNull("local_expect");
      d.putObject("stats").put("load_15m", 0.3).put("mem_avail", 60).put("mem_total", 3936).put("score", 72);
      d.putObject("gen");
      d.put("updated", now);
      ObjectNode svcs = d.putObject("services");
      ObjectNode config = svcs.putObject("config");
      ObjectNode status = svcs.putObject("status");
      int idx = peers.indexOf(name);
      for (int i = 0; i < paths.size(); i++) {
        String p = paths.get(i);
        boolean flex = i % 5 == 4;
        ArrayNode scope = Json.NODES.arrayNode();
        peers.forEach(scope::add);
        config.putObject(p).put("csum", Long.toHexString(rnd.nextLong())).<ObjectNode>set("scope", scope).put("updated", now);
        boolean leader = flex || (i % peers.size()) == idx;
        ObjectNode st = status.putObject(p);
        String avail = leader ? "up" : "down";
        st.put("kind", "svc").put("avail", avail).put("overall", avail).put("frozen", 0)
            .put("topology", flex ? "flex" : "failover").put("provisioned", true).put("updated", now);
        if (flex) {
          st.put("flex_min", 1).put("flex_max", peers.size()).put("flex_target", peers.size());
        }
        st.putObject("monitor").put("status", "idle").put("status_updated", now).putNull("global_expect")
            .put("local_expect", leader ? "started" : "").put("placement", leader ? "leader" : "");
        ObjectNode res = st.putObject("resources");
        res.putObject("ip#0").put("status", avail).put("label", "10.0.0." + (i + 10)).put("type", "ip").putArray("log");
        res.putObject("fs#1").put("status", avail).put("label", "ext4 /srv/" + p.replace('/', '_')).put("type", "fs").putArray("log");
        res.putObject("app#1").put("status", avail).put("label", "app").put("type", "app").putArray("log");
      }
      return d;
    }

    private ObjectNode genMap() {
      ObjectNode g = Json.NODES.objectNode();
      g.put(name, gen);
      return g;
    }

    /** The messages of this node's next heartbeat: a full, or a patch and maybe a node event. */
    public List<ObjectNode> next() {
      List<ObjectNode> out = new ArrayList<>();
      if (needsFull) {
        needsFull = false;
        gen++;
        data.set("gen", genMap());
        data.put("updated", now());
        ObjectNode full = Json.NODES.objectNode().put("nodename", name).put("kind", "full");
        full.set("gen", genMap());
        full.set("data", data.deepCopy());
        out.add(full);
        return out;
      }
      if (rnd.nextInt(200) == 0) {
        // Nothing to share this time: a ping. The gateway then needs a full, as OpenSVC's does.
        needsFull = true;
        ObjectNode ping = Json.NODES.objectNode().put("nodename", name).put("kind", "ping");
        ping.set("gen", genMap());
        ping.set("monitor", data.path("monitor").deepCopy());
        out.add(ping);
        return out;
      }
      List<ArrayNode> stanzas = new ArrayList<>();
      int n = 1 + rnd.nextInt(8);
      ObjectNode event = null;
      BigDecimal now = now();
      stanzas.add(set(List.of("updated"), Json.NODES.numberNode(now)));
      for (int i = 1; i < n; i++) {
        int what = rnd.nextInt(100);
        String p = paths.get(rnd.nextInt(paths.size()));
        ObjectNode st = (ObjectNode) data.path("services").path("status").path(p);
        if (what < 35) {
          String rid = new String[] {"ip#0", "fs#1", "app#1"}[rnd.nextInt(3)];
          String s = RES_STATUS[rnd.nextInt(RES_STATUS.length)];
          stanzas.add(set(List.of("services", "status", p, "resources", rid, "status"), Json.NODES.textNode(s)));
          String overall = s.equals("up") ? st.path("avail").asText() : "warn";
          stanzas.add(set(List.of("services", "status", p, "overall"), Json.NODES.textNode(overall)));
        } else if (what < 50) {
          stanzas.add(set(List.of("stats", "load_15m"), Json.NODES.numberNode(BigDecimal.valueOf(rnd.nextInt(400), 2))));
          stanzas.add(set(List.of("stats", "mem_avail"), Json.NODES.numberNode(20 + rnd.nextInt(70))));
        } else if (what < 62) {
          String rid = "app#1";
          ArrayNode log = (ArrayNode) st.path("resources").path(rid).path("log");
          if (log.size() >= 5) {
            stanzas.add(set(List.of("services", "status", p, "resources", rid, "log"), Json.NODES.arrayNode()));
          } else {
            ObjectNode line = Json.NODES.objectNode().put("level", "info").put("msg", "check ok at " + now);
            stanzas.add(setIdx(List.of("services", "status", p, "resources", rid, "log"), log.size(), line));
          }
        } else if (what < 72) {
          String avail = st.path("avail").asText().equals("up") ? "down" : "up";
          stanzas.add(set(List.of("services", "status", p, "avail"), Json.NODES.textNode(avail)));
          stanzas.add(set(List.of("services", "status", p, "overall"), Json.NODES.textNode(avail)));
          stanzas.add(set(List.of("services", "status", p, "updated"), Json.NODES.numberNode(now)));
        } else if (what < 80) {
          boolean frozen = !st.path("frozen").asText().equals("0");
          stanzas.add(set(List.of("services", "status", p, "frozen"), frozen ? Json.NODES.numberNode(0) : Json.NODES.numberNode(now)));
          event = Json.NODES.objectNode().put("id", frozen ? "instance_thaw" : "instance_freeze").put("reason", "target").put("path", p);
        } else if (what < 88) {
          String m = NODE_MONITOR[rnd.nextInt(NODE_MONITOR.length)];
          stanzas.add(set(List.of("monitor", "status"), Json.NODES.textNode(m)));
          stanzas.add(set(List.of("monitor", "status_updated"), Json.NODES.numberNode(now)));
        } else if (what < 92) {
          boolean frozen = !data.path("frozen").asText().equals("0");
          stanzas.add(set(List.of("frozen"), frozen ? Json.NODES.numberNode(0) : Json.NODES.numberNode(now)));
          event = Json.NODES.objectNode().put("id", frozen ? "node_thaw" : "node_freeze");
          if (!frozen) {
            event.put("reason", "target");
          }
        } else {
          String placement = st.path("monitor").path("placement").asText().equals("leader") ? "" : "leader";
          stanzas.add(set(List.of("services", "status", p, "monitor", "placement"), Json.NODES.textNode(placement)));
        }
      }
      if (event == null && rnd.nextInt(100) == 0) {
        String p = paths.get(rnd.nextInt(paths.size()));
        event = Json.NODES.objectNode().put("id", EVENTS[rnd.nextInt(EVENTS.length)]).put("path", p)
            .put("rid", "app#1").put("restart", 3).put("try", 1 + rnd.nextInt(3)).put("status", "warn");
      }
      // Apply to our own truth, then describe it.
      for (ArrayNode s : stanzas) {
        apply(s);
      }
      gen++;
      if (rnd.nextInt(500) == 0 && loseGenerations) {
        gen++; // a lost generation: the gateway sees a gap and asks for a full
      }
      ObjectNode patch = Json.NODES.objectNode().put("nodename", name).put("kind", "patch");
      patch.set("gen", genMap());
      ArrayNode list = patch.putObject("deltas").putArray(Long.toString(gen));
      stanzas.forEach(list::add);
      out.add(patch);
      if (event != null) {
        event.set("monitor", data.path("monitor").deepCopy());
        ObjectNode ev = Json.NODES.objectNode().put("nodename", name).put("kind", "event");
        ev.set("data", event);
        out.add(ev);
      }
      return out;
    }

    private static ArrayNode set(List<String> path, JsonNode value) {
      ArrayNode s = Json.NODES.arrayNode();
      ArrayNode p = s.addArray();
      path.forEach(p::add);
      s.add(value);
      return s;
    }

    private static ArrayNode setIdx(List<String> path, int idx, JsonNode value) {
      ArrayNode s = set(path, value);
      ((ArrayNode) s.get(0)).add(idx);
      return s;
    }

    private void apply(ArrayNode stanza) {
      ArrayNode p = (ArrayNode) stanza.get(0);
      JsonNode cur = data;
      for (int i = 0; i < p.size() - 1; i++) {
        JsonNode step = p.get(i);
        cur = step.isInt() ? cur.get(step.intValue()) : cur.get(step.textValue());
      }
      JsonNode last = p.get(p.size() - 1);
      JsonNode v = stanza.get(1).deepCopy();
      if (last.isInt()) {
        ArrayNode a = (ArrayNode) cur;
        if (last.intValue() == a.size()) {
          a.add(v);
        } else {
          a.set(last.intValue(), v);
        }
      } else {
        ((ObjectNode) cur).set(last.textValue(), v);
      }
    }
  }
}
