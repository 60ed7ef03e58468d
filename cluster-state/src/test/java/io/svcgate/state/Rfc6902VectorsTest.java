package io.svcgate.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.svcgate.state.ApplyOutcome.Status;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The public RFC 6902 conformance suite (json-patch/json-patch-tests) through
 * the ingest path: {@link Rfc6902#parse} + {@link Rfc6902#apply} for every
 * record, and, where the document is an object (node data always is), a
 * {@code format: rfc6902} patch generation applied by a {@link ClusterState}.
 */
class Rfc6902VectorsTest {

  static Stream<Arguments> records() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (String file : new String[] {"json-patch-tests.json", "json-patch-spec_tests.json"}) {
      JsonNode all = Json.parse(vectors(file));
      for (int i = 0; i < all.size(); i++) {
        JsonNode r = all.get(i);
        if (r.path("disabled").asBoolean(false) || !r.has("doc") || !r.has("patch")) {
          continue;
        }
        String name = file + "#" + i + " " + r.path("comment").asText("");
        out.add(Arguments.of(Named.of(name, r)));
      }
    }
    return out.stream();
  }

  /** A vector file from the test resources (json-patch-tests/NOTICE.md: origin and licence). */
  private static byte[] vectors(String file) throws IOException {
    try (InputStream in = Rfc6902VectorsTest.class.getResourceAsStream("/json-patch-tests/" + file)) {
      if (in == null) {
        throw new AssertionError("test resource json-patch-tests/" + file + " is missing");
      }
      return in.readAllBytes();
    }
  }

  @Test
  void vectorsAreThere() throws IOException {
    assertThat(records().count()).isGreaterThan(100);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("records")
  void conformance(JsonNode r) {
    JsonNode doc = r.get("doc");
    String before = Json.compact(doc);
    JsonNode result;
    String error;
    try {
      result = Rfc6902.apply(doc, Rfc6902.parse(r.get("patch")));
      error = null;
    } catch (IllegalArgumentException | Rfc6902.PatchException e) {
      result = null;
      error = e.getMessage();
    }
    assertThat(Json.compact(doc)).as("the input document is untouched").isEqualTo(before);
    if (r.has("expected")) {
      assertThat(error).as("unexpected error").isNull();
      assertThat(JsonValues.jsonEquals(result, r.get("expected")))
          .as("got %s, expected %s", result, r.get("expected")).isTrue();
    } else {
      assertThat(error).as("expected an error (%s), got %s", r.path("error").asText(), result).isNotNull();
      assertThat(error).isNotBlank();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("records")
  void conformanceThroughTheClusterState(JsonNode r) {
    if (!r.get("doc").isObject()) {
      return; // node data is always an object: see docs/rfc6902.md
    }
    ClusterState state = ClusterState.builder().gatewayNodename("gw").build();
    ObjectNode full = Json.NODES.objectNode().put("nodename", "n1").put("kind", "full");
    full.putObject("gen").put("n1", 1);
    full.set("data", r.get("doc").deepCopy());
    assertThat(state.apply(HeartbeatMessage.parse(full), 1).status()).isEqualTo(Status.APPLIED);
    String before = Json.compact(state.document());

    ObjectNode patch = Json.NODES.objectNode().put("nodename", "n1").put("kind", "patch").put("format", "rfc6902");
    patch.putObject("gen").put("n1", 2);
    patch.putObject("deltas").set("2", r.get("patch"));
    HeartbeatMessage msg;
    try {
      msg = HeartbeatMessage.parse(patch);
    } catch (InvalidMessageException e) {
      assertThat(r.has("error")).as("rejected: " + e.getMessage()).isTrue();
      assertThat(e.reason()).isEqualTo("bad_op");
      return;
    }
    ApplyOutcome o = state.apply(msg, 2);
    JsonNode node = state.document().get("monitor").get("nodes").get("n1");
    boolean objectResult = r.has("expected") && r.get("expected").isObject();
    if (objectResult) {
      assertThat(o.status()).as(o.error()).isEqualTo(Status.APPLIED);
      assertThat(JsonValues.jsonEquals(node, r.get("expected"))).as("got %s", node).isTrue();
      assertThat(o.events().size()).isLessThanOrEqualTo(1);
      if (!o.events().isEmpty()) {
        assertThat(o.events().get(0).stanzas()).allSatisfy(s -> assertThat(s.path().toPointer()).startsWith("/monitor/nodes/n1"));
        // the event's stanzas replayed on the old document give the new one
        ClusterState replica = ClusterState.builder().gatewayNodename("gw").build();
        replica.apply(HeartbeatMessage.parse(full), 1);
        replica.replay(o.events().get(0));
        assertThat(Json.compact(replica.document())).isEqualTo(Json.compact(state.document()));
      }
    } else {
      assertThat(o.status()).isEqualTo(Status.FAILED);
      assertThat(o.events()).isEmpty();
      assertThat(Json.compact(state.document())).isEqualTo(before);
    }
  }
}
