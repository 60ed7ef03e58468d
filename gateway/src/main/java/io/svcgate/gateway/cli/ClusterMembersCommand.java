package io.svcgate.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cluster members H:P,…}: sets the cluster's member list through Raft's own
 * configuration change, {@code PUT /api/cluster/members} with
 * {@code {"members": ["H:P", …]}} (role admin), and prints the answer.
 */
@Command(name = "members", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Set the cluster's members (their Raft addresses H:P, this list replaces the current one): "
        + "to replace a dead machine, or to grow from 3 to 5 members. Needs an admin token."})
final class ClusterMembersCommand implements Callable<Integer> {

  /** {@code host:port}, the host a name, an IPv4 address or an IPv6 address in brackets. */
  private static final Pattern MEMBER = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)"
      + ":([0-9]{1,5})");

  /** A change may take the group 30 s to commit before it answers (503 then): wait for that answer. */
  static final Duration CHANGE_TIMEOUT = Duration.ofSeconds(60);

  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "H:P[,H:P…]", arity = "1..*",
      description = "the members' Raft addresses (host:port), comma or space separated, this one included")
  List<String> members;

  @Option(names = "--format", paramLabel = "FORMAT", converter = OutputFormat.Converter.class,
      description = "human (default) or json: the gateway's answer as is")
  OutputFormat format = OutputFormat.HUMAN;

  @Mixin
  ClientOptions server;

  @Override
  public Integer call() {
    List<String> list = parse(members);
    GatewayClient gateway = server.client();
    ObjectNode body = CliJson.NODES.objectNode();
    ArrayNode array = body.putArray("members");
    list.forEach(array::add);
    byte[] bytes = CliJson.compact(body).getBytes(StandardCharsets.UTF_8);
    GatewayClient.Answer a = gateway.send(() -> new GatewayClient.Request("PUT", "/api/cluster/members",
        new GatewayClient.Query(), bytes, CHANGE_TIMEOUT));
    if (a.status() / 100 != 2) {
      throw ClusterCommand.refused(gateway, a);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (a.body().length > 0) {
      JsonNode j = a.json();
      if (format == OutputFormat.HUMAN && j.isObject() && j.path("members").isArray() && j.has("self")) {
        ClusterCommand.print(j, out);
      } else {
        out.println(CliJson.pretty(j));
      }
    } else if (format == OutputFormat.HUMAN) {
      out.println("members set: " + String.join(", ", list));
    }
    out.flush();
    return 0;
  }

  /** The members in order, each checked. @throws CliException (exit 2) for a bad, empty or repeated item */
  static List<String> parse(List<String> args) {
    List<String> list = new ArrayList<>();
    for (String arg : args) {
      for (String item : arg.split(",", -1)) {
        String m = item.trim();
        if (m.isEmpty()) {
          throw CliException.usage("members: empty item in '" + arg + "'; expected host:port items separated by commas");
        }
        Matcher x = MEMBER.matcher(m);
        int port = x.matches() ? Integer.parseInt(x.group(3)) : 0;
        if (port < 1 || port > 65535) {
          throw CliException.usage("members: expected host:port (a Raft address such as 127.0.0.1:7101), got '"
              + m + "'");
        }
        String normal = m.toLowerCase(Locale.ROOT);
        if (list.stream().anyMatch(o -> o.toLowerCase(Locale.ROOT).equals(normal))) {
          throw CliException.usage("members: " + m + " is listed twice");
        }
        list.add(m);
      }
    }
    return list;
  }
}
