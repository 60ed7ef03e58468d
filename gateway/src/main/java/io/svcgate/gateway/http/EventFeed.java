package io.svcgate.gateway.http;

import io.svcgate.gateway.Addresses;
import io.svcgate.state.Event;
import io.svcgate.state.history.EventLog;
import io.svcgate.state.history.HistoryGoneException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
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
 * <p>A subscriber behind the live feed (it starts far back, or its queue filled while
 * it read slower than events came) reads the history page by page, each page bounded
 * in events and bytes and read only when the subscriber has written out the last one
 * ({@link Subscriber#ready()}): the replay follows the socket, however large the
 * backlog, and holds one page at most. Events published meanwhile are skipped (it
 * reads them from the history); once its replay reaches the last id this feed has
 * dispatched it is live again, and since events are appended to the history before
 * they are published, the history covers every id up to there. Runs on the owning
 * verticle's event loop; history pages are read on a worker.
 */
final class EventFeed {

  private static final Logger LOG = LoggerFactory.getLogger(EventFeed.class);
  /** Most events in one replayed page. */
  static final int PAGE = 1000;
  /** About the most bytes of envelopes in one replayed page (at least one event). */
  static final long PAGE_BYTES = 512 * 1024;

  private final Vertx vertx;
  private final Context context;
  private final EventLog log;
  private final Set<Cursor> cursors = new LinkedHashSet<>();
  private MessageConsumer<Event> consumer;
  private long lastId;
  private boolean flushPending;

  EventFeed(Vertx vertx, Context context, EventLog log) {
    this.vertx = vertx;
    this.context = context;
    this.log = log;
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
    return () -> {
      c.closed = true;
      cursors.remove(c);
    };
  }

  private final class Cursor {
    final Subscriber sub;
    /** The id of the last event offered (or skipped as already offered). */
    long last;
    boolean live;
    boolean closed;
    /** The replayed page being offered, or null; {@link #index} is the next to offer. */
    List<Event> page;
    int index;

    Cursor(Subscriber sub) {
      this.sub = sub;
    }

    void deliver(Event e) {
      if (closed) {
        return;
      }
      if (!live) {
        return;
      }
      if (e.id() <= last) {
        return;
      }
      last = e.id();
      switch (sub.offer(e)) {
        case DONE -> close();
        case BEHIND -> fallBehind();
        default -> { }
      }
    }

    void fallBehind() {
      live = false;
      page = null;
      last = sub.resumeAfter();
      replay();
    }

    void close() {
      closed = true;
      page = null;
      cursors.remove(this);
    }

    /** Goes on when the subscriber has written out what it holds (never re-entrant). */
    void whenReady() {
      sub.onReady(() -> context.runOnContext(v -> {
        if (page != null) {
          pump();
        } else {
          replay();
        }
      }));
    }

    /** Reads the next page, once the subscriber is ready for it. */
    void replay() {
      if (closed) {
        return;
      }
      if (!sub.ready()) {
        whenReady();
        return;
      }
      long from = last;
      vertx.<List<Event>>executeBlocking(() -> log.readAfter(from, PAGE, PAGE_BYTES), false).onComplete(ar -> {
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
        page = ar.result();
        index = 0;
        pump();
      });
    }

    /** Offers the page while the subscriber takes it; then the next page, or live. */
    void pump() {
      List<Event> p = page;
      if (closed || p == null) {
        return;
      }
      while (index < p.size()) {
        if (!sub.ready()) {
          whenReady();
          sub.flush();
          return;
        }
        Event e = p.get(index++);
        if (e.id() <= last) {
          continue;
        }
        last = e.id();
        switch (sub.offer(e)) {
          case DONE -> {
            close();
            return;
          }
          case BEHIND -> {
            fallBehind();
            return;
          }
          default -> { }
        }
      }
      page = null;
      sub.flush();
      if (closed) {
        return;
      }
      if (p.isEmpty() || last >= lastId) {
        // Everything this feed dispatched so far was in the history: what comes next is live.
        live = true;
      } else {
        replay();
      }
    }
  }
}
