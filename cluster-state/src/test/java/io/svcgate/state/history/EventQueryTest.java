package io.svcgate.state.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.svcgate.state.Event;
import io.svcgate.state.Json;
import io.svcgate.state.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventQueryTest {

  private static final Event N1_FROZEN = Events.patch(1, "n1", Path.of("monitor", "nodes", "n1", "frozen"));
  private static final Event N2_SVC = Events.patch(2, "n2",
      Path.of("monitor", "nodes", "n2", "services", "status", "ns1/svc/web", "avail"),
      Path.of("monitor", "nodes", "n2", "stats", "score"));
  private static final Event N1_FREEZE = Events.event(3, "n1", "node_freeze", null);
  private static final Event WEB_STARTED = Events.event(4, "n2", "instance_started", "ns1/svc/web");
  private static final Event DB_STARTED = Events.event(5, "n2", "instance_started", "ns1/svc/db");
  private static final Event OLD_AGENT = Event.event(6, 1764147006, "n3",
      Json.NODES.objectNode().put("id", "instance_started").put("svcname", "ns1/svc/web"));
  private static final Event LIST_PATCH = Events.patch(7, "n1", Path.of("cluster", "nodes", 2));
  private static final List<Event> ALL = List.of(N1_FROZEN, N2_SVC, N1_FREEZE, WEB_STARTED, DB_STARTED, OLD_AGENT,
      LIST_PATCH);

  private static List<Long> select(Map<String, List<String>> params) {
    EventQuery q = EventQuery.parse(params);
    return ALL.stream().filter(q::test).map(Event::id).toList();
  }

  @Test
  void noFilterSelectsEverything() {
    assertThat(select(Map.of())).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
    assertThat(EventQuery.parse(Map.of("after", List.of("3"), "limit", List.of("9"))).isAll()).isTrue();
    assertThat(EventQuery.ALL.isAll()).isTrue();
  }

  @Test
  void kind() {
    assertThat(select(Map.of("kind", List.of("patch")))).containsExactly(1L, 2L, 7L);
    assertThat(select(Map.of("kind", List.of("event")))).containsExactly(3L, 4L, 5L, 6L);
    assertThat(select(Map.of("kind", List.of("event", "patch")))).hasSize(7);
    assertThatThrownBy(() -> EventQuery.parse(Map.of("kind", List.of("full"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("kind must be patch or event, got 'full'");
  }

  @Test
  void nodename() {
    assertThat(select(Map.of("nodename", List.of("n1")))).containsExactly(1L, 3L, 7L);
    assertThat(select(Map.of("nodename", List.of("n1", "n3")))).containsExactly(1L, 3L, 6L, 7L);
    assertThat(select(Map.of("nodename", List.of("nX")))).isEmpty();
    assertThatThrownBy(() -> EventQuery.parse(Map.of("nodename", List.of(""))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("nodename= must not be empty");
  }

  @Test
  void eventIdsAreRepeatableAndOnlyMatchEvents() {
    assertThat(select(Map.of("eventid", List.of("node_freeze")))).containsExactly(3L);
    assertThat(select(Map.of("eventid", List.of("node_freeze", "instance_started")))).containsExactly(3L, 4L, 5L, 6L);
    assertThat(select(Map.of("eventid", List.of("frozen")))).isEmpty();
    assertThatThrownBy(() -> EventQuery.parse(Map.of("eventid", List.of("node_freeze"), "kind", List.of("patch"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot be combined with kind=patch");
  }

  @Test
  void pathIsAnObjectPathForEventsAndAPrefixForPatches() {
    assertThat(select(Map.of("path", List.of("ns1/svc/web")))).as("events only: not a document path").containsExactly(4L, 6L);
    assertThat(select(Map.of("path", List.of("monitor.nodes.n1")))).containsExactly(1L);
    assertThat(select(Map.of("path", List.of("/monitor/nodes/n2")))).containsExactly(2L);
    assertThat(select(Map.of("path", List.of("monitor.nodes.n2.services.status.'ns1/svc/web'")))).containsExactly(2L);
    assertThat(select(Map.of("path", List.of("/monitor/nodes/n2/services/status/ns1~1svc~1web/avail")))).containsExactly(2L);
    assertThat(select(Map.of("path", List.of("monitor.nodes")))).containsExactly(1L, 2L);
    assertThat(select(Map.of("path", List.of("monitor.nodes.*.frozen")))).containsExactly(1L);
    assertThat(select(Map.of("path", List.of("monitor.nodes.n1.frozen.x")))).as("stanza path must start with it").isEmpty();
    assertThat(select(Map.of("path", List.of("monitor.nodes.n")))).isEmpty();
    assertThat(select(Map.of("path", List.of("cluster.nodes[2]")))).containsExactly(7L);
    assertThat(select(Map.of("path", List.of("/cluster/nodes/2")))).containsExactly(7L);
    assertThat(select(Map.of("path", List.of("ns1/svc/web"), "kind", List.of("event"), "nodename", List.of("n2"))))
        .containsExactly(4L);
    assertThatThrownBy(() -> EventQuery.parse(Map.of("path", List.of("ns1/svc/web"), "kind", List.of("patch"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("path 'ns1/svc/web' is not a document path for patches: at position 3:");
    assertThatThrownBy(() -> EventQuery.parse(Map.of("path", List.of("cluster.nodes[-1]"), "kind", List.of("patch"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at position 14: a negative index");
    assertThatThrownBy(() -> EventQuery.parse(Map.of("path", List.of("a", "b"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("path= may be given once, got 2 values");
  }

  @Test
  void filterConditionsOnTheEnvelopeMustAllHold() {
    assertThat(select(Map.of("filter", List.of("kind=event", "data.id=node_freeze")))).containsExactly(3L);
    assertThat(select(Map.of("filter", List.of("data.id~^instance_", "nodename!=n3")))).containsExactly(4L, 5L);
    assertThat(select(Map.of("filter", List.of("id>=6")))).containsExactly(6L, 7L);
    assertThat(select(Map.of("filter", List.of("data[*][0][2]=n2")))).containsExactly(2L);
    assertThatThrownBy(() -> EventQuery.parse(Map.of("filter", List.of("kind=event", "data.id=a=b"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("filter 'data.id=a=b': at position 7:");
  }

  @Test
  void filtersCombine() {
    assertThat(select(Map.of("kind", List.of("event"), "nodename", List.of("n2"), "eventid", List.of("instance_started"),
        "filter", List.of("data.path~db")))).containsExactly(5L);
    EventQuery q = EventQuery.builder().kind("patch").nodename("n1").path("monitor.nodes.n1").build();
    assertThat(ALL.stream().filter(q::test).map(Event::id)).containsExactly(1L);
    assertThat(q.isAll()).isFalse();
  }
}
