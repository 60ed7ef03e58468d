package io.svcgate.gateway.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code daemon}: the daemon commands of OpenSVC's {@code om}, against the gateway. */
@Command(name = "daemon", mixinStandardHelpOptions = true,
    description = "The cluster state.",
    subcommands = {StatusCommand.class})
final class DaemonCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  /** Without a subcommand: the usage on stderr, exit 2. */
  @Override
  public Integer call() {
    return Main.missingSubcommand(spec);
  }
}
