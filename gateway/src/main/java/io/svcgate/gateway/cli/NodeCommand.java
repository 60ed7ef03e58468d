package io.svcgate.gateway.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code node}: the node commands of OpenSVC's {@code om}, against the gateway. */
@Command(name = "node", mixinStandardHelpOptions = true,
    description = "Events, waits and the nodes table.",
    subcommands = {EventsCommand.class, WaitCommand.class, NodesCommand.class})
final class NodeCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  /** Without a subcommand: the usage on stderr, exit 2. */
  @Override
  public Integer call() {
    return Main.missingSubcommand(spec);
  }
}
