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
 */
final class RawFeed {

  private final Vertx vertx;
  private final Set<Consumer<Event>> subscribers = new LinkedHashSet<>();
  private MessageConsumer<Event> consumer;
  private long lastId;

  RawFeed(Vertx vertx) {
    this.vertx = vertx;
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
