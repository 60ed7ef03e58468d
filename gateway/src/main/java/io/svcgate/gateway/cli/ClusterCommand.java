package io.svcgate.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code cluster}: the members of a gateway that runs as several members with one
 * history (docs/clustering.md): {@code cluster status} reads {@code GET /api/cluster},
 * {@code cluster members} changes the member list.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
    description = "The members of a clustered gateway (svcgate serve --cluster).",
    subcommands = {ClusterStatusCommand.class, ClusterMembersCommand.class})
final class ClusterCommand implements Callable<Integer> {

  static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Spec
  CommandSpec spec;

  /** Without a subcommand: the usage on stderr, exit 2. */
  @Override
  public Integer call() {
    return Main.missingSubcommand(spec);
  }

  /** The exception for an answer other than 2xx: a 404 means the gateway runs alone. */
  static CliException refused(GatewayClient gateway, GatewayClient.Answer a) {
    if (a.status() == 404) {
      return CliException.unreachable("the gateway at " + gateway.base() + " does not run as a cluster "
          + "(HTTP 404 on /api/cluster); start its members with serve --cluster, or point --server at one");
    }
    return gateway.refused(a.status(), a.body());
  }

  /**
   * Prints a {@code GET /api/cluster} document: two lines on the cluster and the
   * member that answered, then one row per member.
   */
  static void print(JsonNode c, PrintWriter out) {
    out.println("cluster " + text(c.path("name")) + ", term " + text(c.path("term")) + ", leader "
        + (c.path("leader").isTextual() ? c.get("leader").textValue() : "none"));
    out.println("answered by " + text(c.path("self")) + " (" + text(c.path("role")) + "), applied "
        + text(c.path("applied")) + ", epoch " + text(c.path("epoch")));
    out.println();
    Table t = new Table("MEMBER", "ROLE", "HTTP");
    c.path("members").forEach(m -> t.row(text(m.path("id")), text(m.path("role")), text(m.path("http"))));
    if (t.size() == 0) {
      out.println("no members");
    } else {
      t.print(out);
    }
  }

  private static String text(JsonNode v) {
    return v == null || v.isMissingNode() || v.isNull() ? "-" : HumanFormat.inline(v);
  }
}
