package io.svcgate.gateway.http;

import io.svcgate.state.Event;

/**
 * One consumer of the event feed: a stream connection or an event wait. Called on
 * the event loop of the HTTP verticle that owns it.
 */
interface Subscriber {

  /**
   * Takes one event with an id greater than any given before. Returns false when
   * the subscriber is done and must be removed.
   */
  boolean offer(Event event);

  /**
   * Writes out what {@link #offer} queued. The feed calls it once after a run of
   * offers (all the events the event loop had for it in one turn, or a replayed
   * page), so a subscriber writes several events in one go rather than one write
   * per event.
   */
  default void flush() {
  }

  /** True when the subscriber can take more replayed events now. */
  boolean ready();

  /** Calls {@code resume} once when {@link #ready()} becomes true again. */
  void onReady(Runnable resume);

  /** The history no longer holds the events it asked for. */
  void gone(long oldest, long last);

  /** Ends the subscriber (gateway shutdown or failure). */
  void end(String reason);
}
