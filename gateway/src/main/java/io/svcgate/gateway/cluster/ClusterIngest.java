package io.svcgate.gateway.cluster;

import io.svcgate.gateway.Addresses;
import io.svcgate.gateway.metrics.GatewayMetrics;
import io.svcgate.gateway.state.ApplyReply;
import io.svcgate.state.HeartbeatMessage;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In cluster mode, the consumer of {@link Addresses#APPLY}, {@link Addresses#FORGET}
 * and {@link Addresses#ASK_FULL} in place of the state verticle (docs/clustering.md,
 * "Path of one heartbeat"): every change goes through the Raft log.
 *
 * <p>Admission is bounded: with {@code ingest.max-pending} proposals of this member
 * not yet answered by the group, the next is refused at once with 503. A proposal
 * is answered as the state verticle answered it (the same status and id on every
 * member) once a majority committed it and this member applied it; when the group
 * does not commit it within {@code cluster.request-timeout} (no leader, no majority
 * reachable) the answer is 503 {@code no quorum …}. On the leader, a periodic tick
 * carries the leader's clock for liveness (stale nodes).
 *
 * <p>Heartbeats are group-committed: at most {@value #IN_FLIGHT_ENTRIES} heartbeat
 * entries of this member are in flight; a heartbeat arriving with fewer in flight is
 * proposed at once (alone, in a heartbeat entry, or with those queued, in one batch
 * entry of at most {@link EntryCodec#MAX_BATCH_MESSAGES} messages and
 * {@link EntryCodec#MAX_BATCH_BYTES} bytes); otherwise it queues (counted against
 * {@code ingest.max-pending}) until an entry is answered. No timer delays a proposal.
 * A queued heartbeat not proposed within {@code cluster.request-timeout} is answered
 * 503 {@code no quorum …}.
 */
public final class ClusterIngest extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterIngest.class);
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final RaftMember member;
  private final GatewayMetrics metrics;
  private final int maxPending;
  private final long timeoutMillis;
  private final long tickMillis;
  /** Heartbeat entries of this member proposed and not yet answered by the group, at most. */
  static final int IN_FLIGHT_ENTRIES = 3;

  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  /** Heartbeats waiting for an entry, in arrival order. */
  private final java.util.ArrayDeque<Waiting> queue = new java.util.ArrayDeque<>();
  private int inFlight;
  private int pending;
  private boolean ticking;
  private long timer = -1;

  /**
   * @param maxPending proposals of this member not yet answered by the group, at most ({@code ingest.max-pending})
   */
  public ClusterIngest(RaftMember member, GatewayMetrics metrics, int maxPending, ClusterOptions options) {
    this.member = member;
    this.metrics = metrics;
    this.maxPending = maxPending;
    this.timeoutMillis = options.requestTimeout().toMillis();
    this.tickMillis = options.tickMillis();
  }

  @Override
  public Future<?> start() {
    var bus = vertx.eventBus();
    consumers.add(bus.<HeartbeatMessage>localConsumer(Addresses.APPLY, this::onApply));
    consumers.add(bus.<String>localConsumer(Addresses.FORGET, m -> onAdmin(m, new Committed.Forget(m.body()))));
    consumers.add(bus.<String>localConsumer(Addresses.ASK_FULL, m -> onAdmin(m, new Committed.AskFull(m.body()))));
    timer = vertx.setPeriodic(tickMillis, t -> tick());
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    for (Waiting w; (w = queue.poll()) != null; ) {
      w.msg().reply(new ApplyReply(503, 0, w.msg().body().nodename(), -1, "this member is stopping"), LOCAL_APPLY);
    }
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList());
  }

  /** A heartbeat waiting to be proposed: its message, its JSON, when it arrived. */
  private record Waiting(Message<HeartbeatMessage> msg, byte[] json, long since) {
  }

  private void onApply(Message<HeartbeatMessage> msg) {
    HeartbeatMessage hb = msg.body();
    if (pending >= maxPending) {
      metrics.heartbeatRefused("overloaded");
      msg.reply(new ApplyReply(503, 0, hb.nodename(), -1, "the gateway is busy, retry later"), LOCAL_APPLY);
      return;
    }
    pending++;
    queue.add(new Waiting(msg, io.svcgate.state.Json.bytes(hb.toJson()), System.nanoTime()));
    flush();
  }

  /** Proposes the queued heartbeats, as many entries as the in-flight bound allows. */
  private void flush() {
    while (inFlight < IN_FLIGHT_ENTRIES && !queue.isEmpty()) {
      List<Waiting> group = new ArrayList<>();
      int bytes = 0;
      while (!queue.isEmpty() && group.size() < EntryCodec.MAX_BATCH_MESSAGES
          && (group.isEmpty() || bytes + queue.peek().json().length <= EntryCodec.MAX_BATCH_BYTES)) {
        Waiting w = queue.poll();
        bytes += w.json().length;
        group.add(w);
      }
      proposeGroup(group);
    }
  }

  private void proposeGroup(List<Waiting> group) {
    inFlight++;
    CompletableFuture<List<ApplyReply>> f;
    if (group.size() == 1) {
      f = member.proposeRequest(EntryCodec.heartbeatRequest(group.get(0).json()), EntryCodec::reply)
          .thenApply(List::of);
    } else {
      f = member.proposeRequest(EntryCodec.batchRequest(group.stream().map(Waiting::json).toList()),
          r -> EntryCodec.replies(r).replies());
    }
    Future<List<ApplyReply>> answer = Future.fromCompletionStage(f, context);
    answer.onComplete(ar -> {
      inFlight--;
      pending -= group.size();
      flush();
    });
    answer.timeout(timeoutMillis, TimeUnit.MILLISECONDS).recover(t -> Future.failedFuture(noQuorum(t)))
        .onComplete(ar -> {
          for (int i = 0; i < group.size(); i++) {
            Message<HeartbeatMessage> msg = group.get(i).msg();
            if (ar.succeeded() && ar.result().size() == group.size()) {
              msg.reply(ar.result().get(i), LOCAL_APPLY);
            } else {
              String why = ar.failed() ? ar.cause().getMessage()
                  : "the group answered " + ar.result().size() + " replies for " + group.size() + " messages";
              msg.reply(new ApplyReply(503, 0, msg.body().nodename(), -1, why), LOCAL_APPLY);
            }
          }
        });
  }

  /** Answers 503 the queued heartbeats not proposed within the request timeout (the entries in flight hang). */
  private void expireQueued() {
    long now = System.nanoTime();
    while (!queue.isEmpty() && now - queue.peek().since() > TimeUnit.MILLISECONDS.toNanos(timeoutMillis)) {
      Waiting w = queue.poll();
      pending--;
      w.msg().reply(new ApplyReply(503, 0, w.msg().body().nodename(), -1,
          noQuorum(new TimeoutException()).getMessage()), LOCAL_APPLY);
    }
  }

  private static final DeliveryOptions LOCAL_APPLY = new DeliveryOptions()
      .setCodecName(io.svcgate.gateway.bus.LocalCodec.nameOf(ApplyReply.class));

  /** A forget or ask-full: replies the id of the last event, or fails with the status the state gave (404 unknown node). */
  private void onAdmin(Message<String> msg, Committed.Command command) {
    if (pending >= maxPending) {
      msg.fail(503, "the gateway is busy, retry later");
      return;
    }
    propose(command).onComplete(ar -> {
      if (ar.failed()) {
        msg.fail(503, ar.cause().getMessage());
      } else if (ar.result().status() / 100 == 2) {
        msg.reply(ar.result().id(), LOCAL);
      } else {
        msg.fail(ar.result().status(), ar.result().error());
      }
    });
  }

  /**
   * Proposes through the Raft member, counted against the admission bound until the
   * group answers (a proposal given up on still counts until then).
   */
  private Future<ApplyReply> propose(Committed.Command command) {
    pending++;
    CompletableFuture<ApplyReply> f = member.propose(command);
    Future<ApplyReply> answer = Future.fromCompletionStage(f, context);
    answer.onComplete(ar -> pending--);
    return answer.timeout(timeoutMillis, TimeUnit.MILLISECONDS).recover(t -> Future.failedFuture(noQuorum(t)));
  }

  private Exception noQuorum(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c && !(c instanceof StateMachineException)) {
      c = c.getCause();
    }
    if (c instanceof StateMachineException) {
      return new IllegalStateException("the group refused the entry: " + c.getMessage());
    }
    String why = t instanceof TimeoutException || c instanceof TimeoutException
        ? "not committed by a majority of the members within " + timeoutMillis + " ms"
        : c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
    return new IllegalStateException("no quorum: " + why + " (leader " + member.leader().orElse("unknown")
        + "): not acknowledged, retry later");
  }

  /**
   * On the leader only: its liveness decision (the nodes its own state finds not heard
   * from for {@code hb.timeout}), proposed as a tick entry when there is one to make, or
   * to start the cluster's history; and this member's URL until the group has it.
   */
  private void tick() {
    expireQueued();
    member.maybeAnnounce();
    if (!member.isLeaderReady() || ticking) {
      return;
    }
    ticking = true;
    vertx.eventBus().<JsonObject>request(Addresses.STALE_CANDIDATES, System.currentTimeMillis(), LOCAL)
        .compose(answer -> {
          JsonObject a = answer.body();
          List<String> stale = a.getJsonArray("stale").stream().map(String.class::cast).toList();
          if (stale.isEmpty() && a.getBoolean("started")) {
            return Future.<Void>succeededFuture(); // nothing to decide: no entry
          }
          return Future.fromCompletionStage(member.propose(new Committed.Tick(stale)), context).<Void>mapEmpty();
        })
        .onComplete(ar -> {
          ticking = false;
          if (ar.failed()) {
            LOG.debug("raft: tick not committed: {}", ar.cause().getMessage());
          }
        });
  }
}
