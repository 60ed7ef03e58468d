package io.svcgate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.svcgate.gateway.sim.SimulatorVerticle.SimNode;
import io.svcgate.state.Json;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One simulated node's heartbeats for the load driver, made once and replayed
 * cheaply: a cycle of the node's full followed by {@code cycle} of its
 * heartbeats (patches, each maybe followed by a node event; now and then a ping,
 * after which the node sends a full), as {@link SimNode#next()} made them. Each message gets a fresh generation number
 * when it is taken, and the full at the start of every cycle brings the gateway's
 * copy of the node back to where the cycle's patches apply.
 *
 * <p>The first stanza of every patch is the node's {@code updated}; its value is
 * replaced by a marker string {@code "ts~<nanos>"} carrying
 * {@link System#nanoTime()} at the moment the message is taken, so a subscriber
 * finds the send time in the event ({@link #sentNanos}). Not thread-safe.
 */
public final class ReplayNode {

  private static final byte[] MARK = "\"ts~".getBytes(StandardCharsets.US_ASCII);

  /** One message taken from the stream. */
  public record Message(Buffer bytes, boolean generation, boolean full) {
  }

  private final String name;
  private final byte[] fullHead;
  private final byte[] patchHead;
  private final byte[] pingHead;
  private final byte[] fullData;
  private final List<Template> templates = new ArrayList<>();
  private long gen;
  private int pos;
  private String extraStanza;

  /** One heartbeat of the cycle: a patch (its stanzas after the first, maybe an event), a ping or a full. */
  private record Template(String kind, byte[] rest, byte[] event) {
  }

  /**
   * @param node  a fresh simulated node (its first message is a full)
   * @param cycle patches per cycle
   */
  public ReplayNode(SimNode node, int cycle) {
    this.name = node.name();
    ObjectNode full = node.next().get(0);
    String head = "{\"nodename\":" + quote(name) + ",\"kind\":\"%s\",\"gen\":{" + quote(name) + ":";
    this.fullHead = String.format(head, "full").getBytes(StandardCharsets.UTF_8);
    this.patchHead = String.format(head, "patch").getBytes(StandardCharsets.UTF_8);
    this.fullData = Json.bytes(full.get("data"));
    this.pingHead = String.format(head, "ping").getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < cycle; i++) {
      List<ObjectNode> msgs = node.next();
      ObjectNode first = msgs.get(0);
      String kind = first.get("kind").textValue();
      if (kind.equals("full")) {
        templates.add(new Template(kind, Json.bytes(first.get("data")), null));
        continue;
      }
      if (kind.equals("ping")) {
        templates.add(new Template(kind, Json.bytes(first.get("monitor")), null));
        continue;
      }
      JsonNode delta = first.get("deltas").elements().next();
      StringBuilder rest = new StringBuilder();
      for (int k = 1; k < delta.size(); k++) {
        rest.append(',').append(new String(Json.bytes(delta.get(k)), StandardCharsets.UTF_8));
      }
      byte[] event = msgs.size() > 1 ? Json.bytes(msgs.get(1)) : null;
      templates.add(new Template(kind, rest.toString().getBytes(StandardCharsets.UTF_8), event));
    }
  }

  /** Makes {@code nodes} replay nodes of the simulator's workload. */
  public static List<ReplayNode> cluster(String prefix, int nodes, int cycle, long seed) {
    List<ReplayNode> out = new ArrayList<>();
    for (SimNode s : Workload.nodes(prefix, nodes, seed)) {
      out.add(new ReplayNode(s, cycle));
    }
    return out;
  }

  public String name() {
    return name;
  }

  /**
   * Starts over: the next message is a full of generation {@code base + 1}. A base
   * above anything sent before (e.g. from the clock) lets a gateway that already
   * knows the node accept the new stream.
   */
  public void reset(long base) {
    gen = base;
    pos = 0;
  }

  /** The next message is a full (the gateway asked for one). */
  public void askFull() {
    pos = 0;
  }

  /** A stanza (JSON text, path relative to the node) added to the next patch only. */
  public void addToNextPatch(String stanzaJson) {
    this.extraStanza = stanzaJson;
  }

  /**
   * The messages of the next heartbeat: a full or a patch, and maybe a node event
   * after the patch.
   */
  public List<Message> next() {
    gen++;
    String g = Long.toString(gen);
    if (pos == 0) {
      pos = 1;
      Buffer b = Buffer.buffer(fullData.length + 100);
      b.appendBytes(fullHead);
      b.appendString(g).appendString("},\"data\":").appendBytes(fullData).appendString("}");
      return List.of(new Message(b, true, true));
    }
    Template t = templates.get(pos - 1);
    pos = pos == templates.size() ? 0 : pos + 1;
    if (t.kind.equals("full")) {
      Buffer b = Buffer.buffer(t.rest.length + 100);
      b.appendBytes(fullHead).appendString(g).appendString("},\"data\":").appendBytes(t.rest).appendString("}");
      return List.of(new Message(b, true, true));
    }
    if (t.kind.equals("ping")) {
      Buffer b = Buffer.buffer(t.rest.length + 100);
      b.appendBytes(pingHead).appendString(g).appendString("},\"monitor\":").appendBytes(t.rest).appendString("}");
      return List.of(new Message(b, false, false));
    }
    Buffer b = Buffer.buffer(t.rest.length + 160);
    b.appendBytes(patchHead);
    b.appendString(g).appendString("},\"deltas\":{\"").appendString(g).appendString("\":[[[\"updated\"],\"ts~")
        .appendString(Long.toString(System.nanoTime())).appendString("\"]").appendBytes(t.rest);
    if (extraStanza != null) {
      b.appendString(",").appendString(extraStanza);
      extraStanza = null;
    }
    b.appendString("]}}");
    Message patch = new Message(b, true, false);
    if (t.event == null) {
      return List.of(patch);
    }
    return List.of(patch, new Message(Buffer.buffer(t.event), false, false));
  }

  /**
   * The send time carried by the first marker in {@code bytes[from, to)}, or -1.
   * Scans for {@code "ts~} followed by digits.
   */
  public static long sentNanos(byte[] bytes, int from, int to) {
    outer:
    for (int i = from; i <= to - MARK.length; i++) {
      for (int k = 0; k < MARK.length; k++) {
        if (bytes[i + k] != MARK[k]) {
          continue outer;
        }
      }
      long v = 0;
      int j = i + MARK.length;
      boolean any = false;
      while (j < to && bytes[j] >= '0' && bytes[j] <= '9') {
        v = v * 10 + (bytes[j] - '0');
        j++;
        any = true;
      }
      return any ? v : -1;
    }
    return -1;
  }

  private static String quote(String s) {
    return new String(Json.bytes(Json.NODES.textNode(s)), StandardCharsets.UTF_8);
  }
}
