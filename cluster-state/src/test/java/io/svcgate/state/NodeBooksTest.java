package io.svcgate.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sequencing bookkeeping of the known nodes, on its own. */
class NodeBooksTest {

  @Test
  void generationChangesAreDrainedOncePerNode() {
    NodeBooks books = new NodeBooks();
    NodeBook b = new NodeBook("n1");
    books.admit(b);
    b.merged = 4;
    books.generationChanged("n1");
    books.generationChanged("n1");
    assertThat(books.drainGenerationChanges()).containsExactly(new ClusterState.GenerationChange("n1", 4, false));
    assertThat(books.drainGenerationChanges()).isEmpty();
    books.remove("n1");
    assertThat(books.drainGenerationChanges()).containsExactly(new ClusterState.GenerationChange("n1", 0, true));
  }

  @Test
  void aNodeMadeToNeedAFullCountsAResync() {
    NodeBooks books = new NodeBooks();
    NodeBook b = books.getOrAdd("n1");
    b.merged = 9;
    b.needsFull = false;
    assertThat(books.markNeedsFull("n1")).isTrue();
    assertThat(b.merged).isZero();
    assertThat(b.needsFull).isTrue();
    assertThat(b.resyncs).isEqualTo(1);
    assertThat(books.drainGenerationChanges()).hasSize(1);
    assertThat(books.markNeedsFull("n2")).isFalse();
  }

  @Test
  void strangersArePacedWithinABound() {
    NodeBooks books = new NodeBooks();
    assertThat(books.lastStrangerAsk("x")).isEqualTo(Double.NEGATIVE_INFINITY);
    for (int i = 0; i < NodeBooks.MAX_STRANGERS + 10; i++) {
      books.strangerAsked("s" + i, i);
    }
    assertThat(books.strangers()).isEqualTo(NodeBooks.MAX_STRANGERS);
    assertThat(books.lastStrangerAsk("s0")).isEqualTo(Double.NEGATIVE_INFINITY);
    books.admit(new NodeBook("s20"));
    assertThat(books.lastStrangerAsk("s20")).isEqualTo(Double.NEGATIVE_INFINITY);
  }

  @Test
  void storedGenerationsReplaceWhatWasKnown() {
    NodeBooks books = new NodeBooks();
    books.getOrAdd("n1").beating = false;
    books.recover(Map.of("n1", 12L, "n2", 0L));
    assertThat(books.get("n1").merged).isEqualTo(12);
    assertThat(books.get("n1").needsFull).isFalse();
    assertThat(books.get("n2").needsFull).isTrue();
    assertThat(books.stale()).containsExactly("n1");
    assertThat(books.names()).containsExactly("n1", "n2");
  }
}
