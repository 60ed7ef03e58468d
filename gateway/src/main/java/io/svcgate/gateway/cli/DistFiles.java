package io.svcgate.gateway.cli;

import io.svcgate.gateway.BuildInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Writes the files of the install package that come from the command line's picocli
 * model, so that they never drift from it: bash completion (also for zsh, through
 * {@code bashcompinit}) and a man page, each for {@code svcgate} and {@code om}. The
 * build runs it ({@code exec-maven-plugin}, docs/install.md):
 * {@code DistFiles <dir>} writes {@code <dir>/completion/<name>} and
 * {@code <dir>/man/man1/<name>.1}.
 */
public final class DistFiles {

  /** The names the command line answers to. */
  static final List<String> PROGRAMS = List.of("svcgate", "om");

  private DistFiles() {
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: DistFiles <output directory>");
      System.exit(2);
    }
    Path out = Path.of(args[0]);
    Files.createDirectories(out.resolve("completion"));
    Files.createDirectories(out.resolve("man/man1"));
    for (String name : PROGRAMS) {
      CommandLine cl = commandLine(name);
      Files.writeString(out.resolve("completion").resolve(name), AutoComplete.bash(name, cl));
      Files.writeString(out.resolve("man/man1").resolve(name + ".1"), manPage(cl, name));
    }
  }

  /** The command line under {@code name}, as the launcher of that name builds it. */
  static CommandLine commandLine(String name) {
    CommandLine cl = new CommandLine(new Main());
    cl.setCommandName(name);
    return cl;
  }

  /** The man page (troff, man macros) of the whole command tree. */
  static String manPage(CommandLine cl, String name) {
    BuildInfo build = BuildInfo.current();
    StringBuilder m = new StringBuilder();
    m.append(".\\\" Generated from the command line's picocli model at build time (DistFiles); do not edit.\n");
    m.append(".TH ").append(name.toUpperCase(Locale.ROOT)).append(" 1 \"\" \"svcgate ").append(esc(build.version()))
        .append("\" \"User Commands\"\n");
    m.append(".SH NAME\n").append(esc(name)).append(" \\- ")
        .append(esc(name.equals("om") ? "OpenSVC-compatible client of the svcgate event gateway"
            : "event gateway for OpenSVC clusters, and its client"))
        .append('\n');
    m.append(".SH SYNOPSIS\n");
    synopsis(m, cl);
    m.append(".SH DESCRIPTION\n");
    paragraph(m, String.join(" ", cl.getCommandSpec().usageMessage().description()));
    if (name.equals("om")) {
      paragraph(m, "om is svcgate under the name OpenSVC users type: the same commands, messages prefixed with om.");
    }
    m.append(".SH OPTIONS\n");
    options(m, cl.getCommandSpec());
    m.append(".SH COMMANDS\n");
    commands(m, cl);
    m.append(".SH EXIT STATUS\n");
    item(m, "0", "done: a wait satisfied; events ended by Ctrl-C, --limit or --duration; serve stopped gracefully");
    item(m, "1", "node wait timed out; serve did not stop cleanly within 30 s");
    item(m, "2", "bad arguments or configuration (the message says which)");
    item(m, "3", "the gateway is unreachable, refuses or is not ready; serve cannot start");
    item(m, "127", "not installed: the launcher found no svcgate.jar or no Java runtime");
    m.append(".SH ENVIRONMENT\n");
    item(m, "SVCGATE_SERVER", "the gateway's URL for the client commands, or a comma list of gateways to fail over "
        + "between (default http://127.0.0.1:1215)");
    item(m, "SVCGATE_TOKEN, SVCGATE_TOKEN_FILE", "the bearer token of the client commands, or a file holding it");
    item(m, "SVCGATE_*", "every configuration key of serve, e.g. SVCGATE_HTTP_PORT for http.port; secrets also as SVCGATE_*_FILE");
    item(m, "SVCGATE_LOG_LEVEL", "the log level of serve (default INFO)");
    item(m, "JAVA_OPTS", "options for the JVM, added after the launcher's");
    item(m, "JAVA_HOME", "the Java runtime to use (else java on the PATH)");
    m.append(".SH FILES\n");
    item(m, "/etc/svcgate/svcgate.yaml", "the configuration, with serve --config (the systemd unit's)");
    item(m, "/etc/svcgate/node.conf", "hooks (hooks.file)");
    item(m, "/var/lib/svcgate", "the data directory of the systemd unit (data)");
    m.append(".SH SEE ALSO\n");
    paragraph(m, "The documentation in the docs/ folder of the package: install.md, configuration.md, cli.md, "
        + "api.md, operations.md, docker.md.");
    return m.toString();
  }

  private static Help help(CommandSpec spec) {
    return new Help(spec, Help.defaultColorScheme(Help.Ansi.OFF));
  }

  private static void synopsis(StringBuilder m, CommandLine cl) {
    m.append(".nf\n").append(esc(help(cl.getCommandSpec()).synopsis(0).strip())).append("\n.fi\n");
  }

  private static void commands(StringBuilder m, CommandLine cl) {
    for (CommandLine sub : cl.getSubcommands().values()) {
      CommandSpec spec = sub.getCommandSpec();
      if (spec.usageMessage().hidden()) {
        continue;
      }
      m.append(".SS \"").append(esc(spec.qualifiedName())).append("\"\n");
      synopsis(m, sub);
      paragraph(m, String.join(" ", spec.usageMessage().description()));
      for (PositionalParamSpec p : spec.positionalParameters()) {
        if (!p.hidden()) {
          item(m, p.paramLabel(), String.join(" ", p.description()));
        }
      }
      options(m, spec);
      commands(m, sub);
    }
  }

  private static void options(StringBuilder m, CommandSpec spec) {
    for (OptionSpec o : spec.options()) {
      if (o.hidden()) {
        continue;
      }
      String names = String.join(", ", o.names()) + (o.arity().max() > 0 ? "=" + o.paramLabel() : "");
      item(m, names, String.join(" ", o.description()));
    }
  }

  private static void item(StringBuilder m, String term, String text) {
    m.append(".TP\n.B ").append(esc(term)).append('\n').append(line(text)).append('\n');
  }

  private static void paragraph(StringBuilder m, String text) {
    if (!text.isBlank()) {
      m.append(".PP\n").append(line(text)).append('\n');
    }
  }

  /** Text as one troff line: escaped, and never starting with a control character. */
  private static String line(String text) {
    String t = esc(text.replaceAll("\\s+", " ").strip());
    return t.startsWith(".") || t.startsWith("'") ? "\\&" + t : t;
  }

  /**
   * Escapes troff's backslash, marks hyphens as minus signs (options stay copy-pasteable)
   * and writes other than ASCII as groff's Unicode escapes.
   */
  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    s.codePoints().forEach(c -> {
      if (c == '\\') {
        b.append("\\e");
      } else if (c == '-') {
        b.append("\\-");
      } else if (c > 126) {
        b.append(String.format(Locale.ROOT, "\\[u%04X]", c));
      } else {
        b.appendCodePoint(c);
      }
    });
    return b.toString();
  }
}
