package io.svcgate.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.flipkart.zjsonpatch.JsonPatch;
import io.svcgate.state.ApplyOutcome.Status;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/** Properties of the diff, the atomicity of a generation and the event numbering. */
class StatePropertiesTest {

  // ------------------------------------------------------------ generators

  /** Few keys, so two random documents share many; with the characters paths must survive. */
  static Arbitrary<String> keys() {
    return Arbitraries.oneOf(
        Arbitraries.of("a", "b", "status", "ns1/svc/web", "fs#1", "a.b", "it's", "~0", "~1/x", "", "0", "-", "é", "日本", "\u00a0 sp"),
        Arbitraries.strings().withChars("ab./#'~é日").ofMaxLength(3));
  }

  static Arbitrary<JsonNode> scalars() {
    return Arbitraries.oneOf(
        Arbitraries.just(Json.NODES.nullNode()),
        Arbitraries.of(true, false).map(Json.NODES::booleanNode),
        Arbitraries.integers().between(-2, 3).map(i -> (JsonNode) Json.NODES.numberNode(i)),
        Arbitraries.of("1.0", "1.00", "1764147001.2", "-0.5", "1E+3").map(s -> (JsonNode) Json.NODES.numberNode(new BigDecimal(s))),
        Arbitraries.of("up", "down", "", "x").map(Json.NODES::textNode));
  }

  static Arbitrary<JsonNode> values(int depth) {
    if (depth == 0) {
      return scalars();
    }
    return Arbitraries.frequencyOf(
        Tuple.of(3, scalars()),
        Tuple.of(2, Arbitraries.lazy(() -> objects(depth - 1))),
        Tuple.of(2, Arbitraries.lazy(() -> lists(depth - 1))));
  }

  static Arbitrary<JsonNode> objects(int depth) {
    return Arbitraries.maps(keys(), values(depth)).ofMaxSize(5).map(m -> {
      ObjectNode o = Json.NODES.objectNode();
      m.forEach(o::set);
      return o;
    });
  }

  static Arbitrary<JsonNode> lists(int depth) {
    return values(depth).list().ofMaxSize(4).map(l -> {
      ArrayNode a = Json.NODES.arrayNode();
      l.forEach(a::add);
      return a;
    });
  }

  @Provide
  Arbitrary<ObjectNode> nodeData() {
    return objects(3).map(n -> (ObjectNode) n);
  }

  // ------------------------------------------------------------ helpers

  static HeartbeatMessage full(String node, long gen, JsonNode data) {
    ObjectNode m = Json.NODES.objectNode().put("nodename", node).put("kind", "full");
    m.putObject("gen").put(node, gen);
    m.set("data", data);
    return HeartbeatMessage.parse(m);
  }

  static ClusterState fresh() {
    return ClusterState.builder().gatewayNodename("gw").build();
  }

  // ------------------------------------------------------------ properties

  @Property(tries = 300)
  void applyingTheDiffOfAToBGivesB(@ForAll("nodeData") ObjectNode a, @ForAll("nodeData") ObjectNode b) {
    List<Stanza> diff = Diff.diff(Path.ROOT.child("x"), a, b);
    ObjectNode doc = Json.NODES.objectNode();
    doc.set("x", a.deepCopy());
    DocumentEdit edit = new DocumentEdit(doc);
    for (Stanza s : diff) {
      try {
        edit.apply(s, 0);
      } catch (DocumentEdit.StanzaException e) {
        throw new AssertionError(e.getMessage() + " in " + diff, e);
      }
    }
    assertThat(JsonValues.same(doc.get("x"), b)).as("%s\n-> %s\n%s", a, b, doc.get("x")).isTrue();
    assertThat(Diff.diff(Path.ROOT, b, b)).isEmpty();
    if (JsonValues.same(a, b)) {
      assertThat(diff).isEmpty();
    }
  }

