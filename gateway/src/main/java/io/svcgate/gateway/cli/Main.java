package io.svcgate.gateway.cli;

import io.svcgate.gateway.BuildInfo;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Entry point of the {@code svcgate} and {@code om} launchers: {@code serve} runs
 * the gateway; {@code node events|wait|ls}, {@code daemon status} and
 * {@code cluster status|members} are clients of a running gateway (docs/cli.md).
 *
 * <p>Exit codes of the client commands: 0 done, 1 a wait timed out, 2 bad
 * arguments (with a short usage or the precise message), 3 the gateway is
 * unreachable or refuses. Messages go to stderr as one line prefixed with the
 * program name, which is {@code om} when the system property
 * {@code svcgate.program} says so (the {@code bin/om} launcher).
 */
@Command(name = "svcgate", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Event gateway for OpenSVC clusters: `serve` runs it, the other commands talk to it.",
    subcommands = {ServeCommand.class, NodeCommand.class, DaemonCommand.class, ClusterCommand.class})
public final class Main implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  /** The name the program was called by: {@code svcgate} or {@code om}. */
  public static String program() {
    String p = System.getProperty("svcgate.program");
    return p == null || p.isBlank() ? "svcgate" : p.trim();
  }

  /** Builds the command line; tests run it with captured streams ({@code setOut}, {@code setErr}). */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setCommandName(program());
    shareVersion(cl, cl.getCommandSpec().version());
    cl.setExitCodeExceptionMapper(e -> CliException.USAGE);
    cl.setParameterExceptionHandler((ex, args) -> {
      CommandLine cmd = ex.getCommandLine();
      PrintWriter err = cmd.getErr();
      err.println(program() + ": " + ex.getMessage());
      err.print(cmd.getHelp().synopsisHeading() + cmd.getHelp().synopsis(0));
      err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more.");
      err.flush();
      return CliException.USAGE;
    });
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      if (ex instanceof CliException c) {
        cmd.getErr().println(program() + ": " + c.getMessage());
        cmd.getErr().flush();
        return c.exitCode();
      }
      throw ex;
    });
    return cl;
  }

  /** {@code --version}: the build's version and revision (BuildInfo), under the name typed. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      BuildInfo b = BuildInfo.current();
      return new String[] {program() + " " + b.version() + " (" + b.revision() + ")"};
    }
  }

  /** Every subcommand's {@code --version} prints the program's version. */
  private static void shareVersion(CommandLine cl, String[] version) {
    cl.getCommandSpec().version(version);
    cl.getSubcommands().values().forEach(sub -> shareVersion(sub, version));
  }

  /** Without a subcommand: the usage on stderr, exit 2. */
  @Override
  public Integer call() {
    return missingSubcommand(spec);
  }

  static int missingSubcommand(CommandSpec spec) {
    PrintWriter err = spec.commandLine().getErr();
    err.println(program() + ": missing command");
    spec.commandLine().usage(err);
    err.flush();
    return CliException.USAGE;
  }

  /**
   * Netty's buffer events for Java Flight Recorder cost some 80 JFR classes at every start
   * (docs/operations.md, "Start time"): off unless {@code -Dio.netty.jfr.enabled} says otherwise.
   */
  static void nettyFlightRecorderOffByDefault() {
    if (System.getProperty("io.netty.jfr.enabled") == null) {
      System.setProperty("io.netty.jfr.enabled", "false");
    }
  }

  public static void main(String[] args) {
    nettyFlightRecorderOffByDefault();
    CommandLine cl = commandLine();
    // Unbuffered file streams, so that a closed pipe (`| head`) shows in checkError().
    cl.setOut(new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8)));
    cl.setErr(new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8),
        true));
    Interrupts.install();
    int code = cl.execute(args);
    cl.getOut().flush();
    cl.getErr().flush();
    if (code != 0 || (args.length > 0 && !"serve".equals(args[0]))) {
      System.exit(code);
    }
  }
}
