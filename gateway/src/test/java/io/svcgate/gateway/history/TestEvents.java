package io.svcgate.gateway.history;

import io.svcgate.state.Event;
import io.svcgate.state.Json;
import io.svcgate.state.Path;
import io.svcgate.state.Stanza;
import java.util.ArrayList;
import java.util.List;

/** Realistic patch events of about 500 bytes, for the history tests and measurements. */
final class TestEvents {

  private TestEvents() {
  }

  /** One patch event with id {@code id}, made at {@code tsMicros}. */
  static Event patch(long id, long tsMicros) {
    String node = "node-" + (id % 50);
    String svc = "svc" + (id % 20);
    Path base = Path.of("cluster", "node", node, "services", "status", svc);
    List<Stanza> stanzas = List.of(
        Stanza.set(base.child("avail"), Json.NODES.textNode(id % 2 == 0 ? "up" : "warn")),
        Stanza.set(base.child("overall"), Json.NODES.textNode("up")),
        Stanza.set(base.child("updated_at"), Json.NODES.textNode("2025-11-26T08:50:01." + (id % 1000) + "Z")),
        Stanza.set(base.concat(Path.of("resources", "fs#1", "label")),
            Json.NODES.textNode("xfs /dev/mapper/vg0-" + svc + "_data@/srv/" + svc + "/data")),
        Stanza.set(base.concat(Path.of("resources", "app#1", "log")),
            Json.NODES.textNode("checked /var/run/" + svc + ".pid: alive")));
    return Event.patch(id, tsMicros / 1_000_000d, node, stanzas);
  }

  /** Events {@code from..to} (inclusive), all made at {@code tsMicros}. */
  static List<Event> range(long from, long to, long tsMicros) {
    List<Event> out = new ArrayList<>((int) (to - from + 1));
    for (long id = from; id <= to; id++) {
      out.add(patch(id, tsMicros));
    }
    return out;
  }
}
