package io.svcgate.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one apply / rollback / commit loop and the event ids, on its own. */
class ChangeWriterTest {

  private static ObjectNode doc() throws Exception {
    return (ObjectNode) Json.parse("{\"a\":{\"x\":1,\"y\":[1,2]},\"b\":2}");
  }

  @Test
  void allOrNothingLeavesTheDocumentByteForByte() throws Exception {
    ObjectNode d = doc();
    byte[] before = Json.bytes(d);
    ChangeWriter w = new ChangeWriter(d, 7);
    List<Stanza> stanzas = List.of(Stanza.delete(Path.of("a", "x")), Stanza.set(Path.of("a", "y", 2), Json.NODES.numberNode(3)),
        Stanza.set(Path.of("missing", "z"), Json.NODES.numberNode(1)));
    assertThatThrownBy(() -> w.stage(stanzas, 0)).isInstanceOfSatisfying(ChangeWriter.Failure.class,
        f -> assertThat(f.index).isEqualTo(2));
    assertThat(Json.bytes(d)).isEqualTo(before);
    assertThat(w.lastId()).isEqualTo(7);
  }

  @Test
  void aCommittedChangeGetsTheNextIdAndItsHints() throws Exception {
    ObjectNode d = doc();
    ChangeWriter w = new ChangeWriter(d, 7);
    List<Stanza> stanzas = List.of(Stanza.set(Path.of("a", "x"), Json.NODES.numberNode(5)),
        Stanza.set(Path.of("c"), Json.NODES.textNode("new")), Stanza.delete(Path.of("b")));
    String hints = w.stage(stanzas, 0);
    assertThat(w.stagedSizeChange()).isEqualTo(0);
    w.commit();
    Event e = w.patch("n1", stanzas, hints, 1764147000.5);
    assertThat(e.id()).isEqualTo(8);
    assertThat(e.opHints()).isEqualTo("rad");
    assertThat(Json.compact(d)).isEqualTo("{\"a\":{\"x\":5,\"y\":[1,2]},\"c\":\"new\"}");
    ObjectNode data = Json.NODES.objectNode().put("id", "x");
    assertThat(w.event("gw", data, 1764147001).id()).isEqualTo(9);
  }

  @Test
  void aRollbackUndoesWhatWasStaged() throws Exception {
    ObjectNode d = doc();
    byte[] before = Json.bytes(d);
    ChangeWriter w = new ChangeWriter(d, 0);
    w.stage(List.of(Stanza.delete(Path.of("a")), Stanza.set(Path.of("a"), Json.NODES.numberNode(1))), 0);
    assertThat(w.stagedSizeChange()).isEqualTo(-4);
    w.rollback();
    assertThat(Json.bytes(d)).isEqualTo(before);
  }

  @Test
  void theReplayFollowsTheIdsAndRefusesWhatDoesNotApply() throws Exception {
    ObjectNode d = doc();
    ChangeWriter w = new ChangeWriter(d, 3);
    Event gap = Event.patch(5, 1, "n1", List.of(Stanza.delete(Path.of("b"))));
    assertThatThrownBy(() -> w.replay(gap)).isInstanceOf(IllegalArgumentException.class);
    Event bad = Event.patch(4, 1, "n1", List.of(Stanza.delete(Path.of("nope"))));
    assertThatThrownBy(() -> w.replay(bad)).isInstanceOf(IllegalStateException.class);
    assertThat(w.lastId()).isEqualTo(3);
    w.replay(Event.patch(4, 1, "n1", List.of(Stanza.delete(Path.of("b")))));
    assertThat(w.lastId()).isEqualTo(4);
    assertThat(d.has("b")).isFalse();
  }

  @Test
  void theOwnChangeThatFailsIsABug() throws Exception {
    ChangeWriter w = new ChangeWriter(doc(), 0);
    assertThatThrownBy(() -> w.applyOwn(List.of(Stanza.delete(Path.of("nope"))), "gw", 1))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("the gateway's own change does not apply");
    assertThat(w.lastId()).isZero();
  }
}
