package io.svcgate.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.time.ZoneId;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code node ls}: the nodes the gateway knows, from {@code /api/nodes}, as an aligned table. */
@Command(name = "ls", mixinStandardHelpOptions = true, sortOptions = false,
    description = "List the nodes the gateway knows: liveness, merged generation, whether a full is awaited, "
        + "freeze, last heard.")
final class NodesCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--format", paramLabel = "FORMAT", converter = OutputFormat.Converter.class,
      description = "human (default) or json: the rows of /api/nodes")
  OutputFormat format = OutputFormat.HUMAN;

  @Mixin
  ClientOptions server;

  @Override
  public Integer call() {
    JsonNode rows = server.client().get("/api/nodes", new GatewayClient.Query(), StatusCommand.TIMEOUT).json();
    PrintWriter out = spec.commandLine().getOut();
    if (!rows.isArray()) {
      throw CliException.unreachable("the gateway's /api/nodes is not a list: " + CliJson.compact(rows));
    }
    if (format == OutputFormat.JSON) {
      out.println(CliJson.pretty(rows));
      out.flush();
      return 0;
    }
    HumanFormat fmt = new HumanFormat(ZoneId.systemDefault());
    Table t = new Table("NODE", "STATUS", "GEN", "NEEDS_FULL", "FROZEN", "LAST_SEEN");
    for (JsonNode r : rows) {
      JsonNode seen = r.path("last_seen");
      t.row(r.path("nodename").asText("-"), r.path("status").asText("-"), HumanFormat.inline(r.path("gen")),
          r.path("needs_full").asBoolean() ? "yes" : "no", fmt.frozen(r.path("frozen")),
          seen.isNumber() && seen.decimalValue().compareTo(BigDecimal.ZERO) > 0 ? fmt.tableTime(seen.decimalValue()) : "-");
    }
    if (t.size() == 0) {
      out.println("no nodes");
    } else {
      t.print(out);
    }
    out.flush();
    return 0;
  }
}
