package io.svcgate.state.filter;

import com.fasterxml.jackson.databind.JsonNode;
import io.svcgate.state.Event;
import java.util.ArrayList;
import java.util.List;

/**
 * Conditions on an event envelope ({@code {"id", "ts", "nodename", "kind", "data"}}),
 * all of which must hold for the same event: what {@code on=events} waits and
 * the {@code filter=} parameters of history and streams test
 * (e.g. {@code kind=event} and {@code data.id=node_freeze}). Immutable and thread-safe.
 */
public final class EventCondition {

  /** No condition: every event matches. */
  public static final EventCondition ANY = new EventCondition(List.of());

  private final List<Condition> conditions;

  private EventCondition(List<Condition> conditions) {
    this.conditions = conditions;
  }

  /** All of {@code conditions}; none matches every event. */
  public static EventCondition of(List<Condition> conditions) {
    return conditions.isEmpty() ? ANY : new EventCondition(List.copyOf(conditions));
  }

  /**
   * Parses each condition.
   *
   * @throws FilterSyntaxException for the first that does not parse
   */
  public static EventCondition parse(List<String> conditions) {
    List<Condition> out = new ArrayList<>(conditions.size());
    for (String c : conditions) {
      out.add(Condition.parse(c));
    }
    return of(out);
  }

  /** True when every condition holds on the event's envelope. */
  public boolean test(Event event) {
    return conditions.isEmpty() || test(event.envelope());
  }

  /** True when every condition holds on {@code envelope}. */
  public boolean test(JsonNode envelope) {
    for (Condition c : conditions) {
      if (!c.test(envelope)) {
        return false;
      }
    }
    return true;
  }

  /** The conditions, in the order given. */
  public List<Condition> conditions() {
    return conditions;
  }

  /** True when there is no condition. */
  public boolean isEmpty() {
    return conditions.isEmpty();
  }

  @Override
  public String toString() {
    return conditions.toString();
  }
}
