package io.svcgate.gateway.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code svcgate} and {@code om} launchers: {@code serve} runs
 * the gateway; the other commands are clients of a running gateway (cli.md).
 */
@Command(name = "svcgate", mixinStandardHelpOptions = true, version = "svcgate 0.1.0",
    description = "Event gateway for OpenSVC clusters.",
    subcommands = {ServeCommand.class})
public final class Main {

  /** Builds the command line; tests run it with captured streams. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExitCodeExceptionMapper(e -> 2);
    cl.setParameterExceptionHandler((ex, args) -> {
      ex.getCommandLine().getErr().println("svcgate: " + ex.getMessage());
      ex.getCommandLine().getErr().println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
      return 2;
    });
    return cl;
  }

  public static void main(String[] args) {
    int code = commandLine().execute(args);
    if (code != 0 || (args.length > 0 && !"serve".equals(args[0]))) {
      System.exit(code);
    }
  }
}
