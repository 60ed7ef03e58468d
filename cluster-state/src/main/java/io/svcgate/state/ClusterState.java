package io.svcgate.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.svcgate.state.ApplyOutcome.Status;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The merged cluster-state document (docs/model.md §1), the per-sender generations and
 * the sequencing rules (docs/model.md §2), and the event counter (docs/model.md §3).
 *
 * <p>Every change goes through this object and yields events with the next ids
 * (consecutive, no gaps); the caller appends them to the history and publishes
 * them, in order. One generation (or full, or ping) is applied atomically: when
 * it fails the document is left exactly as it was, byte for byte.
 *
 * <p>Not thread-safe: one writer (the state verticle) calls everything. The
 * {@link #document()} is live and read-only by contract. Events never share a
 * JSON node with the document: values are copied into the document as they are
 * applied.
 *
 * <p>Layout: {@code cluster} ({@code name}, {@code nodes}), {@code gateway}
 * ({@code nodename}, {@code epoch}, {@code started}), {@code monitor}
 * ({@code services}, always present, owned by a {@link DerivedState} if any;
 * {@code nodes}, one member per node, its data exactly as sent).
 */
public final class ClusterState {

  /** The default bound of one node's data: keys and list elements at every level. */
  public static final long DEFAULT_MAX_NODE_KEYS = 100_000;

  /** Version of the {@link #snapshot()} format. */
  public static final int SNAPSHOT_FORMAT = 1;

  private static final Path MONITOR_NODES = NodeBook.MONITOR_NODES;
  private static final Path CLUSTER_NODES = Path.of("cluster", "nodes");
  private static final int NODE_DEPTH = 3;

  private final String gatewayNodename;
  private final String clusterName;
  private final List<String> configuredNodes;
  private final Set<String> configuredSet;
  private final String epoch;
  private final double started;
  private final DerivedState derived;
  private final double askFullInterval;
  private final long maxNodeKeys;

  private final ObjectNode document;
  /** The one apply / rollback / commit loop, and the event ids. */
  private final ChangeWriter writer;
  /** The known nodes and the sequencing bookkeeping. */
  private final NodeBooks books = new NodeBooks();
  private String lastDerivedError;
  private long derivedErrors;

  private ClusterState(Builder b, ObjectNode document, long lastId) {
    this.gatewayNodename = b.gatewayNodename;
    this.clusterName = b.clusterName;
    this.configuredNodes = List.copyOf(b.nodes);
    this.configuredSet = Set.copyOf(b.nodes);
    this.epoch = b.epoch;
    this.started = b.started;
    this.derived = b.derived;
    this.askFullInterval = b.askFullInterval;
    this.maxNodeKeys = b.maxNodeKeys;
    this.document = document;
    this.writer = new ChangeWriter(document, lastId);
  }

  /** A builder; {@link Builder#gatewayNodename} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A state restored from a {@link #snapshot()}: its document, node bookkeeping
   * and last id; the rest (gateway name, epoch, configured nodes, derived state)
   * from {@code config}. Then {@link #replay} the events after
   * {@link #lastId()}, and {@link #start} to bring the gateway's own parts up to
   * date.
   *
   * @throws IllegalArgumentException when the bytes are not a snapshot
   */
  public static ClusterState restore(byte[] snapshot, Builder config) {
    return config.restore(snapshot);
  }

  /** How to build a {@link ClusterState}. */
  public static final class Builder {
    private String gatewayNodename;
    private String clusterName = "default";
    private List<String> nodes = List.of();
    private String epoch = "";
    private double started;
    private long lastId;
    private DerivedState derived;
    private double askFullInterval = 1.0;
    private long maxNodeKeys = DEFAULT_MAX_NODE_KEYS;

    private Builder() {
    }

    /** The gateway's own node name: the {@code nodename} of its own events. Required. */
    public Builder gatewayNodename(String name) {
      this.gatewayNodename = name;
      return this;
    }

    /** {@code cluster.name}; default {@code default}. */
    public Builder clusterName(String name) {
      this.clusterName = Objects.requireNonNull(name, "clusterName");
      return this;
    }

    /**
     * The configured {@code cluster.nodes}: only these nodes are heard. Empty
     * (the default): any node is heard and {@code cluster.nodes} lists the nodes
     * in the order a first message of theirs applied (a rejected message adds no node).
     */
    public Builder nodes(List<String> configured) {
      this.nodes = List.copyOf(configured);
      return this;
    }

    /** {@code gateway.epoch}: the history's identity. */
    public Builder epoch(String epoch) {
      this.epoch = Objects.requireNonNull(epoch, "epoch");
      return this;
    }

    /** {@code gateway.started}, epoch seconds. */
    public Builder started(double started) {
      this.started = started;
      return this;
    }

    /** The id of the last event already in the history; the next event gets {@code lastId + 1}. Ignored by restore. */
    public Builder lastId(long lastId) {
      if (lastId < 0) {
        throw new IllegalArgumentException("lastId must be >= 0, got " + lastId);
      }
      this.lastId = lastId;
      return this;
    }

    /** The derived parts (service aggregates) to keep up to date; none by default. */
    public Builder derivedState(DerivedState derived) {
      this.derived = derived;
      return this;
    }

    /**
     * The most keys and list elements one node's data may hold, at every level
     * (ingest.max-node-keys); default {@link #DEFAULT_MAX_NODE_KEYS}. A full, patch or
     * ping that would make it larger is not applied ({@link ApplyOutcome.Status#TOO_LARGE}).
     */
    public Builder maxNodeKeys(long keys) {
      if (keys < 1) {
        throw new IllegalArgumentException("maxNodeKeys must be at least 1, got " + keys);
      }
      this.maxNodeKeys = keys;
      return this;
    }

    /**
     * The least time between two ask-full requests for a node whose patches are
     * dropped while it awaits a full, seconds; default 1. A gap or a failure
     * always asks at once.
     */
    public Builder askFullInterval(double seconds) {
      if (!(seconds >= 0)) {
        throw new IllegalArgumentException("askFullInterval must be >= 0 seconds, got " + seconds);
      }
      this.askFullInterval = seconds;
      return this;
    }

    private void validate() {
      if (gatewayNodename == null) {
        throw new IllegalArgumentException("the gateway nodename is required");
      }
      String why = MessageParser.nodenameProblem(gatewayNodename);
      if (why != null) {
        throw new IllegalArgumentException("gateway nodename " + why);
      }
      Set<String> seen = new HashSet<>();
      for (String n : nodes) {
        String w = MessageParser.nodenameProblem(n);
        if (w != null) {
          throw new IllegalArgumentException("cluster.nodes entry " + w);
        }
        if (!seen.add(n)) {
          throw new IllegalArgumentException("cluster.nodes lists " + n + " twice");
        }
        if (n.equals(gatewayNodename)) {
          throw new IllegalArgumentException("cluster.nodes lists the gateway's own name " + n);
        }
      }
    }

    /** A fresh state: the initial document, no node, the next event id {@code lastId + 1}. */
    public ClusterState build() {
      validate();
      ObjectNode doc = Json.NODES.objectNode();
      ObjectNode cluster = doc.putObject("cluster");
      cluster.put("name", clusterName);
      ArrayNode list = cluster.putArray("nodes");
      nodes.forEach(list::add);
      gatewaySection(doc.putObject("gateway"));
      ObjectNode monitor = doc.putObject("monitor");
      monitor.putObject("services");
      monitor.putObject("nodes");
      return new ClusterState(this, doc, lastId);
    }

    private void gatewaySection(ObjectNode g) {
      g.put("nodename", gatewayNodename);
      g.put("epoch", epoch);
      g.put("started", BigDecimal.valueOf(started));
    }

    /**
     * A state restored from a {@link ClusterState#snapshot()} with this configuration.
     *
     * @throws NewerFormatException when the snapshot is of a format newer than {@link #SNAPSHOT_FORMAT}
     * @throws IllegalArgumentException when the bytes are not a snapshot
     */
    public ClusterState restore(byte[] snapshot) {
      validate();
      SnapshotFormat.Contents c = SnapshotFormat.read(snapshot);
      ClusterState st = new ClusterState(this, c.document(), c.lastId());
      c.books().forEach(st.books::admit);
      return st;
    }
  }

  // ---------------------------------------------------------------- reading

  /** The live document. Read-only by contract: never mutate it, never keep parts of it across calls. */
  public ObjectNode document() {
    return document;
  }

  /** The id of the last event made (or replayed); the next one is {@code lastId() + 1}. */
  public long lastId() {
    return writer.lastId();
  }

  /** The gateway's own node name. */
  public String gatewayNodename() {
    return gatewayNodename;
  }

  /** The configured {@code cluster.nodes}; empty when nodes are learned. */
  public List<String> configuredNodes() {
    return configuredNodes;
  }

  /** One row per node known (in the order a first message of theirs applied), at this moment. */
  public Collection<NodeInfo> nodes() {
    List<NodeInfo> out = new ArrayList<>(books.names().size());
    for (NodeBook b : books.all()) {
      out.add(info(b));
    }
    return out;
  }

  /** The row of one node, if it was heard (and not forgotten since). */
  public Optional<NodeInfo> node(String nodename) {
    NodeBook b = books.get(nodename);
    return b == null ? Optional.empty() : Optional.of(info(b));
  }

  private NodeInfo info(NodeBook b) {
    JsonNode data = nodesObject().get(b.nodename);
    return b.info(data == null ? null : data.get("frozen"));
  }

  private ObjectNode nodesObject() {
    return (ObjectNode) document.get("monitor").get("nodes");
  }

  private ArrayNode clusterNodes() {
    return (ArrayNode) document.get("cluster").get("nodes");
  }

  // ---------------------------------------------------------------- heartbeats

  /**
   * Applies one heartbeat message by the rules of docs/model.md §2. A message that is
   * rejected before anything of it applied changes neither the document nor the
   * history: the sender joins the known nodes
   * (and a learned {@code cluster.nodes}) and a stale sender is heard again only
   * when a message of it applies.
   *
   * @param now the gateway's clock, epoch seconds (the events' {@code ts})
   */
  public ApplyOutcome apply(HeartbeatMessage msg, double now) {
    String n = msg.nodename();
    if (n.equals(gatewayNodename)) {
      return new ApplyOutcome(Status.REFUSED, n, List.of(), 0, "node " + n + " has the gateway's own name", false, null);
    }
    if (!configuredSet.isEmpty() && !configuredSet.contains(n)) {
      return new ApplyOutcome(Status.REFUSED, n, List.of(), 0,
          "node " + n + " is not in the configured cluster.nodes " + configuredNodes, false, null);
    }
    List<Event> events = new ArrayList<>(2);
    NodeBook b = books.get(n);
    // a node never heard gets a book of its own only when a message of it applies (admit)
    Progress p = new Progress(events, b == null ? new NodeBook(n) : b, b == null);
    b = p.book;
    long mergedBefore = b.merged;
    if (!p.joining) {
      b.lastSeen = now;
    }
    if (msg instanceof HeartbeatMessage.Full f) {
      b.heartbeats++;
      applyFull(b, f, now, p);
    } else if (msg instanceof HeartbeatMessage.Patch pm) {
      b.heartbeats++;
      applyPatch(b, pm, now, p);
    } else if (msg instanceof HeartbeatMessage.Ping ping) {
      b.heartbeats++;
      applyPing(b, ping, now, p);
    } else if (msg instanceof HeartbeatMessage.NodeEvent ev) {
      b.nodeEvents++;
      admit(p, now);
      events.add(writer.event(n, ev.data(), now));
      p.status = Status.APPLIED;
    }
    if (p.status == Status.APPLIED || p.status == Status.IGNORED_STALE) {
      admit(p, now);
    }
    if (p.joining && !p.admitted) {
      // rejected: the node stays unknown, only the pace of its ask-full requests is kept
      if (p.askFull) {
        books.strangerAsked(n, now);
      }
      return new ApplyOutcome(p.status, n, events, 0, p.error, p.askFull, null);
    }
    if (b.merged != mergedBefore || p.joining) {
      books.generationChanged(n);
    }
    String derivedError = p.paths.isEmpty() && !p.livenessChanged ? null
        : runDerived(Set.of(n), p.paths, false, now, events);
    return new ApplyOutcome(p.tooLarge ? Status.TOO_LARGE : p.status, n, events, b.merged, p.error, p.askFull,
        derivedError);
  }

  /**
   * Makes the sender of a message that applies a known node, before its first event:
   * a node never heard gets its row (and, when nodes are learned, its
   * {@code cluster.nodes} entry, as a gateway patch event); a stale node is heard
   * again ({@code hb_beating}). A rejected message never gets here, so it changes
   * neither the document nor the history. Once per message.
   */
  private void admit(Progress p, double now) {
    if (p.admitted) {
      return;
    }
    p.admitted = true;
    NodeBook b = p.book;
    if (p.joining) {
      books.admit(b);
      b.lastSeen = now;
      if (configuredSet.isEmpty() && !contains(clusterNodes(), b.nodename)) {
        Stanza s = Stanza.set(CLUSTER_NODES.child(clusterNodes().size()), Json.NODES.textNode(b.nodename));
        p.events.add(writer.applyOwn(List.of(s), gatewayNodename, now));
        p.paths.add(s.path());
      }
    } else if (!b.beating) {
      p.events.add(liveness(b, true, now));
      p.livenessChanged = true;
    }
  }

  /** What one message did so far. */
  private static final class Progress {
    final List<Event> events;
    final NodeBook book;
    /** The sender was never heard (or was forgotten): its book is not in {@code books} until admitted. */
    final boolean joining;
    boolean admitted;
    Status status = Status.APPLIED;
    String error;
    boolean askFull;
    boolean livenessChanged;
    boolean tooLarge;
    final List<Path> paths = new ArrayList<>();

    Progress(List<Event> events, NodeBook book, boolean joining) {
      this.events = events;
      this.book = book;
      this.joining = joining;
    }
  }

  private static Path nodeBase(String n) {
    return MONITOR_NODES.child(n);
  }

  private void applyFull(NodeBook b, HeartbeatMessage.Full f, double now, Progress p) {
    long g = f.generation();
    if (b.merged != 0 && g <= b.merged) {
      b.ignoredFulls++;
      p.status = Status.IGNORED_STALE;
      p.error = "full of generation " + g + " is not newer than the merged generation " + b.merged + "; ignored";
      return;
    }
    List<Stanza> stanzas = Diff.diff(b.base, nodesObject().get(b.nodename), f.data());
    String fail = applyGeneration(stanzas, b.nodename, now, p);
    if (fail != null) {
      resync(b, now);
      p.status = Status.FAILED;
      p.error = "full of generation " + g + " not applied: " + fail;
      return;
    }
    b.merged = g;
    b.needsFull = false;
    b.fullsApplied++;
  }

  private void applyPatch(NodeBook b, HeartbeatMessage.Patch pm, double now, Progress p) {
    if (b.needsFull || b.merged == 0) {
      p.status = Status.AWAITING_FULL;
      p.error = "node " + b.nodename + " awaits a full; patch dropped";
      if (p.joining) {
        b.lastAsk = books.lastStrangerAsk(b.nodename);
      }
      if (now - b.lastAsk >= askFullInterval) {
        b.lastAsk = now;
        p.askFull = true;
      }
      return;
    }
    boolean applied = false;
    boolean skipped = false;
    for (Map.Entry<Long, HeartbeatMessage.Delta> e : pm.deltas().entrySet()) {
      long g = e.getKey();
      if (g <= b.merged) {
        b.skippedGenerations++;
        skipped = true;
        continue;
      }
      if (g != b.merged + 1) {
        p.status = Status.GAP;
        p.error = "generation " + g + " does not follow the merged generation " + b.merged
            + " (expected " + (b.merged + 1) + "); send a full";
        resync(b, now);
        p.askFull = true;
        return;
      }
      String fail;
      List<Stanza> stanzas = null;
      if (e.getValue() instanceof HeartbeatMessage.Stanzas st) {
        stanzas = new ArrayList<>(st.stanzas().size());
        Path base = b.base;
        for (Stanza s : st.stanzas()) {
          stanzas.add(s.under(base));
        }
        fail = null;
      } else {
        HeartbeatMessage.JsonPatch jp = (HeartbeatMessage.JsonPatch) e.getValue();
        JsonNode before = nodesObject().get(b.nodename);
        try {
          JsonNode after = Rfc6902.apply(before == null ? Json.NODES.objectNode() : before, jp.ops());
          if (!after.isObject()) {
            fail = "the operations would make the node data " + JsonValues.typeOf(after) + "; it must stay an object";
          } else {
            stanzas = Diff.diff(b.base, before, after);
            fail = null;
          }
        } catch (Rfc6902.PatchException ex) {
          fail = ex.getMessage();
        }
      }
      if (fail == null) {
        fail = applyGeneration(stanzas, b.nodename, now, p);
      }
      if (fail != null) {
        p.status = Status.FAILED;
        p.error = "generation " + g + " not applied: " + fail;
        resync(b, now);
        p.askFull = true;
        return;
      }
      b.merged = g;
      b.patchesApplied++;
      applied = true;
    }
    p.status = skipped && !applied ? Status.IGNORED_STALE : Status.APPLIED;
    if (p.status == Status.IGNORED_STALE) {
      p.error = "every generation of the patch is already merged (merged " + b.merged + "); ignored";
    }
  }

  private void applyPing(NodeBook b, HeartbeatMessage.Ping ping, double now, Progress p) {
    JsonNode data = nodesObject().get(b.nodename);
    List<Stanza> stanzas;
    if (data == null) {
      ObjectNode fresh = Json.NODES.objectNode();
      fresh.set("monitor", ping.monitor());
      stanzas = List.of(Stanza.set(b.base, fresh));
    } else {
      stanzas = Diff.diff(b.base.child("monitor"), data.get("monitor"), ping.monitor());
    }
    String fail = applyGeneration(stanzas, b.nodename, now, p);
    b.merged = 0;
    b.needsFull = true;
    if (fail != null) {
      p.status = Status.FAILED;
      p.error = "ping not applied: " + fail;
    }
  }

  private static void resync(NodeBook b, double now) {
    b.resync(now);
  }

  /**
   * Applies one generation's absolute stanzas atomically and emits its event.
   *
   * @return null when applied, else why not (the document is unchanged)
   */
  private String applyGeneration(List<Stanza> stanzas, String nodename, double now, Progress p) {
    if (stanzas.isEmpty()) {
      return null;
    }
    String hints;
    try {
      hints = writer.stage(stanzas, NODE_DEPTH);
    } catch (ChangeWriter.Failure f) {
      return (stanzas.size() > 1 ? "stanza " + f.index + ": " : "") + f.getMessage();
    }
    NodeBook book = books.get(nodename);
    if (book != null) {
      long keys = book.keys >= 0 ? book.keys + writer.stagedSizeChange() : DocumentEdit.size(nodesObject().get(nodename));
      if (keys > maxNodeKeys) {
        writer.rollback();
        p.tooLarge = true;
        return "the node data would hold " + keys + " keys and list elements, more than " + maxNodeKeys
            + " (ingest.max-node-keys)";
      }
      book.keys = keys;
    }
    writer.commit();
    admit(p, now);
    p.events.add(writer.patch(nodename, stanzas, hints, now));
    for (Stanza s : stanzas) {
      p.paths.add(s.path());
    }
    return null;
  }

  /**
   * Runs the derived state after a change and applies its stanzas as one gateway
   * patch appended to {@code events}.
   *
   * @return null when it went well (or there is no derived state), else why not
   *         (also kept as {@link #lastDerivedError()})
   */
  private String runDerived(Set<String> nodes, List<Path> paths, boolean everything, double now, List<Event> events) {
    if (derived == null) {
      return null;
    }
    String err = derive(nodes, paths, everything, now, events);
    if (err != null) {
      lastDerivedError = err;
      derivedErrors++;
    }
    return err;
  }

  private String derive(Set<String> nodes, List<Path> paths, boolean everything, double now, List<Event> events) {
    Set<String> stale = books.stale();
    List<Stanza> stanzas;
    try {
      stanzas = derived.update(document, new DerivedState.Change(nodes, paths, stale, everything));
    } catch (RuntimeException e) {
      return "derived state failed: " + e;
    }
    if (stanzas == null || stanzas.isEmpty()) {
      return null;
    }
    List<Stanza> copies = new ArrayList<>(stanzas.size());
    for (Stanza s : stanzas) {
      Path p = s.path();
      if (p.isEmpty() || p.overlaps(MONITOR_NODES) || p.overlaps(Path.of("cluster")) || p.equals(Path.of("monitor"))) {
        return "derived state returned a stanza at " + p + ", which it does not own";
      }
      copies.add(s.isDelete() ? s : Stanza.set(p, s.value().deepCopy()));
    }
    String hints;
    try {
      hints = writer.stage(copies, 0);
    } catch (ChangeWriter.Failure f) {
      return "derived state stanza " + f.index + " does not apply: " + f.getMessage();
    }
    writer.commit();
    events.add(writer.patch(gatewayNodename, copies, hints, now));
    return null;
  }

  /** Why the {@link DerivedState} last failed (its stanzas were not applied); null when it never did. */
  public String lastDerivedError() {
    return lastDerivedError;
  }

  /** How many times the {@link DerivedState} failed. */
  public long derivedErrors() {
    return derivedErrors;
  }

  private static boolean contains(ArrayNode list, String n) {
    for (JsonNode e : list) {
      if (n.equals(e.textValue())) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- the gateway's own changes

  /**
   * Brings the gateway's own parts up to date and announces the start: a patch
   * event if {@code cluster.name}, {@code cluster.nodes} (when configured) or the
   * {@code gateway} section differ from this configuration (after a restore), a
   * {@code monitor_started} event, and the {@link DerivedState} patch of a full
   * recompute ({@link DerivedState.Change#everything()}). Call once, when the
   * gateway starts (after {@link #restore} and {@link #replay}).
   */
  public List<Event> start(double now) {
    List<Event> events = new ArrayList<>();
    List<Stanza> stanzas = new ArrayList<>();
    ObjectNode cluster = (ObjectNode) document.get("cluster");
    Diff.diff(Path.of("cluster", "name"), cluster.get("name"), Json.NODES.textNode(clusterName), stanzas);
    if (!configuredNodes.isEmpty()) {
      ArrayNode want = Json.NODES.arrayNode();
      configuredNodes.forEach(want::add);
      Diff.diff(CLUSTER_NODES, cluster.get("nodes"), want, stanzas);
    }
    ObjectNode gw = Json.NODES.objectNode();
    gw.put("nodename", gatewayNodename);
    gw.put("epoch", epoch);
    gw.put("started", BigDecimal.valueOf(started));
    Diff.diff(Path.of("gateway"), document.get("gateway"), gw, stanzas);
    if (!stanzas.isEmpty()) {
      events.add(writer.applyOwn(stanzas, gatewayNodename, now));
    }
    ObjectNode data = Json.NODES.objectNode();
    data.put("id", "monitor_started");
    events.add(writer.event(gatewayNodename, data, now));
    Set<String> all = new LinkedHashSet<>();
    nodesObject().fieldNames().forEachRemaining(all::add);
    List<Path> paths = new ArrayList<>();
    stanzas.forEach(s -> paths.add(s.path()));
    runDerived(all, paths, true, now, events);
    return events;
  }

  /**
   * A gateway or node event of kind {@code event} with the next id.
   *
   * @param nodename the node it is about (the gateway's own name for its own events)
   * @param data     the event data with a string {@code id}; not copied: the caller
   *                 hands it over and never mutates it again
   * @throws IllegalArgumentException when {@code data.id} is not a string
   */
  public Event emitEvent(String nodename, ObjectNode data, double now) {
    if (!data.path("id").isTextual()) {
      throw new IllegalArgumentException("event data needs a string id");
    }
    return writer.event(nodename, data, now);
  }

  /**
   * Marks a node stale (it sent nothing for the heartbeat timeout).
   *
   * @return an {@code hb_stale} event ({@code data.nodename} = the node), then the
   *         {@link DerivedState} patch if any, when the node was beating; empty
   *         when it was already stale or is unknown
   */
  public List<Event> markStale(String nodename, double now) {
    NodeBook b = books.get(nodename);
    return b == null || !b.beating ? List.of() : livenessChange(b, false, now);
  }

  /**
   * Marks a node beating again. {@link #apply} does this by itself when a stale
   * node is heard.
   *
   * @return an {@code hb_beating} event, then the {@link DerivedState} patch if
   *         any, when the node was stale; empty otherwise
   */
  public List<Event> markBeating(String nodename, double now) {
    NodeBook b = books.get(nodename);
    return b == null || b.beating ? List.of() : livenessChange(b, true, now);
  }

  private List<Event> livenessChange(NodeBook b, boolean beating, double now) {
    List<Event> events = new ArrayList<>(2);
    events.add(liveness(b, beating, now));
    runDerived(Set.of(b.nodename), List.of(), false, now, events);
    return events;
  }

  private Event liveness(NodeBook b, boolean beating, double now) {
    b.beating = beating;
    ObjectNode data = Json.NODES.objectNode();
    data.put("id", beating ? "hb_beating" : "hb_stale");
    data.put("nodename", b.nodename);
    return writer.event(gatewayNodename, data, now);
  }

  /**
   * Forgets a decommissioned node: one patch event deleting
   * {@code monitor.nodes.<n>} (and its {@code cluster.nodes} entry when nodes are
   * learned), then a {@code forget_peer} event ({@code data}: {@code id},
   * {@code peer}, {@code reason: "admin"}), then the {@link DerivedState} patch if any.
   * Its generations and bookkeeping go.
   *
   * @return the events; empty when the node is unknown (never heard, no data)
   */
  public List<Event> forget(String nodename, double now) {
    NodeBook b = books.remove(nodename);
    boolean hasData = nodesObject().has(nodename);
    int idx = -1;
    if (configuredSet.isEmpty()) {
      ArrayNode list = clusterNodes();
      for (int i = 0; i < list.size(); i++) {
        if (nodename.equals(list.get(i).textValue())) {
          idx = i;
          break;
        }
      }
    }
    if (b == null && !hasData && idx < 0) {
      return List.of();
    }
    List<Event> events = new ArrayList<>(3);
    List<Stanza> stanzas = new ArrayList<>(2);
    if (hasData) {
      stanzas.add(Stanza.delete(nodeBase(nodename)));
    }
    if (idx >= 0) {
      stanzas.add(Stanza.delete(CLUSTER_NODES.child(idx)));
    }
    if (!stanzas.isEmpty()) {
      events.add(writer.applyOwn(stanzas, gatewayNodename, now));
    }
    ObjectNode data = Json.NODES.objectNode();
    data.put("id", "forget_peer");
    data.put("peer", nodename);
    data.put("reason", "admin");
    events.add(writer.event(gatewayNodename, data, now));
    List<Path> paths = new ArrayList<>();
    stanzas.forEach(s -> paths.add(s.path()));
    runDerived(Set.of(nodename), paths, false, now, events);
    return events;
  }

  /**
   * Sets a node to need a full (its patches are dropped until one arrives).
   *
   * @return false when the node is unknown
   */
  public boolean markNeedsFull(String nodename) {
    return books.markNeedsFull(nodename);
  }

  /**
   * A node's merged generation as it must be kept with the events of the same change,
   * so a restart recovers it exactly ({@link #recoverGenerations}).
   *
   * @param nodename  the node
   * @param merged    its merged generation (0: it needs a full)
   * @param forgotten the node was forgotten: nothing is to be kept of it
   */
  public record GenerationChange(String nodename, long merged, boolean forgotten) {
  }

  /**
   * The merged generations changed since the last call (of nodes that joined, moved
   * on, were reset to need a full, or were forgotten), one per node, and forgets them.
   * The gateway writes them in the same atomic batch as the events of the same
   * change, so a crash keeps both or neither. Replay and recovery record none.
   */
  public List<GenerationChange> drainGenerationChanges() {
    return books.drainGenerationChanges();
  }

  /**
   * Sets the merged generations kept with the history (the latest
   * {@link GenerationChange} of each node), after {@link #restore} and
   * {@link #replay}: they are as recent as the last event, so they replace what the
   * snapshot and the replay could tell. A node with no stored generation keeps what
   * they told (a history written before generations were stored). A node known to
   * the store but not to the state gets its row.
   */
  public void recoverGenerations(Map<String, Long> stored) {
    books.recover(stored);
  }

  // ---------------------------------------------------------------- snapshot, replay

  /**
   * Everything {@link #restore} needs, as JSON bytes: the format, the last id,
   * the document and each node's bookkeeping (merged generation, needs-full,
   * liveness, last seen, counters). Made at once, independent of later changes.
   */
  public byte[] snapshot() {
    return SnapshotFormat.write(writer.lastId(), document, books.all());
  }

  /**
   * Re-applies an event already numbered (from the history, after a
   * {@link #restore}): its stanzas go into the document, {@link #lastId()}
   * becomes its id, and the bookkeeping follows where the event tells it:
   * a node's own patch makes it known, seen at the event's time, and needing a
   * full (a patch event does not say which generation it was: the gateway stores
   * the generations beside the events and sets them after the replay with
   * {@link #recoverGenerations}); {@code hb_stale} / {@code hb_beating} set
   * the liveness; {@code forget_peer} drops the node; a node event makes the node
   * known and seen. Counters are not replayed. The {@link DerivedState} is not
   * called: its changes are in the history too.
   *
   * @throws IllegalArgumentException when the id does not follow {@link #lastId()}
   * @throws IllegalStateException    when the stanzas do not apply (the history
   *                                  does not belong to this state); nothing changed
   */
  public void replay(Event e) {
    writer.replay(e);
    if (e.isPatch()) {
      for (Stanza s : e.stanzas()) {
        Path p = s.path();
        if (p.size() >= NODE_DEPTH && p.startsWith(MONITOR_NODES) && p.get(2).equals(e.nodename())) {
          NodeBook b = books.getOrAdd(e.nodename());
          b.merged = 0;
          b.needsFull = true;
          b.lastSeen = Math.max(b.lastSeen, e.ts());
        } else if (p.size() == 3 && p.startsWith(CLUSTER_NODES) && !s.isDelete() && s.value().isTextual()) {
          books.getOrAdd(s.value().textValue());
        }
      }
    } else {
      JsonNode d = e.data();
      String id = e.eventId();
      if (e.nodename().equals(gatewayNodename)) {
        String target = d.path("nodename").asText(null);
        if (("hb_stale".equals(id) || "hb_beating".equals(id)) && target != null) {
          NodeBook b = books.get(target);
          if (b != null) {
            b.beating = "hb_beating".equals(id);
          }
        } else if ("forget_peer".equals(id) && d.path("peer").isTextual()) {
          books.drop(d.path("peer").textValue());
        }
      } else {
        NodeBook b = books.getOrAdd(e.nodename());
        b.lastSeen = Math.max(b.lastSeen, e.ts());
      }
    }
  }

  /** A short description (last id and nodes), for logs. */
  @Override
  public String toString() {
    return "ClusterState{lastId=" + writer.lastId() + ", nodes=" + books.names() + "}";
  }
}
