package io.svcgate.gateway.http;

import io.svcgate.gateway.Addresses;
import io.svcgate.state.Event;
import io.svcgate.state.history.EventLog;
import io.svcgate.state.history.HistoryGoneException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live event feed of one HTTP verticle: one local consumer of
 * {@link Addresses#EVENT_FEED} fanned out to its subscribers, and the replay from the
 * history that lets a subscriber start after any id with no gap and no duplicate.
 *
 * <p>A subscriber is registered before its replay begins: what is published
 * meanwhile is held (bounded) and delivered after the replay, skipping ids the
 * replay already delivered. Events are appended to the history before they are
 * published, so the replay plus the held events cover every id. Runs on the
 * owning verticle's event loop; history pages are read on a worker.
 */
final class EventFeed {

  private static final Logger LOG = LoggerFactory.getLogger(EventFeed.class);
  private static final int PAGE = 1000;

  private final Vertx vertx;
  private final Context context;
  private final EventLog log;
  private final int maxHeld;
  private final Set<Cursor> cursors = new LinkedHashSet<>();
  private MessageConsumer<Event> consumer;
  private long lastId;
  private boolean flushPending;

  EventFeed(Vertx vertx, Context context, EventLog log, int maxHeld) {
    this.vertx = vertx;
    this.context = context;
    this.log = log;
    this.maxHeld = maxHeld;
    this.lastId = log.lastId();
  }

  Future<Void> start() {
    consumer = vertx.eventBus().localConsumer(Addresses.EVENT_FEED, m -> dispatch(m.body()));
    return consumer.completion();
  }

  Future<Void> stop() {
    for (Cursor c : new ArrayList<>(cursors)) {
      c.sub.end("gateway stopping");
    }
    cursors.clear();
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /** The id of the last event this feed saw. */
  long lastId() {
    return Math.max(lastId, log.lastId());
  }

  int size() {
    return cursors.size();
  }

  private void dispatch(Event e) {
    lastId = e.id();
    for (Cursor c : new ArrayList<>(cursors)) {
      c.deliver(e);
    }
    // Write once per turn of the event loop: the events already queued for this
    // context (a burst) are delivered before the flush runs, and go out together.
    if (!flushPending && !cursors.isEmpty()) {
      flushPending = true;
      context.runOnContext(v -> flushAll());
    }
  }

  private void flushAll() {
    flushPending = false;
    for (Cursor c : new ArrayList<>(cursors)) {
      if (!c.closed) {
        c.sub.flush();
      }
    }
  }

  /**
   * Subscribes from after {@code after} (replay then live), or from now when
   * {@code after} is negative.
   *
   * @return a handle to unsubscribe
   */
  Runnable subscribe(Subscriber sub, long after) {
    Cursor c = new Cursor(sub);
    cursors.add(c);
    if (after < 0) {
      c.last = lastId();
      c.live = true;
    } else {
      c.last = after;
      c.replay();
    }
    return () -> cursors.remove(c);
  }

  private final class Cursor {
    final Subscriber sub;
    long last;
    boolean live;
    boolean closed;
    final ArrayDeque<Event> held = new ArrayDeque<>();

    Cursor(Subscriber sub) {
      this.sub = sub;
    }

    void deliver(Event e) {
      if (closed) {
        return;
      }
      if (!live) {
        if (held.size() >= maxHeld) {
          // The subscriber cannot catch up: its replay lags the live feed by more than it may buffer.
          close();
          sub.end("slow consumer");
          return;
        }
        held.add(e);
        return;
      }
      if (e.id() <= last) {
        return;
      }
      last = e.id();
      if (!sub.offer(e)) {
        close();
      }
    }

    void close() {
      closed = true;
      held.clear();
      cursors.remove(this);
    }

    void replay() {
      if (closed) {
        return;
      }
      if (!sub.ready()) {
        sub.onReady(this::replay);
        return;
      }
      long from = last;
      vertx.<List<Event>>executeBlocking(() -> log.readAfter(from, PAGE), false).onComplete(ar -> {
        if (closed) {
          return;
        }
        if (ar.failed()) {
          close();
          if (ar.cause() instanceof HistoryGoneException g) {
            sub.gone(g.oldest(), g.last());
          } else {
            LOG.warn("history read after {} failed", from, ar.cause());
            sub.end("history read failed");
          }
          return;
        }
        List<Event> page = ar.result();
        for (Event e : page) {
          if (e.id() <= last) {
            continue;
          }
          last = e.id();
          if (!sub.offer(e)) {
            close();
            return;
          }
        }
        sub.flush();
        if (page.size() == PAGE) {
          replay();
          return;
        }
        live = true;
        while (!held.isEmpty() && !closed) {
          deliver(held.poll());
        }
        if (!closed) {
          sub.flush();
        }
      });
    }
  }
}
