package io.svcgate.state.history;

import io.svcgate.state.Event;
import io.svcgate.state.Json;
import io.svcgate.state.Path;
import io.svcgate.state.Stanza;
import java.util.List;

/** Test events. */
final class Events {

  private Events() {
  }

  static Event patch(long id, String nodename, Path... paths) {
    return patchAt(id, 1764147000 + id, nodename, paths);
  }

  static Event patchAt(long id, double ts, String nodename, Path... paths) {
    List<Stanza> stanzas = java.util.Arrays.stream(paths)
        .map(p -> Stanza.set(p, Json.NODES.numberNode(id)))
        .toList();
    return Event.patch(id, ts, nodename, stanzas);
  }

  static Event event(long id, String nodename, String eventId, String objectPath) {
    var data = Json.NODES.objectNode().put("id", eventId);
    if (objectPath != null) {
      data.put("path", objectPath);
    }
    return Event.event(id, 1764147000 + id, nodename, data);
  }

  static Event nodeFreeze(long id) {
    return Events.patch(id, "n1", Path.of("monitor", "nodes", "n1", "frozen"));
  }
}
