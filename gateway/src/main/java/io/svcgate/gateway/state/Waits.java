package io.svcgate.gateway.state;

import com.fasterxml.jackson.databind.JsonNode;
import io.svcgate.gateway.log.LogText;
import io.svcgate.gateway.metrics.GatewayMetrics;
import io.svcgate.state.Path;
import io.svcgate.state.filter.Condition;
import io.svcgate.state.filter.FilterBudget;
import io.svcgate.state.filter.FilterBudgetException;
import io.svcgate.state.filter.WaitIndex;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pending waits on the state (docs/filters.md, "Waits"): each wait holds until its
 * condition holds on the document, or its time is up. A wait is answered at once when
 * its condition already holds; otherwise it is filed in a {@link WaitIndex} by the
 * paths its condition reads, and {@link #changed} re-evaluates only the waits a change
 * can affect, within a budget of work per turn ({@link #recheck}).
 *
 * <p>Not thread-safe: one thread (the state verticle's event loop) calls every method,
 * and the {@link Scheduler} runs its actions on that same thread. Nothing here knows
 * Vert.x: timers and deferred work go through the scheduler, answers through
 * {@link Reply}, the document through {@link Source}.
 */
public final class Waits {

  private static final Logger LOG = LoggerFactory.getLogger(Waits.class);

  /** Timers and deferred work on the owner's thread (in the gateway: the verticle's context). */
  public interface Scheduler {

    /** Runs {@code action} once after {@code delayMs}; returns an id for {@link #cancelTimer}. */
    long setTimer(long delayMs, Runnable action);

    /** Cancels a timer not run yet; does nothing for one already run. */
    void cancelTimer(long timer);

    /** Runs {@code action} later, after what is already queued on the owner's thread. */
    void runLater(Runnable action);
  }

  /** Where the state is read: the document and the id of the last event applied to it. */
  public interface Source {

    JsonNode document();

    long lastId();
  }

  /** How a wait is answered; exactly one of the two is called, once. */
  public interface Reply {

    /** The wait is decided: its condition held, or its time is up (or the gateway stops). */
    void answer(WaitResult result);

    /** The wait cannot be served: 400 (its condition costs too much), 503 (too many waits), 500. */
    void fail(int status, String message);
  }

  private final class PendingWait {
    final String wid;
    final Condition condition;
    final Reply reply;
    final long startNanos = System.nanoTime();
    WaitIndex.Registration<PendingWait> registration;
    long timer = -1;
    long decidedAt;
    /** In {@link #rechecks}; {@link #recheckAt} is the last event that touched it. */
    boolean queued;
    long recheckAt;

    PendingWait(String wid, Condition condition, Reply reply) {
      this.wid = wid;
      this.condition = condition;
      this.reply = reply;
    }
  }

  private final long filterMaxCost;
  private final Scheduler scheduler;
  private final Source source;
  private final GatewayMetrics metrics;
  private final WaitIndex<PendingWait> index;
  private final Map<String, PendingWait> byId = new HashMap<>();
  private final Set<PendingWait> all = new HashSet<>();
  /** Waits to re-evaluate after changes touched them, oldest first (each at most once). */
  private final ArrayDeque<PendingWait> rechecks = new ArrayDeque<>();
  private boolean recheckScheduled;

  /**
   * @param maxWaits      the most waits pending at once; past it a wait fails with 503
   * @param filterMaxCost work one evaluation of a condition may do ({@link FilterBudget}), and
   *                      about the most that re-evaluating waits does in one turn
   */
  public Waits(int maxWaits, long filterMaxCost, Scheduler scheduler, Source source, GatewayMetrics metrics) {
    this.index = new WaitIndex<>(maxWaits);
    this.filterMaxCost = filterMaxCost;
    this.scheduler = scheduler;
    this.source = source;
    this.metrics = metrics;
  }

  /** How many waits are pending. */
  public int pending() {
    return all.size();
  }

  /**
   * Starts a wait: answered now when {@code condition} holds (or {@code timeoutMs <= 0}),
   * else when a change makes it hold or after {@code timeoutMs}.
   *
   * @param wid the caller's id of the wait, to {@link #cancel} it; null when it cannot be cancelled
   */
  public void start(String wid, Condition condition, long timeoutMs, Reply reply) {
    PendingWait w = new PendingWait(wid, condition, reply);
    w.decidedAt = source.lastId();
    boolean holds;
    try {
      holds = condition.test(source.document(), FilterBudget.of(filterMaxCost));
    } catch (FilterBudgetException e) {
      reply.fail(400, e.getMessage());
      return;
    }
    if (holds) {
      finish(w, true);
      return;
    }
    if (timeoutMs <= 0) {
      finish(w, false);
      return;
    }
    try {
      w.registration = index.register(condition, w);
    } catch (RuntimeException e) {
      reply.fail(503, e.getMessage());
      return;
    }
    metrics.waiters(1);
    all.add(w);
    if (wid != null) {
      byId.put(wid, w);
    }
    w.timer = scheduler.setTimer(timeoutMs, () -> {
      w.timer = -1;
      w.decidedAt = source.lastId();
      finish(w, false);
    });
  }

  /** Drops the wait {@code wid} without an answer (its client went away); nothing when unknown. */
  public void cancel(String wid) {
    PendingWait w = byId.remove(wid);
    if (w != null) {
      release(w);
    }
  }

  /**
   * Re-evaluates, in order, the waits that a change of {@code touched} paths can affect,
   * the change ending at event {@code id}: a wait whose condition now holds is answered
   * as decided at {@code id}.
   */
  public void changed(long id, Collection<Path> touched) {
    if (touched.isEmpty() || index.size() == 0) {
      return;
    }
    for (PendingWait w : index.affected(touched)) {
      w.recheckAt = id;
      if (!w.queued) {
        w.queued = true;
        rechecks.add(w);
      }
    }
    recheck();
  }

  /** Answers every pending wait as not satisfied, at the current id (the gateway stops). */
  public void closeAll() {
    for (PendingWait w : new ArrayList<>(all)) {
      w.decidedAt = source.lastId();
      finish(w, false);
    }
  }

  /**
   * Re-evaluates the waits that changes touched, in order, spending at most about
   * {@code filterMaxCost} of work in one turn; the rest waits for the next turn
   * ({@link Scheduler#runLater}, queued behind whatever arrived meanwhile), so that many
   * waits on a busy path never hold the writer. Each evaluation has its own budget: a
   * wait whose condition costs more is answered with a 400.
   */
  private void recheck() {
    long spent = 0;
    while (!rechecks.isEmpty()) {
      if (spent >= filterMaxCost) {
        if (!recheckScheduled) {
          recheckScheduled = true;
          scheduler.runLater(() -> {
            recheckScheduled = false;
            recheck();
          });
        }
        return;
      }
      PendingWait w = rechecks.poll();
      w.queued = false;
      if (w.registration == null) {
        continue; // answered or cancelled meanwhile
      }
      FilterBudget budget = FilterBudget.of(filterMaxCost);
      try {
        if (w.condition.test(source.document(), budget)) {
          w.decidedAt = w.recheckAt;
          finish(w, true);
        }
      } catch (FilterBudgetException e) {
        fail(w, 400, "the wait's condition can no longer be evaluated: " + e.getMessage());
      } catch (RuntimeException e) {
        LOG.error("evaluating the wait on {} failed", LogText.escape(w.condition), e);
        fail(w, 500, "internal error evaluating the condition: " + e);
      }
      spent += budget.spent() + 1;
    }
  }

  private void release(PendingWait w) {
    if (w.registration != null) {
      w.registration.cancel();
      w.registration = null;
      metrics.waiters(-1);
    }
    if (w.timer >= 0) {
      scheduler.cancelTimer(w.timer);
      w.timer = -1;
    }
    if (w.wid != null) {
      byId.remove(w.wid);
    }
    all.remove(w);
  }

  private void fail(PendingWait w, int status, String why) {
    release(w);
    metrics.waitFinished(false, System.nanoTime() - w.startNanos);
    w.reply.fail(status, why);
  }

  private void finish(PendingWait w, boolean satisfied) {
    release(w);
    long nanos = System.nanoTime() - w.startNanos;
    metrics.waitFinished(satisfied, nanos);
    w.reply.answer(new WaitResult(satisfied, nanos / 1e9, w.decidedAt));
  }
}
