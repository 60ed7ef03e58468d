package io.svcgate.state.aggregates;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.svcgate.state.Json;
import io.svcgate.state.Stanza;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The worked examples of aggregates.md §9, read from {@code aggregates/examples.json}:
 * each input document must give exactly the expected {@code monitor.services}, compared
 * as an unordered object, from scratch and through the incremental aggregator.
 */
class WorkedExamplesTest {

  static Stream<Arguments> examples() throws IOException {
    try (InputStream in = WorkedExamplesTest.class.getResourceAsStream("/aggregates/examples.json")) {
      JsonNode all = Json.MAPPER.readTree(in);
      List<Arguments> args = new ArrayList<>();
      for (JsonNode e : all) {
        args.add(Arguments.of(e.get("name").textValue(), e.get("document"), e.get("expected")));
      }
      return args.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void fromScratch(String name, JsonNode document, JsonNode expected) {
    ObjectNode services = ServiceAggregates.computeAll(document, Set.of());
    assertThat(services).as(name + ": " + Json.pretty(services)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void throughTheAggregator(String name, JsonNode document, JsonNode expected) {
    ObjectNode doc = (ObjectNode) document.deepCopy();
    ServiceAggregator aggregator = new ServiceAggregator();
    List<Stanza> stanzas = aggregator.resync(doc, Set.of());
    StanzaApplier.apply(doc, stanzas);
    assertThat(doc.at("/monitor/services")).as(name).isEqualTo(expected);
    assertThat(doc.at("/monitor/frozen").textValue()).isEqualTo("thawed");
    assertThat(aggregator.update(doc, Set.of(), List.of())).as("nothing changed, nothing to say").isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void nodeByNode(String name, JsonNode document, JsonNode expected) {
    // start with the cluster nodes known but no data, then install each node's data in
    // reverse order, as fulls arriving one by one; the end result is the example's
    ObjectNode doc = (ObjectNode) document.deepCopy();
    ObjectNode monitor = (ObjectNode) doc.get("monitor");
    ObjectNode nodes = (ObjectNode) monitor.remove("nodes");
    ObjectNode installed = monitor.putObject("nodes");
    ServiceAggregator aggregator = new ServiceAggregator();
    StanzaApplier.apply(doc, aggregator.resync(doc, Set.of()));
    List<String> names = new ArrayList<>();
    nodes.fieldNames().forEachRemaining(names::add);
    for (int i = names.size() - 1; i >= 0; i--) {
      String n = names.get(i);
      installed.set(n, nodes.get(n));
      StanzaApplier.apply(doc, aggregator.updateNodes(doc, Set.of(), List.of(n)));
    }
    assertThat(doc.at("/monitor/services")).as(name).isEqualTo(expected);
  }
}
