package io.svcgate.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The snapshot bytes, on their own. */
class SnapshotFormatTest {

  private static final String DOC = "{\"cluster\":{\"name\":\"c\",\"nodes\":[]},\"gateway\":{},"
      + "\"monitor\":{\"services\":{},\"nodes\":{\"n1\":{\"frozen\":0}}}}";

  @Test
  void whatIsWrittenReadsBack() throws Exception {
    NodeBook b = new NodeBook("n1");
    b.merged = 42;
    b.needsFull = false;
    b.beating = false;
    b.lastSeen = 1764147000.25;
    b.heartbeats = 3;
    b.skippedGenerations = 2;
    byte[] bytes = SnapshotFormat.write(17, (ObjectNode) Json.parse(DOC), List.of(b));
    assertThat(new String(bytes, StandardCharsets.UTF_8)).startsWith("{\"format\":1,\"last_id\":17,\"document\":")
        .contains("{\"nodename\":\"n1\",\"status\":\"stale\",\"needs_full\":false,\"last_seen\":1.76414700025E9,"
            + "\"counters\":{\"heartbeats\":3,\"events\":0,\"patches_applied\":0,\"fulls_applied\":0,"
            + "\"ignored_fulls\":0,\"resyncs\":0,\"skipped_generations\":2},\"merged\":42}");
    SnapshotFormat.Contents c = SnapshotFormat.read(bytes);
    assertThat(c.lastId()).isEqualTo(17);
    assertThat(Json.compact(c.document())).isEqualTo(DOC);
    NodeBook r = c.books().get(0);
    assertThat(r.info(null)).isEqualTo(b.info(null));
  }

  @Test
  void aNodeWithoutAGenerationNeedsAFull() {
    byte[] bytes = ("{\"format\":1,\"last_id\":0,\"document\":" + DOC
        + ",\"nodes\":[{\"nodename\":\"n1\",\"needs_full\":false}]}").getBytes(StandardCharsets.UTF_8);
    assertThat(SnapshotFormat.read(bytes).books().get(0).needsFull).isTrue();
  }

  @Test
  void whatIsNotASnapshotIsRefused() {
    assertThatThrownBy(() -> SnapshotFormat.read("nope".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SnapshotFormat.read("{\"format\":1,\"last_id\":-1}".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("last_id");
    assertThatThrownBy(() -> SnapshotFormat.read("{\"format\":1,\"last_id\":0,\"document\":{}}".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("document lacks");
    assertThatThrownBy(() -> SnapshotFormat.read("{\"format\":2}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(NewerFormatException.class);
  }
}
