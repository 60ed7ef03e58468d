package io.svcgate.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.svcgate.state.filter.PathExpression;
import io.svcgate.state.filter.Values;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code daemon status}: with {@code --filter}, what the path selects (docs/filters.md,
 * "Output of status --filter"); without, a summary of the nodes and their
 * services, or the whole document with {@code --format json}.
 */
@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Print the cluster state, or what a path selects in it.",
        "With --filter: the first match (a string as is, a number in plain decimal notation, "
            + "an object or list as JSON); with --format json the JSON list of all matches; nothing when none matches."})
final class StatusCommand implements Callable<Integer> {

  static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Spec
  CommandSpec spec;

  @Option(names = "--filter", paramLabel = "P",
      description = "a path (docs/filters.md), e.g. monitor.nodes.n1.frozen or monitor.nodes.*.services.status.*.avail")
  String filter;

  @Option(names = "--format", paramLabel = "FORMAT", converter = OutputFormat.Converter.class,
      description = "human (default) or json")
  OutputFormat format = OutputFormat.HUMAN;

  @Mixin
  ClientOptions server;

  @Override
  public Integer call() {
    if (filter != null) {
      try {
        PathExpression.parse(filter);
      } catch (IllegalArgumentException e) {
        throw CliException.usage("bad filter '" + filter + "': " + e.getMessage());
      }
    }
    GatewayClient gateway = server.client();
    PrintWriter out = spec.commandLine().getOut();
    if (filter != null) {
      printMatches(gateway.get("/api/daemon/status", new GatewayClient.Query().add("filter", filter), TIMEOUT).json(),
          out);
    } else if (format == OutputFormat.JSON) {
      out.println(CliJson.pretty(gateway.get("/api/daemon/status", new GatewayClient.Query(), TIMEOUT).json()));
    } else {
      summary(gateway, out);
    }
    out.flush();
    return 0;
  }

  private void printMatches(JsonNode answer, PrintWriter out) {
    JsonNode matches = answer.path("matches");
    if (!matches.isArray()) {
      throw CliException.unreachable("the gateway's answer has no 'matches': " + CliJson.compact(answer));
    }
    if (format == OutputFormat.JSON) {
      ArrayNode values = CliJson.NODES.arrayNode(matches.size());
      matches.forEach(m -> values.add(m.path("value")));
      out.println(CliJson.pretty(values));
    } else if (matches.size() > 0) {
      out.println(Values.plain(matches.get(0).path("value")));
    }
  }

  /** The readable summary: the cluster, its nodes (status, frozen), their services (avail, overall). */
  private static void summary(GatewayClient gateway, PrintWriter out) {
    GatewayClient.Answer status = gateway.get("/api/daemon/status", new GatewayClient.Query(), TIMEOUT);
    JsonNode doc = status.json();
    JsonNode rows = gateway.get("/api/nodes", new GatewayClient.Query(), TIMEOUT).json();
    HumanFormat fmt = new HumanFormat(ZoneId.systemDefault());

    String id = status.header("X-Svcgate-Id");
    out.println("cluster " + text(doc.path("cluster").path("name")) + ", gateway "
        + text(doc.path("gateway").path("nodename")) + (id == null ? "" : ", at event " + id));
    out.println();

    JsonNode docNodes = doc.path("monitor").path("nodes");
    Map<String, JsonNode> nodes = new LinkedHashMap<>();
    rows.forEach(r -> nodes.put(r.path("nodename").asText(), r));
    docNodes.fieldNames().forEachRemaining(n -> nodes.putIfAbsent(n, null));
    if (nodes.isEmpty()) {
      out.println("no nodes");
      return;
    }
    Table nodeTable = new Table("NODE", "STATUS", "FROZEN");
    Map<String, List<String[]>> services = new TreeMap<>();
    for (Map.Entry<String, JsonNode> n : nodes.entrySet()) {
      JsonNode data = docNodes.path(n.getKey());
      JsonNode row = n.getValue();
      nodeTable.row(n.getKey(), row == null ? null : text(row.path("status")),
          fmt.frozen(data.isMissingNode() && row != null ? row.path("frozen") : data.path("frozen")));
      data.path("services").path("status").fields().forEachRemaining(s -> services
          .computeIfAbsent(s.getKey(), k -> new ArrayList<>())
          .add(new String[] {n.getKey(), text(s.getValue().path("avail")), text(s.getValue().path("overall"))}));
    }
    nodeTable.print(out);
    out.println();
    if (services.isEmpty()) {
      out.println("no services");
      return;
    }
    Table serviceTable = new Table("SERVICE", "NODE", "AVAIL", "OVERALL");
    services.forEach((name, instances) -> instances.forEach(i -> serviceTable.row(name, i[0], i[1], i[2])));
    serviceTable.print(out);
  }

  private static String text(JsonNode v) {
    return v == null || v.isMissingNode() || v.isNull() ? "-" : HumanFormat.inline(v);
  }
}
