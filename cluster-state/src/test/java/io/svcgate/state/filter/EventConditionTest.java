package io.svcgate.state.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.svcgate.state.Event;
import io.svcgate.state.Json;
import io.svcgate.state.Path;
import io.svcgate.state.Stanza;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventConditionTest {

  private static final Event FREEZE = Event.event(7, 1764147001.234, "n1",
      Json.NODES.objectNode().put("id", "node_freeze").put("reason", "user"));
  private static final Event PATCH = Event.patch(8, 1764147001.5, "n1",
      List.of(Stanza.set(Path.of("monitor", "nodes", "n1", "frozen"), Json.NODES.numberNode(0))));

  @Test
  void allConditionsMustHoldOnTheEnvelope() {
    EventCondition c = EventCondition.parse(List.of("kind=event", "data.id=node_freeze"));
    assertThat(c.test(FREEZE)).isTrue();
    assertThat(c.test(PATCH)).isFalse();
    assertThat(EventCondition.parse(List.of("kind=event", "data.id=node_thaw")).test(FREEZE)).isFalse();
    assertThat(EventCondition.parse(List.of("id>6", "ts>=1764147001.234", "nodename=n1")).test(FREEZE)).isTrue();
    assertThat(EventCondition.parse(List.of("ts>1764147001.234")).test(FREEZE)).isFalse();
    assertThat(EventCondition.parse(List.of("data[*][0][-1]=frozen")).test(PATCH)).isTrue();
    assertThat(EventCondition.parse(List.of("data[0][1]=0", "kind=patch")).test(PATCH)).isTrue();
    assertThat(EventCondition.ANY.test(PATCH)).isTrue();
    assertThat(EventCondition.of(List.of()).isEmpty()).isTrue();
  }

  @Test
  void aBadConditionIsASyntaxError() {
    assertThatThrownBy(() -> EventCondition.parse(List.of("kind=event", "data..=x")))
        .isInstanceOf(FilterSyntaxException.class)
        .hasMessageStartingWith("at position 6:");
  }
}
