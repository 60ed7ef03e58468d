package io.svcgate.gateway.http;

import io.svcgate.state.Event;

/**
 * One consumer of the event feed: a stream connection or an event wait. Called on
 * the event loop of the HTTP verticle that owns it.
 */
interface Subscriber {

  /** What became of an offered event. */
  enum Taken {
    /** Taken (or skipped by the subscriber's filter); offer the next one. */
    YES,
    /**
     * Not taken: the subscriber's queue is full although it reads. The feed replays
     * from the history after {@link #resumeAfter()}, at the pace the subscriber takes.
     */
    BEHIND,
    /** The subscriber is done and must be removed. */
    DONE
  }

  /** Takes one event with an id greater than any given before. */
  Taken offer(Event event);

  /** The id after which the replay resumes when {@link #offer} answered {@link Taken#BEHIND}. */
  default long resumeAfter() {
    throw new UnsupportedOperationException("this subscriber never falls behind");
  }

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