  @Property(tries = 200)
  void fullsEmitDiffsThatReplayAndConvertToJsonPatch(@ForAll("nodeData") ObjectNode a, @ForAll("nodeData") ObjectNode b) {
    ClusterState state = fresh();
    state.apply(full("n1", 1, a), 1);
    ObjectNode before = state.document().deepCopy();
    ApplyOutcome o = state.apply(full("n1", 2, b), 2);
    assertThat(o.status()).isEqualTo(Status.APPLIED);
    JsonNode node = state.document().at("/monitor/nodes/n1");
    assertThat(JsonValues.same(node, b)).as("%s -> %s gave %s", a, b, node).isTrue();
    assertThat(o.events()).hasSizeLessThanOrEqualTo(1);
    ArrayNode ops = o.events().isEmpty() ? Json.NODES.arrayNode() : Rfc6902.toJsonPatch(o.events().get(0));

    // the stanzas replayed on a replica give the same bytes
    ClusterState replica = fresh();
    replica.apply(full("n1", 1, a), 1);
    o.events().forEach(replica::replay);
    assertThat(Json.compact(replica.document())).isEqualTo(Json.compact(state.document()));

    // the RFC 6902 form applies to the old document, by us and by zjsonpatch
    JsonNode ours = Rfc6902.apply(before, Rfc6902.parse(ops));
    assertThat(Json.compact(ours)).isEqualTo(Json.compact(state.document()));
    if (Json.compact(ops).contains("~")) {
      return; // zjsonpatch 0.4.16 decodes "~00" wrongly (docs/rfc6902.md)
    }
    JsonNode theirs = JsonPatch.apply(ops, before);
    assertThat(JsonValues.same(theirs, state.document())).as("zjsonpatch gave %s for %s, we %s", theirs, ops, state.document()).isTrue();
  }

  @Provide
  Arbitrary<List<Stanza>> failingGeneration() {
    Arbitrary<Stanza> good = Combinators.combine(keys(), values(2), Arbitraries.integers().between(0, 7))
        .as((k, v, kind) -> switch (kind) {
          case 0 -> Stanza.set(Path.of(k), v);
          case 1 -> Stanza.set(Path.of("l", 0), v);
          case 2 -> Stanza.set(Path.of("o", k), v);
          case 3 -> Stanza.set(Path.of("l", 2), v); // an append: "l" holds 2 items
          case 4 -> Stanza.delete(Path.of("o", "first")); // not the last member: its place must come back
          case 5 -> Stanza.delete(Path.of("l", 0));
          case 6 -> Stanza.delete(Path.of("o"));
          default -> Stanza.delete(Path.of(k));
        });
    Arbitrary<Stanza> bad = Arbitraries.of(
        Stanza.delete(Path.of("o", "missing")),
        Stanza.set(Path.of("l", 9), Json.NODES.nullNode()),
        Stanza.set(Path.of("s", "k"), Json.NODES.nullNode()),
        Stanza.set(Path.of("missing", "k"), Json.NODES.nullNode()),
        Stanza.set(Path.of("o", 0), Json.NODES.nullNode()));
    return Combinators.combine(good.list().ofMaxSize(6), bad).as((g, x) -> {
      List<Stanza> l = new ArrayList<>(g);
      l.add(x);
      return l;
    });
  }

  @Property(tries = 300)
  void aFailedGenerationLeavesTheDocumentByteForByteUnchanged(@ForAll("nodeData") ObjectNode data,
                                                              @ForAll("failingGeneration") List<Stanza> gen) {
    ObjectNode d = data.deepCopy();
    d.putObject("o").put("first", 1).put("k2", 2);
    d.putArray("l").add(1).add(2);
    d.put("s", "str");
    d.remove("missing");
    ClusterState state = fresh();
    state.apply(full("n1", 1, d), 1);
    byte[] before = Json.bytes(state.document());
    long id = state.lastId();
    ArrayNode stanzas = Json.NODES.arrayNode();
    gen.forEach(s -> stanzas.add(s.toJson()));
    ObjectNode m = Json.NODES.objectNode().put("nodename", "n1").put("kind", "patch");
    m.putObject("gen").put("n1", 2);
    m.putObject("deltas").set("2", stanzas);
    ApplyOutcome o = state.apply(HeartbeatMessage.parse(m), 2);
    assertThat(o.status()).isEqualTo(Status.FAILED);
    assertThat(o.events()).isEmpty();
    assertThat(state.lastId()).isEqualTo(id);
    assertThat(Json.bytes(state.document())).isEqualTo(before);
  }

