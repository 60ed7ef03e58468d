package io.svcgate.state.aggregates;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.svcgate.state.Json;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A small cluster-state document for tests: {@code cluster.nodes}, and per node a config
 * and a status section. JSON is written with single quotes for readability.
 */
final class TestCluster {

  final ObjectNode document = Json.NODES.objectNode();
  final Set<String> stale = new HashSet<>();

  TestCluster(String... clusterNodes) {
    ObjectNode cluster = document.putObject("cluster");
    cluster.put("name", "test");
    Arrays.stream(clusterNodes).forEach(cluster.putArray("nodes")::add);
    ObjectNode monitor = document.putObject("monitor");
    monitor.putObject("services");
    monitor.putObject("nodes");
  }

  /** Parses JSON written with ' for ". */
  static JsonNode j(String singleQuoted) {
    try {
      return Json.parse(singleQuoted.replace('\'', '"'));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  ObjectNode nodes() {
    return (ObjectNode) document.get("monitor").get("nodes");
  }

  ObjectNode node(String n) {
    ObjectNode data = (ObjectNode) nodes().get(n);
    if (data == null) {
      data = nodes().putObject(n);
      data.put("frozen", 0);
      ObjectNode services = data.putObject("services");
      services.putObject("config");
      services.putObject("status");
    }
    return data;
  }

  /** A config entry for the path on the node. */
  TestCluster config(String n, String path) {
    ((ObjectNode) node(n).get("services").get("config")).putObject(path).put("csum", "x");
    return this;
  }

  /**
   * A counted instance plus its config entry. Defaults: {@code updated}, {@code frozen: 0},
   * {@code placement: "nodes order"}, {@code monitor: {status: idle, placement: ""}};
   * the given fields override them.
   */
  TestCluster instance(String n, String path, String fields) {
    config(n, path);
    ObjectNode i = (ObjectNode) j("{'updated': 1764147001.0, 'frozen': 0, 'placement': 'nodes order',"
        + " 'monitor': {'status': 'idle', 'placement': ''}}");
    i.setAll((ObjectNode) j(fields));
    return raw(n, path, i);
  }

  /** A status entry exactly as given, without config. */
  TestCluster raw(String n, String path, JsonNode entry) {
    ((ObjectNode) node(n).get("services").get("status")).set(path, entry);
    return this;
  }

  /** A placeholder: {resources: {}, monitor: {…}} without updated and without config. */
  TestCluster placeholder(String n, String path) {
    return raw(n, path, j("{'resources': {}, 'monitor': {'status': 'idle', 'global_expect': 'placed'}}"));
  }

  ObjectNode compute() {
    return ServiceAggregates.computeAll(document, stale);
  }

  JsonNode agg(String path) {
    return compute().get(path);
  }

  String value(String path, String key) {
    JsonNode a = agg(path);
    if (a == null || a.get(key) == null) {
      return null;
    }
    return a.get(key).isTextual() ? a.get(key).textValue() : Json.compact(a.get(key));
  }

  List<String> clusterNodes() {
    return ServiceAggregates.clusterNodes(document);
  }
}
