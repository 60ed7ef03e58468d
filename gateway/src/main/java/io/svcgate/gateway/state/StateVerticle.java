package io.svcgate.gateway.state;

import io.svcgate.gateway.Addresses;
import io.svcgate.gateway.bus.EventCodec;
import io.svcgate.gateway.bus.LazyJsonMap;
import io.svcgate.gateway.cluster.Committed;
import io.svcgate.gateway.cluster.EntryCodec;
import io.svcgate.gateway.history.History;
import io.svcgate.gateway.history.RaftPosition;
import io.svcgate.gateway.log.LogText;
import io.svcgate.gateway.metrics.GatewayMetrics;
import io.svcgate.gateway.metrics.RejectionLog;
import io.svcgate.state.ApplyOutcome;
import io.svcgate.state.ClusterState;
import io.svcgate.state.Event;
import io.svcgate.state.HeartbeatMessage;
import io.svcgate.state.InvalidMessageException;
import io.svcgate.state.NodeInfo;
import io.svcgate.state.Path;
import io.svcgate.state.filter.Durations;
import io.svcgate.state.filter.FilterBudget;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only writer of the cluster state. Deployed with exactly one instance: it
 * applies heartbeat messages, numbers every change, appends it to the history,
 * publishes it on {@link Addresses#EVENT_FEED} (and as JSON on {@link Addresses#EVENTS}) once durable, answers queries and
 * resolves waits. Everything here runs on this verticle's event loop; the disk
 * work happens in the {@link History}'s own thread.
 */
public final class StateVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(StateVerticle.class);
  private static final DeliveryOptions EVENT_DELIVERY = new DeliveryOptions().setCodecName(EventCodec.NAME).setLocalOnly(true);

  private final StateOptions options;
  private final History history;
  private final GatewayMetrics metrics;
  private ClusterState state;
  private Waits waits;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private long livenessTimer = -1;
  private long snapshotTimer = -1;
  private int pendingDurable;
  /** The answer of the last change handed to the history: completes once it is durable (appends complete in order). */
  private Future<Long> lastCommit = Future.succeededFuture(0L);
  private StateSnapshots snapshots;
  /** Why the state is ahead of the history (an append failed after its changes were applied); null while all is well. */
  private Throwable unrecorded;
  private volatile boolean ready;
  /** Cluster mode: builds the empty state of a fresh history once its first entry decided the epoch. */
  private final FreshState fresh;
  /** Cluster mode: committed entries received and not applied yet, in log order (see {@link #drainCommitted}). */
  private final ArrayDeque<Message<Committed>> held = new ArrayDeque<>();
  /** Cluster mode: the history holds a cluster's history (not a fresh one waiting for its first entry). */
  private boolean clusterStarted;
  /** Cluster mode: the next entry applied first announces the start (the first entry of a fresh history). */
  private boolean startPending;
  private boolean adopting;

  public StateVerticle(StateOptions options, ClusterState state, History history, GatewayMetrics metrics) {
    this(options, state, null, history, metrics);
  }

  /**
   * @param fresh in cluster mode ({@link StateOptions#clustered()}), how to build the empty
   *              state of a fresh history with the epoch and start time its first committed
   *              entry decides; ignored otherwise
   */
  public StateVerticle(StateOptions options, ClusterState state, FreshState fresh, History history,
                       GatewayMetrics metrics) {
    if (options.clustered() && fresh == null) {
      throw new IllegalArgumentException("a clustered state verticle needs a FreshState");
    }
    this.options = options;
    this.state = state;
    this.fresh = fresh;
    this.history = history;
    this.metrics = metrics;
  }

  /** Builds an empty cluster state with the given epoch and {@code gateway.started} (epoch seconds). */
  @FunctionalInterface
  public interface FreshState {
    ClusterState build(String epoch, double started);
  }

  /**
   * True once the verticle serves requests, and as long as the history can be
   * written: after a failed write ({@link History#failure()}) the gateway is DOWN.
   */
  public boolean ready() {
    return ready && !failed();
  }

  @Override
  public Future<?> start() {
    waits = new Waits(options.maxWaits(), options.filterMaxCost(), new Waits.Scheduler() {
      @Override
      public long setTimer(long delayMs, Runnable action) {
        return vertx.setTimer(delayMs, t -> action.run());
      }

      @Override
      public void cancelTimer(long timer) {
        vertx.cancelTimer(timer);
      }

      @Override
      public void runLater(Runnable action) {
        context.runOnContext(v -> action.run());
      }
    }, new Waits.Source() {
      @Override
      public com.fasterxml.jackson.databind.JsonNode document() {
        return state.document();
      }

      @Override
      public long lastId() {
        return state.lastId();
      }
    }, metrics);
    snapshots = new StateSnapshots(history, options.snapshotEvery(), () -> state, this::failed, context);
    var bus = vertx.eventBus();
    if (options.clustered()) {
      clusterStarted = history.lastId() > 0 || history.raftPosition().isPresent();
      if (history.lastId() > 0 && history.raftPosition().isEmpty()) {
        return Future.failedFuture(new IllegalStateException("the history holds " + history.size() + " events of a single gateway (epoch " + history.epoch()
            + "): a cluster member starts from an empty data directory, or from a cluster member's "
            + "(docs/storage.md, \"Cluster mode\")"));
      }
      consumers.add(bus.<Committed>localConsumer(Addresses.APPLY_COMMITTED, this::onCommitted));
      consumers.add(bus.<Long>localConsumer(Addresses.STALE_CANDIDATES, this::onStaleCandidates));
    } else {
      consumers.add(bus.<HeartbeatMessage>localConsumer(Addresses.APPLY, this::onApply));
      consumers.add(bus.<String>localConsumer(Addresses.FORGET, this::onForget));
      consumers.add(bus.<String>localConsumer(Addresses.ASK_FULL, this::onAskFull));
    }
    new StateQueries(() -> state, waits, options.filterMaxCost(), options.waitMax()).register(bus, consumers);
    if (!options.clustered()) {
      // in cluster mode liveness is decided by the leader's clock: committed Ticks
      long period = Math.max(100, Math.min(1000, options.hbTimeout().toMillis() / 4));
      livenessTimer = vertx.setPeriodic(period, t -> checkLiveness());
    }
    long every = options.snapshotInterval().toMillis();
    if (every > 0) {
      snapshotTimer = vertx.setPeriodic(every, t -> snapshots.maybe(true));
    }
    if (options.clustered()) {
      // nothing is announced locally: every change comes from the Raft log, the same on every member
      ready = true;
      LOG.info("state ready (cluster member): last event id {}, Raft position {}, {} nodes", state.lastId(),
          history.raftPosition().map(Object::toString).orElse("none"), state.nodes().size());
      return Future.succeededFuture();
    }
    return commit(state.start(now()), System.nanoTime())
        .onSuccess(id -> {
          ready = true;
          LOG.info("state ready: last event id {}, {} nodes", state.lastId(), state.nodes().size());
        });
  }

  @Override
  public Future<?> stop() {
    ready = false;
    if (livenessTimer >= 0) {
      vertx.cancelTimer(livenessTimer);
    }
    if (snapshotTimer >= 0) {
      vertx.cancelTimer(snapshotTimer);
    }
    List<Future<?>> unregs = new ArrayList<>();
    consumers.forEach(c -> unregs.add(c.unregister()));
    waits.closeAll();
    Message<Committed> m;
    while ((m = held.poll()) != null) {
      reply(m, new ApplyReply(503, state.lastId(), nodenameOf(m.body()), 0, "this member is stopping"));
    }
    return Future.join(unregs).compose(v -> snapshots.maybe(true).recover(e -> Future.succeededFuture()));
  }

  private static double now() {
    return System.currentTimeMillis() / 1000d;
  }

  // --- ingest -------------------------------------------------------------

  private void onApply(Message<HeartbeatMessage> msg) {
    long received = System.nanoTime();
    HeartbeatMessage hb = msg.body();
    String node = hb.nodename();
    metrics.heartbeatReceived(node, hb.kind());
    if (failed()) {
      metrics.heartbeatRefused("history_failed");
      reply(msg, new ApplyReply(503, state.lastId(), node, merged(node), historyFailed()));
      return;
    }
    if (pendingDurable >= options.maxPendingDurable() || !history.canAccept(mostEventsOf(hb))) {
      metrics.heartbeatRefused("overloaded");
      reply(msg, new ApplyReply(503, state.lastId(), node, merged(node), "the history is busy, retry later"));
      return;
    }
    List<Event> events = new ArrayList<>();
    ApplyReply r = applyMessage(hb, now(), events);
    commit(events, received).onComplete(ar -> {
      if (ar.succeeded()) {
        reply(msg, new ApplyReply(r.status(), ar.result(), r.nodename(), r.merged(), r.error()));
      } else {
        reply(msg, new ApplyReply(503, state.lastId(), node, merged(node), ar.cause().getMessage()));
      }
    });
  }

  /**
   * Applies one validated message at {@code now}, adding its events to {@code events};
   * answers how it went (the id is set once the events are durable).
   */
  private ApplyReply applyMessage(HeartbeatMessage hb, double now, List<Event> events) {
    String node = hb.nodename();
    boolean wasStale = state.node(node).map(n -> n.status() == NodeInfo.Liveness.STALE).orElse(false);
    boolean known = state.node(node).isPresent();
    ApplyOutcome outcome = state.apply(hb, now);
    events.addAll(outcome.events());
    if (!known && state.node(node).isPresent()) {
      LOG.info("node {} joined", LogText.escape(node));
    } else if (wasStale && state.node(node).map(n -> n.status() == NodeInfo.Liveness.BEATING).orElse(false)) {
      LOG.info("node {} is beating again", LogText.escape(node));
    }
    ApplyReply r = switch (outcome.status()) {
      case APPLIED, IGNORED_STALE -> new ApplyReply(202, 0, node, outcome.merged(), null);
      case GAP, AWAITING_FULL -> new ApplyReply(409, 0, node, outcome.merged(), outcome.error());
      case FAILED -> new ApplyReply(400, 0, node, outcome.merged(), outcome.error());
      case REFUSED -> new ApplyReply(403, 0, node, outcome.merged(), outcome.error());
      case TOO_LARGE -> new ApplyReply(413, 0, node, outcome.merged(), outcome.error());
    };
    if (r.status() != 202) {
      String reason = switch (r.status()) {
        case 409 -> "out_of_sequence";
        case 403 -> "unknown_node";
        case 413 -> "too_large";
        default -> "bad_stanza";
      };
      metrics.heartbeatRefused(reason);
      RejectionLog.log(reason, node, r.error());
    }
    countApplied(hb, outcome);
    if (outcome.askFull()) {
      askFull(node, outcome.error());
    }
    return r;
  }

  /**
   * The most events one message can make: one per patch generation, plus an
   * hb_beating, a cluster.nodes change and the aggregates' patch. Checked against
   * the history's backlog before applying, so an applied change is never refused.
   */
  private static int mostEventsOf(HeartbeatMessage hb) {
    int own = hb instanceof HeartbeatMessage.Patch p ? p.deltas().size() : 1;
    return own + 3;
  }

  private void countApplied(HeartbeatMessage hb, ApplyOutcome outcome) {
    int patches = 0;
    for (Event e : outcome.events()) {
      if (e.isPatch() && e.nodename().equals(hb.nodename())) {
        patches++;
      }
    }
    if (hb instanceof HeartbeatMessage.Patch && patches > 0) {
      metrics.patchesApplied(hb.nodename(), patches);
    } else if (hb instanceof HeartbeatMessage.Full && outcome.status() == ApplyOutcome.Status.APPLIED) {
      metrics.fullApplied();
    }
  }

  private void askFull(String node, String why) {
    metrics.resync(node);
    LOG.info("node {} needs a full: {}", LogText.escape(node), LogText.escape(why));
    vertx.eventBus().publish(Addresses.HB_ASKFULL, new JsonObject().put("nodename", node));
  }

  private long merged(String node) {
    return state.node(node).map(NodeInfo::merged).orElse(0L);
  }

  private static void reply(Message<?> msg, Object body) {
    StateQueries.reply(msg, body);
  }

  /**
   * Makes events durable, with the merged generations the same change moved (in the
   * same write: a crash keeps both or neither, so a restart recovers every node's
   * generation exactly), then publishes the events and wakes the waits they concern.
   * Completes with the id of the last event (or the current last id when none).
   */
  private Future<Long> commit(List<Event> events, long receivedNanos) {
    return commit(events, receivedNanos, null);
  }

  /**
   * As {@link #commit(List, long)}, recording the committed Raft entry {@code position}
   * (cluster mode; null otherwise) in the same write. With a position, an entry that
   * changed nothing still goes through the history's queue (writing nothing), so the
   * entries are answered in log order.
   */
  private Future<Long> commit(List<Event> events, long receivedNanos, RaftPosition position) {
    List<ClusterState.GenerationChange> generations = state.drainGenerationChanges();
    // Every id numbered so far: the answer's id once the appends queued up to here are durable
    // (never the id of a later change, whose append may still be on its way to the disk).
    long numbered = state.lastId();
    if (events.isEmpty() && generations.isEmpty() && position == null) {
      // nothing to write: answer once the appends before this one are durable, as they complete in order
      return pendingDurable == 0 ? Future.succeededFuture(numbered) : lastCommit.map(id -> numbered);
    }
    if (unrecorded != null) {
      return Future.failedFuture(unrecorded);
    }
    java.util.concurrent.CompletableFuture<Void> appended;
    try {
      appended = history.append(events, generations, position);
    } catch (RuntimeException e) {
      appended = java.util.concurrent.CompletableFuture.failedFuture(e);
    }
    pendingDurable++;
    Promise<Long> done = Promise.promise();
    appended.whenComplete((v, err) -> context.runOnContext(x -> {
      pendingDurable--;
      if (!held.isEmpty()) {
        context.runOnContext(y -> drainCommitted());
      }
      if (err != null) {
        Throwable cause = err instanceof java.util.concurrent.CompletionException c && c.getCause() != null
            ? c.getCause() : err;
        if (unrecorded == null) {
          // the state holds changes the history has not: nothing more can be numbered without a gap
          unrecorded = cause;
          LOG.error("history append failed for {}: the gateway is DOWN and refuses changes until restarted",
              events.isEmpty() ? "node generations" : "events " + events.get(0).id() + ".." + events.get(events.size() - 1).id(),
              cause);
        }
        done.fail(cause);
        return;
      }
      if (events.isEmpty()) {
        done.complete(numbered);
        return;
      }
      publish(events);
      metrics.ingestLatency(System.nanoTime() - receivedNanos);
      snapshots.maybe(false);
      done.complete(events.get(events.size() - 1).id());
    }));
    lastCommit = done.future();
    return lastCommit;
  }

  private void publish(List<Event> events) {
    boolean waiting = waits.pending() > 0;
    // In event order, not deduplicated: the paths of one change share their first steps one
    // after the other, which the wait index walks once for all of them (the index reports
    // each wait once however many of its paths changed).
    List<Path> touched = waiting ? new ArrayList<>() : List.of();
    for (Event e : events) {
      vertx.eventBus().publish(Addresses.EVENT_FEED, e, EVENT_DELIVERY);
      if (options.publishJson()) {
        // Decoded only if someone reads it (a consumer's copy, the clustered bus): see LazyJsonMap.
        vertx.eventBus().publish(Addresses.EVENTS, LazyJsonMap.jsonObject(e.json()));
      }
      metrics.eventEmitted(e.kind(), e.eventId());
      metrics.lastEventId(e.id());
      if (waiting) {
        for (var s : e.stanzas()) {
          touched.add(s.path());
        }
      }
    }
    if (waiting) {
      waits.changed(events.get(events.size() - 1).id(), touched);
    }
  }

  private void checkLiveness() {
    if (failed()) {
      // nothing can be recorded any more: the gateway is DOWN, its state stays as the history has it
      return;
    }
    commit(staleAt(now()), System.nanoTime());
  }

  /** Marks stale the beating nodes not heard from for {@code hb.timeout} at {@code now}; their events. */
  private List<Event> staleAt(double now) {
    List<Event> events = new ArrayList<>();
    for (String n : staleCandidates(now, Integer.MAX_VALUE)) {
      LOG.info("node {} is stale: nothing heard for {}", LogText.escape(n), Durations.format(options.hbTimeout()));
      events.addAll(state.markStale(n, now));
    }
    return events;
  }

  /** The beating nodes not heard from for {@code hb.timeout} at {@code now}, at most {@code max}, in node order. */
  private List<String> staleCandidates(double now, int max) {
    double limit = options.hbTimeout().toMillis() / 1000d;
    List<String> found = new ArrayList<>();
    for (NodeInfo n : state.nodes()) {
      if (found.size() == max) {
        break;
      }
      if (n.status() == NodeInfo.Liveness.BEATING && n.lastSeen() > 0 && now - n.lastSeen() > limit) {
        found.add(n.nodename());
      }
    }
    return found;
  }

  /** Cluster mode, on the leader: what its next tick should mark stale ({@link Addresses#STALE_CANDIDATES}). */
  private void onStaleCandidates(Message<Long> msg) {
    List<String> stale = failed() ? List.of() : staleCandidates(msg.body() / 1000d, EntryCodec.MAX_TICK_NODES);
    msg.reply(new JsonObject().put("started", clusterStarted).put("stale", new io.vertx.core.json.JsonArray(stale)));
  }

  /**
   * Applies the leader's liveness decision: the listed nodes that are still beating go
   * stale at the leader's time. Whether this member heard them more recently does not
   * matter (its record of that can differ after a restart): every member marks the same.
   */
  private List<Event> markStale(Committed.Tick tick, double now) {
    List<Event> events = new ArrayList<>();
    for (String n : tick.stale()) {
      if (state.node(n).map(i -> i.status() == NodeInfo.Liveness.BEATING).orElse(false)) {
        LOG.info("node {} is stale: the leader heard nothing for {}", LogText.escape(n), Durations.format(options.hbTimeout()));
        events.addAll(state.markStale(n, now));
      }
    }
    return events;
  }


  // --- admin --------------------------------------------------------------

  private void onForget(Message<String> msg) {
    onAdmin(msg, node -> forget(node, now()));
  }

  private void onAskFull(Message<String> msg) {
    onAdmin(msg, node -> {
      askFullByOperator(node);
      return List.of();
    });
  }

  /** An operator's change to a known node: replies the id of the last event once durable; 404 for an unknown node. */
  private void onAdmin(Message<String> msg, java.util.function.Function<String, List<Event>> change) {
    String node = msg.body();
    if (state.node(node).isEmpty()) {
      msg.fail(404, "unknown node " + node);
      return;
    }
    if (failed()) {
      msg.fail(503, historyFailed());
      return;
    }
    commit(change.apply(node), System.nanoTime()).onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(ar.result());
      } else {
        msg.fail(503, ar.cause().getMessage());
      }
    });
  }

  /** Forgets a known node at {@code now} (docs/api.md, DELETE /api/nodes/{node}); its events. */
  private List<Event> forget(String node, double now) {
    List<Event> events = state.forget(node, now);
    metrics.forgetNode(node);
    LOG.info("node {} forgotten", LogText.escape(node));
    return events;
  }

  /** Marks a known node as needing a full, as an operator asked, and tells the ingest doors. */
  private void askFullByOperator(String node) {
    state.markNeedsFull(node);
    askFull(node, "asked by an operator");
  }

  // --- cluster mode: committed Raft entries ----------------------------------

  /**
   * A committed entry, in log order. It is applied as soon as the history has room
   * for what it can make; until then it waits here, and so do the entries after it
   * (never refused: it is committed; the Raft side bounds the entries in flight).
   */
  private void onCommitted(Message<Committed> msg) {
    held.add(msg);
    drainCommitted();
  }

  /** Applies the held entries in order, while the history has room for them. */
  private void drainCommitted() {
    while (!held.isEmpty() && !adopting) {
      Committed c = held.peek().body();
      if (!failed()) {
        if (!clusterStarted) {
          adoptEpoch(c);
          return;
        }
        if (pendingDurable >= options.maxPendingDurable() || !history.canAccept(mostEventsOf(c))) {
          return; // again when an append completes
        }
      }
      applyCommitted(held.poll());
    }
  }

  /**
   * The first entry a fresh member applies decides the history's epoch, the same on
   * every member: a name-based UUID of that entry's term, index and leader time. The
   * state is rebuilt with it (and {@code gateway.started} at the leader's time), and
   * the entry applies after the start is announced.
   */
  private void adoptEpoch(Committed c) {
    adopting = true;
    String epoch = UUID.nameUUIDFromBytes(("svcgate-epoch:" + c.term() + ":" + c.index() + ":" + c.leaderMillis())
        .getBytes(StandardCharsets.UTF_8)).toString();
    Future<Void> adopted;
    try {
      adopted = Future.fromCompletionStage(history.adoptEpoch(epoch), context);
    } catch (RuntimeException e) {
      adopted = Future.failedFuture(e);
    }
    adopted.onComplete(ar -> {
      adopting = false;
      if (ar.failed()) {
        if (unrecorded == null) {
          unrecorded = ar.cause();
          LOG.error("writing the cluster's epoch to the history failed: this member is DOWN until restarted",
              ar.cause());
        }
      } else {
        state = fresh.build(epoch, c.leaderMillis() / 1000d);
        clusterStarted = true;
        startPending = true;
        LOG.info("cluster history started: epoch {} (entry {} of term {})", epoch, c.index(), c.term());
      }
      drainCommitted();
    });
  }

  /** The most events a committed entry can make (see {@link #mostEventsOf(HeartbeatMessage)}). */
  private int mostEventsOf(Committed c) {
    if (c.command() instanceof Committed.Heartbeat h) {
      return mostEventsOf(h.message());
    }
    if (c.command() instanceof Committed.Tick t) {
      return 2 * t.stale().size() + 1;
    }
    if (c.command() instanceof Committed.Batch b) {
      int most = 0;
      for (HeartbeatMessage hb : b.messages()) {
        most += mostEventsOf(hb);
      }
      return most;
    }
    return 4;
  }

  private String nodenameOf(Committed c) {
    Committed.Command cmd = c.command();
    if (cmd instanceof Committed.Heartbeat h) {
      return h.message().nodename();
    } else if (cmd instanceof Committed.Forget f) {
      return f.nodename();
    } else if (cmd instanceof Committed.AskFull a) {
      return a.nodename();
    }
    return state.gatewayNodename();
  }

  /**
   * Applies one committed entry at the leader's time, never refusing it for a local
   * reason, records its changes with its (term, index) in one write, and answers an
   * {@link ApplyReply} once durable: a heartbeat as {@link Addresses#APPLY} would
   * (202, 400, 403, 409, 413), a forget or ask-full 200 (404 for an unknown node,
   * which changes nothing), a tick 200. 503 only when the history cannot be written
   * (the member is DOWN; nothing is applied).
   */
  private void applyCommitted(Message<Committed> msg) {
    long received = System.nanoTime();
    Committed c = msg.body();
    String node = nodenameOf(c);
    if (failed()) {
      reply(msg, new ApplyReply(503, state.lastId(), node, 0, historyFailed()));
      return;
    }
    double now = c.leaderMillis() / 1000d;
    List<Event> events = new ArrayList<>();
    if (startPending) {
      startPending = false;
      events.addAll(state.start(now));
    }
    Committed.Command cmd = c.command();
    if (cmd instanceof Committed.Batch b) {
      applyBatch(msg, b, now, events, received);
      return;
    }
    ApplyReply r;
    if (cmd instanceof Committed.Heartbeat h) {
      metrics.heartbeatReceived(node, h.message().kind());
      r = applyMessage(h.message(), now, events);
    } else if (cmd instanceof Committed.Forget) {
      if (state.node(node).isEmpty()) {
        r = new ApplyReply(404, 0, node, 0, "unknown node " + node);
      } else {
        events.addAll(forget(node, now));
        r = new ApplyReply(200, 0, node, 0, null);
      }
    } else if (cmd instanceof Committed.AskFull) {
      if (state.node(node).isEmpty()) {
        r = new ApplyReply(404, 0, node, 0, "unknown node " + node);
      } else {
        askFullByOperator(node);
        r = new ApplyReply(200, 0, node, 0, null);
      }
    } else {
      events.addAll(markStale((Committed.Tick) cmd, now));
      r = new ApplyReply(200, 0, node, 0, null);
    }
    commit(events, received, new RaftPosition(c.term(), c.index())).onComplete(ar -> {
      if (ar.succeeded()) {
        reply(msg, new ApplyReply(r.status(), ar.result(), r.nodename(), r.merged(), r.error()));
      } else {
        reply(msg, new ApplyReply(503, state.lastId(), node, merged(node), ar.cause().getMessage()));
      }
    });
  }

  /**
   * A batch entry: its messages apply in order at the leader's time, each exactly as
   * its own heartbeat entry would (a refused one refuses only itself), and the whole
   * entry's changes are recorded with its (term, index) in one write. Answers an
   * {@link ApplyReply.Batch} once durable: one reply per message, each with the id of
   * the last event once that message applied; or one 503 {@link ApplyReply} when the
   * history cannot be written (the member is DOWN).
   */
  private void applyBatch(Message<Committed> msg, Committed.Batch batch, double now, List<Event> events,
                          long received) {
    Committed c = msg.body();
    List<ApplyReply> replies = new ArrayList<>(batch.messages().size());
    for (HeartbeatMessage hb : batch.messages()) {
      metrics.heartbeatReceived(hb.nodename(), hb.kind());
      ApplyReply r = applyMessage(hb, now, events);
      replies.add(new ApplyReply(r.status(), state.lastId(), r.nodename(), r.merged(), r.error()));
    }
    commit(events, received, new RaftPosition(c.term(), c.index())).onComplete(ar -> {
      if (ar.succeeded()) {
        reply(msg, new ApplyReply.Batch(replies));
      } else {
        reply(msg, new ApplyReply(503, state.lastId(), nodenameOf(c), 0, ar.cause().getMessage()));
      }
    });
  }

  /** Whether changes can no longer be recorded: a history write failed, or an append after its changes were applied. */
  private boolean failed() {
    return unrecorded != null || history.failure().isPresent();
  }

  private String historyFailed() {
    Throwable why = history.failure().orElse(unrecorded);
    return "the gateway cannot record changes: writing the history failed ("
        + (why == null ? "?" : why.getMessage()) + "); it is DOWN until restarted";
  }

  /**
   * Options of the state verticle.
   *
   * @param snapshotEvery    events between two state snapshots
   * @param snapshotInterval longest time between two snapshots while the state changes (zero: none by time)
   * @param filterMaxCost    work one evaluation of a filter or condition may do ({@link FilterBudget}), and
   *                         about the most that re-evaluating waits does in one turn of the event loop
   * @param clustered        a Raft cluster member: changes come only from committed entries
   *                         ({@link Addresses#APPLY_COMMITTED}); {@link Addresses#APPLY}, {@link Addresses#FORGET}
   *                         and {@link Addresses#ASK_FULL} are left to the cluster's ingest, and there is no
   *                         local liveness timer (the leader's committed ticks decide)
   */
  public record StateOptions(String nodename, Duration hbTimeout, Duration waitMax, int maxWaits,
                             int maxPendingDurable, long snapshotEvery, Duration snapshotInterval,
                             boolean publishJson, long filterMaxCost, boolean clustered) {

    /** Options of a single gateway (not {@code clustered}). */
    public StateOptions(String nodename, Duration hbTimeout, Duration waitMax, int maxWaits,
                        int maxPendingDurable, long snapshotEvery, Duration snapshotInterval,
                        boolean publishJson, long filterMaxCost) {
      this(nodename, hbTimeout, waitMax, maxWaits, maxPendingDurable, snapshotEvery, snapshotInterval, publishJson,
          filterMaxCost, false);
    }
  }


  /** For tests: the reason label of an invalid message. */
  static String reason(InvalidMessageException e) {
    return e.reason();
  }
}
