package io.svcgate.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cluster status}: {@code GET /api/cluster} as a table, or as JSON. */
@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Print the cluster's members, their roles, the leader and the term (GET /api/cluster).")
final class ClusterStatusCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--format", paramLabel = "FORMAT", converter = OutputFormat.Converter.class,
      description = "human (default) or json: the document of GET /api/cluster")
  OutputFormat format = OutputFormat.HUMAN;

  @Mixin
  ClientOptions server;

  @Override
  public Integer call() {
    GatewayClient gateway = server.client();
    GatewayClient.Answer a = gateway.send("/api/cluster", new GatewayClient.Query(), ClusterCommand.TIMEOUT);
    if (a.status() != 200) {
      throw ClusterCommand.refused(gateway, a);
    }
    JsonNode c = a.json();
    if (!c.isObject() || !c.path("members").isArray()) {
      throw CliException.unreachable("the gateway's /api/cluster has no 'members': " + CliJson.compact(c));
    }
    PrintWriter out = spec.commandLine().getOut();
    if (format == OutputFormat.JSON) {
      out.println(CliJson.pretty(c));
    } else {
      ClusterCommand.print(c, out);
    }
    out.flush();
    return 0;
  }
}