  @Provide
  Arbitrary<List<ObjectNode>> messageSequences() {
    Arbitrary<String> nodes = Arbitraries.of("n1", "n2", "n3");
    Arbitrary<ObjectNode> fulls = Combinators.combine(nodes, Arbitraries.longs().between(1, 8), nodeData())
        .as((n, g, data) -> {
          ObjectNode m = Json.NODES.objectNode().put("nodename", n).put("kind", "full");
          m.putObject("gen").put(n, g);
          m.set("data", data);
          return m;
        });
    Arbitrary<ObjectNode> patches = Combinators.combine(nodes, Arbitraries.longs().between(1, 10),
            Combinators.combine(keys(), values(1), Arbitraries.of(true, false)).as((k, v, del) ->
                del ? Stanza.delete(Path.of(k)) : Stanza.set(Path.of(k), v)).list().ofMaxSize(3).list().ofMaxSize(3))
        .as((n, g, gens) -> {
          ObjectNode m = Json.NODES.objectNode().put("nodename", n).put("kind", "patch");
          m.putObject("gen").put(n, g + gens.size());
          ObjectNode deltas = m.putObject("deltas");
          long at = g;
          for (List<Stanza> st : gens) {
            ArrayNode a = deltas.putArray(Long.toString(at++));
            st.forEach(s -> a.add(s.toJson()));
          }
          return m;
        });
    Arbitrary<ObjectNode> others = Combinators.combine(nodes, Arbitraries.of("ping", "event")).as((n, k) -> {
      ObjectNode m = Json.NODES.objectNode().put("nodename", n).put("kind", k);
      if (k.equals("ping")) {
        m.putObject("gen").put(n, 0);
        m.putObject("monitor").put("status", "idle");
      } else {
        m.putObject("data").put("id", "node_freeze");
      }
      return m;
    });
    return Arbitraries.frequencyOf(Tuple.of(2, fulls), Tuple.of(5, patches), Tuple.of(1, others)).list().ofMaxSize(25);
  }

  @Property(tries = 200)
  void idsStayConsecutiveAndTheEventsRebuildTheDocument(@ForAll("messageSequences") List<ObjectNode> messages) {
    ClusterState state = fresh();
    List<Event> all = new ArrayList<>(state.start(0));
    double now = 1;
    for (ObjectNode m : messages) {
      ApplyOutcome o = state.apply(HeartbeatMessage.parse(m), now++);
      all.addAll(o.events());
      if (now % 7 == 0) {
        all.addAll(state.markStale("n1", now));
      }
      if (now % 11 == 0) {
        all.addAll(state.forget("n2", now));
      }
    }
    for (int i = 0; i < all.size(); i++) {
      assertThat(all.get(i).id()).isEqualTo(i + 1);
    }
    assertThat(state.lastId()).isEqualTo(all.size());
    ClusterState replica = fresh();
    all.forEach(e -> replica.replay(ClusterStateTest.readBack(e)));
    assertThat(Json.compact(replica.document())).isEqualTo(Json.compact(state.document()));
    for (NodeInfo n : state.nodes()) {
      assertThat(replica.node(n.nodename())).as(n.nodename()).isPresent();
    }
  }

  @Property(tries = 100)
  void snapshotRestoreGivesTheSameState(@ForAll("messageSequences") List<ObjectNode> messages) {
    ClusterState state = fresh();
    double now = 1;
    for (ObjectNode m : messages) {
      state.apply(HeartbeatMessage.parse(m), now++);
    }
    ClusterState restored = ClusterState.restore(state.snapshot(), ClusterState.builder().gatewayNodename("gw"));
    assertThat(Json.compact(restored.document())).isEqualTo(Json.compact(state.document()));
    assertThat(restored.lastId()).isEqualTo(state.lastId());
    assertThat(restored.nodes()).isEqualTo(state.nodes());
    Map<String, Long> merged = new java.util.HashMap<>();
    state.nodes().forEach(n -> merged.put(n.nodename(), n.merged()));
    restored.nodes().forEach(n -> assertThat(n.merged()).isEqualTo(merged.get(n.nodename())));
  }
}
