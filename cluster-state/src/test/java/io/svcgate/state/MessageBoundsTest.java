package io.svcgate.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The bounds of one message and of one node's data (docs/security.md, "One message cannot hold the writer"). */
class MessageBoundsTest {

  private static ObjectNode wide(int keys) {
    ObjectNode o = Json.NODES.objectNode();
    for (int i = 0; i < keys; i++) {
      o.put("k" + i, i);
    }
    return o;
  }

  private static ObjectNode full(String node, long gen, ObjectNode data) {
    ObjectNode m = Json.NODES.objectNode().put("nodename", node).put("kind", "full");
    m.putObject("gen").put(node, gen);
    m.set("data", data);
    return m;
  }

  private static ObjectNode patch(String node, long gen, ArrayNode stanzas) {
    ObjectNode m = Json.NODES.objectNode().put("nodename", node).put("kind", "patch");
    m.putObject("gen").put(node, gen);
    m.putObject("deltas").set(Long.toString(gen), stanzas);
    return m;
  }

  private static ArrayNode setStanza(ArrayNode into, JsonNode value, String... path) {
    ArrayNode s = into.addArray();
    ArrayNode p = s.addArray();
    for (String k : path) {
      p.add(k);
    }
    s.add(value);
    return into;
  }

  @Test
  void keysInAMessageAreCountedAtEveryLevel() {
    HeartbeatMessage.Limits limits = new HeartbeatMessage.Limits(100, 10, 10);
    // the message itself: nodename, kind, gen (+1), data; then data's members
    assertThat(HeartbeatMessage.parse(full("n1", 1, wide(90)), limits)).isInstanceOf(HeartbeatMessage.Full.class);
    assertThatThrownBy(() -> HeartbeatMessage.parse(full("n1", 1, wide(100)), limits))
        .isInstanceOfSatisfying(InvalidMessageException.class, e -> {
          assertThat(e.kind()).isEqualTo(InvalidMessageException.Reason.TOO_LARGE);
          assertThat(e.httpStatus()).isEqualTo(413);
        })
        .hasMessageContaining("ingest.max-keys");
    ObjectNode nested = Json.NODES.objectNode();
    nested.putObject("a").putObject("b").set("c", wide(99));
    assertThatThrownBy(() -> HeartbeatMessage.parse(full("n1", 1, nested), limits))
        .hasMessageContaining("more than 100 keys");
    assertThatThrownBy(() -> HeartbeatMessage.parse(full("n1", 1, wide(200_000)))).as("the default: 100 000")
        .hasMessageContaining("more than 100000 keys");
  }

