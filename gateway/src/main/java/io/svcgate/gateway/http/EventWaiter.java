package io.svcgate.gateway.http;

import io.svcgate.state.Event;
import io.svcgate.state.filter.Condition;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * A wait on events ({@code on=events}): satisfied by the first event whose
 * envelope meets every condition. Event-loop confined; completes once.
 */
final class EventWaiter implements Subscriber {

  private final List<Condition> conditions;
  private final BiConsumer<Boolean, Long> done;
  private long lastSeen;
  private boolean finished;

  /**
   * @param done called once with (satisfied, id at which it was decided)
   */
  EventWaiter(List<Condition> conditions, long start, BiConsumer<Boolean, Long> done) {
    this.conditions = conditions;
    this.lastSeen = start;
    this.done = done;
  }

  @Override
  public Taken offer(Event event) {
    if (finished) {
      return Taken.DONE;
    }
    lastSeen = event.id();
    var envelope = event.envelope();
    for (Condition c : conditions) {
      if (!c.test(envelope)) {
        return Taken.YES;
      }
    }
    finish(true, event.id());
    return Taken.DONE;
  }

  /** The deadline passed. */
  void timeout(long lastId) {
    finish(false, Math.max(lastSeen, lastId));
  }

  boolean finished() {
    return finished;
  }

  private void finish(boolean satisfied, long id) {
    if (!finished) {
      finished = true;
      done.accept(satisfied, id);
    }
  }

  @Override
  public boolean ready() {
    return !finished;
  }

  @Override
  public void onReady(Runnable resume) {
    // Never applies: an event wait holds no queue.
  }

  @Override
  public void gone(long oldest, long last) {
    finish(false, last);
  }

  @Override
  public void end(String reason) {
    finish(false, lastSeen);
  }
}
