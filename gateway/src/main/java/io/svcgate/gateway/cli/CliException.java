package io.svcgate.gateway.cli;

/**
 * A failure a client command reports as one line on stderr (prefixed by the
 * program name) and an exit code of docs/cli.md: 2 bad arguments, 3 gateway
 * unreachable or refusing.
 */
final class CliException extends RuntimeException {

  /** Bad arguments: a condition, a duration, a URL, a flag value (docs/cli.md). */
  static final int USAGE = 2;
  /** The gateway is unreachable, refuses the request or answers something unusable. */
  static final int UNREACHABLE = 3;

  private final int exitCode;

  CliException(int exitCode, String message) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  static CliException usage(String message) {
    return new CliException(USAGE, message);
  }

  static CliException unreachable(String message) {
    return new CliException(UNREACHABLE, message);
  }

  int exitCode() {
    return exitCode;
  }
}