  @Test
  void stanzasInAGenerationAreBounded() {
    HeartbeatMessage.Limits limits = new HeartbeatMessage.Limits(10_000, 3, 10);
    ArrayNode three = Json.NODES.arrayNode();
    for (int i = 0; i < 3; i++) {
      setStanza(three, Json.NODES.numberNode(i), "k" + i);
    }
    assertThat(HeartbeatMessage.parse(patch("n1", 2, three), limits)).isInstanceOf(HeartbeatMessage.Patch.class);
    setStanza(three, Json.NODES.numberNode(4), "k4");
    assertThatThrownBy(() -> HeartbeatMessage.parse(patch("n1", 2, three), limits))
        .isInstanceOf(InvalidMessageException.class).hasMessageContaining("holds 4 stanzas, at most 3")
        .hasMessageContaining("ingest.max-stanzas");
    assertThatThrownBy(() -> new HeartbeatMessage.Limits(0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void nodeDataBeyondItsBoundIsNotAppliedAndTheNodeNeedsAFull() {
    ClusterState state = ClusterState.builder().gatewayNodename("gw1").maxNodeKeys(50).build();
    assertThat(state.apply(HeartbeatMessage.parse(full("n1", 1, wide(40))), 1).status())
        .isEqualTo(ApplyOutcome.Status.APPLIED);
    ArrayNode grow = setStanza(Json.NODES.arrayNode(), wide(20), "more");
    ApplyOutcome o = state.apply(HeartbeatMessage.parse(patch("n1", 2, grow)), 2);
    assertThat(o.status()).isEqualTo(ApplyOutcome.Status.TOO_LARGE);
    assertThat(o.error()).contains("ingest.max-node-keys").contains("more than 50");
    assertThat(o.askFull()).isTrue();
    assertThat(state.document().path("monitor").path("nodes").path("n1").has("more")).isFalse();
    assertThat(state.node("n1").orElseThrow().needsFull()).isTrue();
    // a full over the bound is refused too, a smaller one is taken
    assertThat(state.apply(HeartbeatMessage.parse(full("n1", 3, wide(60))), 3).status())
        .isEqualTo(ApplyOutcome.Status.TOO_LARGE);
    assertThat(state.apply(HeartbeatMessage.parse(full("n1", 4, wide(10))), 4).status())
        .isEqualTo(ApplyOutcome.Status.APPLIED);
    assertThat(state.apply(HeartbeatMessage.parse(patch("n1", 5, grow)), 5).status())
        .isEqualTo(ApplyOutcome.Status.APPLIED);
  }

  // ---- the count kept as stanzas apply is exact, whatever they do

  record Step(List<String> path, Integer value, boolean delete) {
  }

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<List<String>> paths = Arbitraries.of("a", "b", "c").list().ofMinSize(1).ofMaxSize(3);
    Arbitrary<Integer> values = Arbitraries.integers().between(0, 4);
    return Combinators.combine(paths, values, Arbitraries.of(false, false, true)).as(Step::new).list().ofMaxSize(40);
  }

  @Property(seed = "424242")
  void theTrackedSizeOfNodeDataIsItsRealSize(@ForAll("steps") List<Step> steps) {
    ClusterState state = ClusterState.builder().gatewayNodename("gw1").maxNodeKeys(30).build();
    state.apply(HeartbeatMessage.parse(full("n1", 1, Json.NODES.objectNode())), 1);
    long gen = 1;
    for (Step s : steps) {
      JsonNode data = state.document().path("monitor").path("nodes").path("n1");
      long before = DocumentEdit.size(data);
      ArrayNode stanza = Json.NODES.arrayNode();
      ArrayNode one = stanza.addArray();
      ArrayNode p = one.addArray();
      s.path().forEach(p::add);
      // a value of n makes an object of n members
      if (!s.delete()) {
        one.add(wide(s.value()));
      }
      ApplyOutcome o = state.apply(HeartbeatMessage.parse(patch("n1", gen + 1, stanza)), gen + 1);
      JsonNode after = state.document().path("monitor").path("nodes").path("n1");
      long size = DocumentEdit.size(after);
      switch (o.status()) {
        case APPLIED -> {
          gen++;
          assertThat(size).isLessThanOrEqualTo(30);
        }
        case TOO_LARGE, FAILED -> {
          assertThat(size).isEqualTo(before);
          // start again from a full of what is there, as a node would
          gen += 2;
          state.apply(HeartbeatMessage.parse(full("n1", gen, (ObjectNode) after.deepCopy())), gen);
        }
        default -> throw new AssertionError(o.status() + ": " + o.error());
      }
      if (o.status() == ApplyOutcome.Status.TOO_LARGE) {
        // refused only when it really would have been too large
        ObjectNode probe = (ObjectNode) after.deepCopy();
        assertThat(wouldBe(probe, s)).isGreaterThan(30);
      }
    }
  }

  /** The size of {@code data} after {@code s}, applied by hand. */
  private static long wouldBe(ObjectNode data, Step s) {
    ObjectNode cur = data;
    for (int i = 0; i < s.path().size() - 1; i++) {
      cur = (ObjectNode) cur.get(s.path().get(i));
    }
    cur.set(s.path().get(s.path().size() - 1), wide(s.value()));
    return DocumentEdit.size(data);
  }
}
