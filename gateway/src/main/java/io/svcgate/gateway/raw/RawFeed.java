package io.svcgate.gateway.raw;

import io.svcgate.gateway.Addresses;
import io.svcgate.state.Event;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The live events for the raw listener: one local consumer of
 * {@link Addresses#EVENT_FEED} (durable events, in id order) handed to each
 * {@code events} stream and each {@code wait} of the listener. Live only: OpenSVC's
 * clients never ask for a replay. Confined to the listener's event loop.
 *
 * <p>The feed's ids follow each other. When one does not (a cluster member reloaded its
 * history from a Raft snapshot: the events in between were loaded, never published),
 * {@code onGap} runs before that event is handed to anyone, so that streams following
 * the feed end rather than skip events silently.
 */
final class RawFeed {

  private final Vertx vertx;
  private final Runnable onGap;
  private final Set<Consumer<Event>> subscribers = new LinkedHashSet<>();
  private MessageConsumer<Event> consumer;
  private long lastId;

  /** @param onGap runs when an event does not follow the last one seen (see above) */
  RawFeed(Vertx vertx, Runnable onGap) {
    this.vertx = vertx;
    this.onGap = onGap;
  }

  Future<Void> start() {
    consumer = vertx.eventBus().localConsumer(Addresses.EVENT_FEED, m -> dispatch(m.body()));
    return consumer.completion();
  }

  Future<Void> stop() {
    subscribers.clear();
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  private void dispatch(Event e) {
    if (lastId > 0 && e.id() != lastId + 1) {
      onGap.run();
    }
    lastId = e.id();
    for (Consumer<Event> s : new ArrayList<>(subscribers)) {
      s.accept(e);
    }
  }

  /** The id of the last event seen. */
  long lastId() {
    return lastId;
  }

  /** Hands every later event to {@code s}; returns the way to stop. */
  Runnable subscribe(Consumer<Event> s) {
    subscribers.add(s);
    return () -> subscribers.remove(s);
  }
}
