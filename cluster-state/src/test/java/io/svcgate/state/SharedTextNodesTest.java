package io.svcgate.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/**
 * The mapper's trees share one node per short text value, and a tree read through it is
 * the tree the plain factory reads: same values, same bytes, whatever the strings.
 */
class SharedTextNodesTest {

  @Test
  void aValueRepeatedInADocumentIsOneNode() throws Exception {
    JsonNode doc = Json.parse("{\"n1\":{\"avail\":\"up\",\"overall\":\"up\"},\"n2\":{\"avail\":\"up\"}}");

    assertThat(doc.at("/n1/avail")).isSameAs(doc.at("/n1/overall")).isSameAs(doc.at("/n2/avail"));
    assertThat(Json.parse("[\"up\"]").get(0)).as("across documents").isSameAs(doc.at("/n1/avail"));
  }

  @Test
  void treesBuiltInCodeShareTheParsedNodes() throws Exception {
    ObjectNode built = Json.NODES.objectNode().put("status", "idle");

    assertThat(built.get("status")).isSameAs(Json.parse("\"idle\""));
  }

  @Test
  void longValuesAreNotShared() throws Exception {
    String longText = "x".repeat(SharedTextNodes.MAX_SHARED_LENGTH + 1);
    JsonNode doc = Json.parse("[\"" + longText + "\",\"" + longText + "\"]");

    assertThat(doc.get(0)).isEqualTo(doc.get(1)).isNotSameAs(doc.get(1));
  }

  @Test
  void aSlotKeepsItsFirstValueAndACollidingOneKeepsItsOwnText() {
    // "Aa" and "BB" have the same String hash, so they land on the same slot.
    SharedTextNodes nodes = new SharedTextNodes();
    TextNode first = nodes.textNode("Aa");
    for (int i = 0; i < 3; i++) {
      assertThat(nodes.textNode("BB").textValue()).isEqualTo("BB");
      assertThat(nodes.textNode("Aa")).isSameAs(first);
    }
    assertThat(nodes.textNode("BB")).as("not shared: the slot is taken").isNotSameAs(nodes.textNode("BB"));
  }

  @Property(tries = 300)
  void readsWhatThePlainFactoryReads(@ForAll @Size(max = 40) List<@StringLength(max = 60) String> values)
      throws Exception {
    List<String> repeated = new ArrayList<>(values);
    repeated.addAll(values);
    byte[] json = Json.MAPPER.writeValueAsBytes(repeated);

    JsonNode shared = Json.parse(json);
    JsonNode plain = Json.MAPPER.copy().setNodeFactory(JsonNodeFactory.withExactBigDecimals(true)).readTree(json);

    assertThat(shared).isEqualTo(plain);
    assertThat(Json.compact(shared)).isEqualTo(new String(json, StandardCharsets.UTF_8));
    for (int i = 0; i < values.size(); i++) {
      assertThat(shared.get(i).textValue()).isEqualTo(values.get(i));
    }
  }
}
