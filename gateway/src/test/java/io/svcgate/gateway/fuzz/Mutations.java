package io.svcgate.gateway.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.svcgate.state.Json;
import io.vertx.core.http.HttpMethod;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generators of hostile requests, each derived from a valid one: heartbeat messages
 * (full, patch, ping, event, batches) and reads (status, nodes, history, streams,
 * waits) with one or more things broken: JSON types, numbers, names, paths, nesting,
 * truncation, raw bytes, media types, methods, headers and filter strings.
 */
final class Mutations {

  /** Raw number tokens, written into the JSON text as they are. */
  static final List<String> NUMBERS = List.of("1e+3111111111111111", "92233721E+236854775808", "-1E-99999999999",
      "1E+9999", "1E+10000", "1e-400", "-0", "0.000000000000000000000000001", "123456789012345678901234567890",
      "9223372036854775808", "-9223372036854775809", "1.7976931348623157E309", "4.9e-325", "1e2147483648",
      "1" + "0".repeat(2000), "0." + "0".repeat(2000) + "1");
  static final List<String> NAMES = List.of("", " ", "n1", "N1", "a.b", "ns1/svc/web", "../../etc", "é", "日本",
      "\u0000", "\u0007bell", "\t", "\"q\"", "'", "a b", "$", "*", "[0]", "__proto__", "x".repeat(300),
      "\ud83d\ude00", "%zz", "a\nb", "nodename", "kind", "gen", "data");
  static final List<String> KINDS = List.of("full", "patch", "ping", "event", "FULL", "", "bogus", "delete");
  private static final String NUM_MARK = "@@NUM@@";

  private Mutations() {
  }

  // --- writes ---------------------------------------------------------------

  enum TreeMutation { NONE, TYPE, NUMBER, NAME, PATH, NEST, REMOVE, KIND, GEN }

  enum ByteMutation { NONE, TRUNCATE, FLIP, INVALID_UTF8, NUL, TWICE, EMPTY, BOM, HUGE }

  /** A write: a valid message or batch, mutated in its tree, then maybe in its bytes, sent in a mutated request. */
  static Arbitrary<FuzzRequest> writes() {
    Arbitrary<Integer> base = Arbitraries.integers().between(0, 5);
    Arbitrary<List<TreeMutation>> tree = Arbitraries.frequencyOf(
            Tuple.of(1, Arbitraries.just(TreeMutation.NONE)), Tuple.of(8, Arbitraries.of(TreeMutation.class)))
        .list().ofMinSize(1).ofMaxSize(3);
    Arbitrary<ByteMutation> bytes = Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.just(ByteMutation.NONE)), Tuple.of(4, Arbitraries.of(ByteMutation.class)));
    Arbitrary<List<Integer>> choices = Arbitraries.integers().between(0, Integer.MAX_VALUE).list().ofSize(12);
    Arbitrary<HttpMethod> method = Arbitraries.frequencyOf(
        Tuple.of(12, Arbitraries.just(HttpMethod.POST)),
        Tuple.of(1, Arbitraries.of(HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE, HttpMethod.GET,
            HttpMethod.OPTIONS, HttpMethod.HEAD)));
    Arbitrary<String> path = Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.just("/api/heartbeats")), Tuple.of(3, Arbitraries.just("/api/events")),
        Tuple.of(1, Arbitraries.of("/api/nodes/n1/ask-full", "/api/nodes/%zz/ask-full", "/api/heartbeats/",
            "/api/heartbeats?x=%zz", "/api//heartbeats", "/api/nodes/" + "x".repeat(300) + "/ask-full")));
    Arbitrary<String> contentType = Arbitraries.frequencyOf(
        Tuple.of(10, Arbitraries.just("application/json")),
        Tuple.of(3, Arbitraries.of("application/json; charset=utf-8", "APPLICATION/JSON", "application/json;",
            "application/json; charset=latin1", "text/plain", "text/plain; charset=utf-8",
            "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml",
            "application/jsonx", "application/*", "*/*", "", ";", "application/json, text/plain")),
        Tuple.of(1, Arbitraries.just(null)));
    return Combinators.combine(base, tree, bytes, choices, method, path, contentType, headers())
        .as((b, t, m, r, meth, p, ct, h) -> {
          JsonNode msg = message(b, r.get(0));
          for (int i = 0; i < t.size(); i++) {
            msg = mutate(msg, t.get(i), r.get(1 + i), r.get(4 + i));
          }
          String text = Json.compact(msg);
          String number = NUMBERS.get(r.get(7) % NUMBERS.size());
          text = text.replace("\"" + NUM_MARK + "\"", number);
          byte[] body = mutateBytes(text.getBytes(StandardCharsets.UTF_8), m, r.get(8), r.get(9));
          return new FuzzRequest(meth, p, ct, h, body, t + "/" + m);
        });
  }

  /** A valid message (or batch) of kind {@code which}. */
  static JsonNode message(int which, int r) {
    String node = "fz" + (r % 3);
    long gen = 1 + (r % 4);
    ObjectNode m = Json.NODES.objectNode().put("nodename", node);
    switch (which) {
      case 0 -> {
        m.put("kind", "full").set("gen", Json.NODES.objectNode().put(node, gen));
        ObjectNode data = m.putObject("data");
        data.put("frozen", 0).put("agent", "2.1").putObject("monitor").put("status", "idle");
        data.putObject("services").putObject("status").putObject("ns1/svc/web").put("avail", "up");
      }
      case 1 -> {
        m.put("kind", "patch").set("gen", Json.NODES.objectNode().put(node, gen));
        ArrayNode stanzas = m.putObject("deltas").putArray(Long.toString(gen));
        ArrayNode s = stanzas.addArray();
        s.addArray().add("frozen");
        s.add(r % 7);
        ArrayNode d = stanzas.addArray();
        d.addArray().add("services").add("status").add("ns1/svc/web").add("avail");
        d.add("down");
      }
      case 2 -> m.put("kind", "ping").set("gen", Json.NODES.objectNode().put(node, gen));
      case 3, 4 -> m.put("kind", "event").putObject("data").put("id", "node_freeze").put("reason", "target");
      default -> {
        ArrayNode batch = Json.NODES.arrayNode();
        batch.add(message(3, r));
        batch.add(message(0, r + 1));
        return batch;
      }
    }
    return m;
  }

  private static JsonNode mutate(JsonNode root, TreeMutation kind, int r1, int r2) {
    List<Slot> slots = new ArrayList<>();
    collect(root, slots);
    Slot s = slots.isEmpty() ? null : slots.get(r1 % slots.size());
    switch (kind) {
      case NONE -> {
      }
      case TYPE -> {
        if (s != null) {
          s.set(value(r2));
        }
      }
      case NUMBER -> {
        if (s != null) {
          s.set(Json.NODES.textNode(NUM_MARK));
        }
      }
      case NAME -> {
        String name = NAMES.get(r2 % NAMES.size());
        if (root instanceof ObjectNode o && r2 % 2 == 0) {
          o.put("nodename", name);
        } else if (s != null && s.parent instanceof ObjectNode o) {
          JsonNode v = o.remove(s.key);
          o.set(name, v);
        }
      }
      case PATH -> {
        ArrayNode p = Json.NODES.arrayNode();
        switch (r2 % 7) {
          case 0 -> { }
          case 1 -> p.add("");
          case 2 -> p.add("a").add(-1).add(1.5);
          case 3 -> p.add(999_999_999);
          case 4 -> {
            for (int i = 0; i < 40; i++) {
              p.add("k" + i);
            }
          }
          case 5 -> p.add("services").add("status").add("x/../y").add(Json.NODES.objectNode());
          default -> p.addNull();
        }
        ArrayNode stanza = Json.NODES.arrayNode().add(p).add(r2 % 3);
        JsonNode deltas = root.path("deltas");
        if (deltas instanceof ObjectNode d && d.size() > 0) {
          JsonNode list = d.elements().next();
          if (list instanceof ArrayNode a) {
            a.add(stanza);
          }
        } else if (s != null) {
          s.set(stanza);
        }
      }
      case NEST -> {
        if (s != null) {
          int depth = 1 + r2 % 80;
          JsonNode v = s.get();
          for (int i = 0; i < depth; i++) {
            v = i % 2 == 0 ? Json.NODES.arrayNode().add(v) : Json.NODES.objectNode().set("n", v);
          }
          s.set(v);
        }
      }
      case REMOVE -> {
        if (s != null) {
          s.remove();
        }
      }
      case KIND -> {
        if (root instanceof ObjectNode o) {
          o.put("kind", KINDS.get(r2 % KINDS.size()));
        }
      }
      case GEN -> {
        if (root instanceof ObjectNode o) {
          ObjectNode g = Json.NODES.objectNode();
          String node = o.path("nodename").asText("x");
          switch (r2 % 6) {
            case 0 -> g.put(node, -1);
            case 1 -> g.put(node, Long.MAX_VALUE);
            case 2 -> g.put(node, 1.5);
            case 3 -> g.put(node, "1");
            case 4 -> g.put("other", 1);
            default -> g.put(node, NUM_MARK);
          }
          o.set(r2 % 11 == 0 ? "deltas" : "gen", g);
        }
      }
      default -> throw new IllegalStateException(kind.toString());
    }
    return root;
  }

  private static JsonNode value(int r) {
    return switch (r % 12) {
      case 0 -> Json.NODES.nullNode();
      case 1 -> Json.NODES.booleanNode(true);
      case 2 -> Json.NODES.textNode("");
      case 3 -> Json.NODES.textNode("x");
      case 4 -> Json.NODES.numberNode(0);
      case 5 -> Json.NODES.numberNode(-1);
      case 6 -> Json.NODES.numberNode(new java.math.BigDecimal("1.5"));
      case 7 -> Json.NODES.arrayNode();
      case 8 -> Json.NODES.objectNode();
      case 9 -> Json.NODES.textNode("s".repeat(5000));
      case 10 -> Json.NODES.arrayNode().add(Json.NODES.arrayNode()).add(1);
      default -> Json.NODES.numberNode(Long.MIN_VALUE);
    };
  }

  private static byte[] mutateBytes(byte[] b, ByteMutation m, int r1, int r2) {
    int at = b.length == 0 ? 0 : r1 % b.length;
    return switch (m) {
      case NONE -> b;
      case TRUNCATE -> java.util.Arrays.copyOf(b, at);
      case FLIP -> {
        byte[] c = b.clone();
        if (c.length > 0) {
          c[at] = (byte) (c[at] ^ (1 << (r2 % 8)));
        }
        yield c;
      }
      case INVALID_UTF8 -> insert(b, at, new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE});
      case NUL -> insert(b, at, new byte[] {0});
      case TWICE -> insert(b, b.length, b);
      case EMPTY -> new byte[0];
      case BOM -> insert(b, 0, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
      case HUGE -> insert(b, 0, " ".repeat(300_000).getBytes(StandardCharsets.US_ASCII));
    };
  }

  private static byte[] insert(byte[] b, int at, byte[] what) {
    byte[] out = new byte[b.length + what.length];
    System.arraycopy(b, 0, out, 0, at);
    System.arraycopy(what, 0, out, at, what.length);
    System.arraycopy(b, at, out, at + what.length, b.length - at);
    return out;
  }

  /** A place in a tree: a member of an object or an element of an array. */
  private record Slot(ContainerNode<?> parent, String key, int index) {
    JsonNode get() {
      return parent instanceof ObjectNode o ? o.get(key) : ((ArrayNode) parent).get(index);
    }

    void set(JsonNode v) {
      if (parent instanceof ObjectNode o) {
        o.set(key, v);
      } else {
        ((ArrayNode) parent).set(index, v);
      }
    }

    void remove() {
      if (parent instanceof ObjectNode o) {
        o.remove(key);
      } else {
        ((ArrayNode) parent).remove(index);
      }
    }
  }

  private static void collect(JsonNode n, List<Slot> out) {
    if (n instanceof ObjectNode o) {
      for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        out.add(new Slot(o, k, -1));
        collect(o.get(k), out);
      }
    } else if (n instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        out.add(new Slot(a, null, i));
        collect(a.get(i), out);
      }
    }
  }

  // --- reads ----------------------------------------------------------------

  static final List<String> FILTERS = List.of("monitor.nodes.fz0.frozen=0", "monitor.nodes.*.frozen>0",
      "monitor.services.*.avail~^u", "data.id=node_freeze", "monitor.nodes.fz1.frozen in [0,1]", "cluster.nodes[0]",
      "monitor.nodes.fz0.services.status.'ns1/svc/web'.avail!=up", "monitor..frozen", "/monitor/nodes/fz0",
      "$", "kind=patch", "monitor.nodes[-1]", "data.reason=target", "cluster.name=test");
  private static final List<String> FILTER_BITS = List.of("[", "]", "*", "~", "(", ")", "\\", "\"", "'", "=",
      "%", "\u0000", "é", "{", "}", " in ", "..", ".", "$", ">=", "!", "[-99999999999999999999]",
      "[99999999999]", "1e+3111111111111111", "92233721E+236854775808", "~[", "~)", "~\\", "[?(@.x)]", "\n", "@");
  static final List<String> AFTERS = List.of("0", "1", "-1", "x", "", " 1", "1e3", "9223372036854775807",
      "9223372036854775808", "99999999999999999999", "0x10", "1.5", "+1");
  static final List<String> DURATIONS = List.of("0", "1", "10ms", "1s", "-1s", "1e99s", "99999999999h", "x",
      "1.5s", "PT1S", "", "1 s", "1h1m", "9223372036854775807ms", "1e+3111111111111111s", "1d");
  static final List<String> READ_PATHS = List.of("/api/daemon/status", "/api/nodes", "/api/events",
      "/api/events/stream", "/api/wait", "/api/events/catalogue", "/health", "/openapi.yaml", "/api/nope",
      "/api/daemon/status/", "/api/%zz", "/api/events/../nodes", "/" + "a".repeat(2000));

  /** A read: a route with parameters drawn from valid and broken values, and mutated headers. */
  static Arbitrary<FuzzRequest> reads() {
    Arbitrary<String> path = Arbitraries.of(READ_PATHS);
    Arbitrary<HttpMethod> method = Arbitraries.frequencyOf(Tuple.of(10, Arbitraries.just(HttpMethod.GET)),
        Tuple.of(1, Arbitraries.of(HttpMethod.HEAD, HttpMethod.POST, HttpMethod.DELETE, HttpMethod.PUT,
            HttpMethod.OPTIONS)));
    Arbitrary<String> filter = Combinators.combine(Arbitraries.of(FILTERS), Arbitraries.of(FILTER_BITS),
        Arbitraries.integers().between(0, 1000), Arbitraries.integers().between(0, 4))
        .as((f, bit, at, how) -> switch (how) {
          case 0 -> f;
          case 1 -> f.substring(0, Math.min(f.length(), at % (f.length() + 1))) + bit + f.substring(Math.min(f.length(), at % (f.length() + 1)));
          case 2 -> f.substring(0, at % (f.length() + 1));
          case 3 -> f.replaceFirst("[0-9]+", java.util.regex.Matcher.quoteReplacement(bit));
          default -> f + bit + f;
        });
    Arbitrary<Map<String, String>> params = Combinators.combine(
        filter.injectNull(0.4), filter.injectNull(0.85), Arbitraries.of(AFTERS).injectNull(0.6),
        Arbitraries.of(AFTERS).injectNull(0.6), Arbitraries.of(DURATIONS).injectNull(0.3),
        Arbitraries.of("state", "events", "x", "").injectNull(0.6),
        Arbitraries.of("sse", "ndjson", "x", "").injectNull(0.7),
        Combinators.combine(Arbitraries.of("true", "false", "x").injectNull(0.8),
            Arbitraries.of("patch", "event", "full", "x", "").injectNull(0.7),
            Arbitraries.of(NAMES).injectNull(0.8), Arbitraries.of("node_freeze", "", "%", "x".repeat(500)).injectNull(0.8),
            Arbitraries.of("monitor.nodes", "monitor..x", "[", "/a/~2", "$").injectNull(0.8))
            .as((full, kind, node, eventid, p) -> new String[] {full, kind, node, eventid, p}))
        .as((f1, f2, after, limit, duration, on, format, more) -> {
          Map<String, String> m = new LinkedHashMap<>();
          put(m, "filter", f1);
          put(m, "filter ", f2);
          put(m, "after", after);
          put(m, "limit", limit);
          put(m, "duration", duration);
          put(m, "on", on);
          put(m, "format", format);
          put(m, "full", more[0]);
          put(m, "kind", more[1]);
          put(m, "nodename", more[2]);
          put(m, "eventid", more[3]);
          put(m, "path", more[4]);
          return m;
        });
    Arbitrary<Boolean> rawPercent = Arbitraries.of(false, false, false, false, true);
    return Combinators.combine(path, method, params, headers(), rawPercent).as((p, m, q, h, raw) -> {
      StringBuilder uri = new StringBuilder(p);
      char sep = '?';
      for (Map.Entry<String, String> e : q.entrySet()) {
        uri.append(sep).append(e.getKey().trim()).append('=').append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
        sep = '&';
      }
      if (raw) {
        uri.append(sep).append("filter=%zz%");
      }
      return new FuzzRequest(m, uri.toString(), null, h, null, "read");
    });
  }

  private static void put(Map<String, String> m, String k, String v) {
    if (v != null) {
      m.put(k, v);
    }
  }

  /** Extra headers: none mostly, else odd values of the headers the API reads. */
  static Arbitrary<Map<String, String>> headers() {
    Arbitrary<Map<String, String>> some = Combinators.combine(
        Arbitraries.of("X-Svcgate-Epoch", "Last-Event-ID", "Accept", "Authorization", "Origin", "X-Forwarded-For",
            "Accept-Encoding", "Expect", "Connection"),
        Arbitraries.of("", "x", "0", "-1", "99999999999999999999", "text/event-stream", "application/x-ndjson",
            "Bearer ", "Bearer x", "*/*;q=x", "gzip", "100-continue", "é", "null", "close", "keep-alive"))
        .as((k, v) -> Map.of(k, v));
    return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(Map.of())), Tuple.of(1, some));
  }
}
