package io.svcgate.gateway.cli;

import io.svcgate.gateway.config.ConfigException;
import io.svcgate.gateway.config.GatewayConfig;
import picocli.CommandLine.Option;

/** The options every client command shares: where the gateway is and the token to show it. */
final class ClientOptions {

  /** The gateway's address when neither {@code --server} nor {@code $SVCGATE_SERVER} says. */
  static final String DEFAULT_SERVER = "http://127.0.0.1:1215";

  @Option(names = "--server", paramLabel = "URL[,URL…]", defaultValue = "${env:SVCGATE_SERVER}",
      description = {"the gateway's URL, or a comma list of gateways to fail over between, in order",
          "(default: $SVCGATE_SERVER, else " + DEFAULT_SERVER + ")"})
  String server;

  @Option(names = "--token", paramLabel = "T", defaultValue = "${env:SVCGATE_TOKEN}",
      description = "bearer token (default: $SVCGATE_TOKEN)")
  String token;

  @Option(names = "--token-file", paramLabel = "FILE", defaultValue = "${env:SVCGATE_TOKEN_FILE}",
      description = {"read the bearer token from FILE (default: $SVCGATE_TOKEN_FILE);",
          "--token and $SVCGATE_TOKEN win over it"})
  String tokenFile;

  /**
   * A client of the chosen gateways.
   *
   * @throws CliException (exit 2) for a bad, empty or repeated URL in the list or an unreadable token file
   */
  GatewayClient client() {
    return GatewayClient.of(server == null || server.isBlank() ? DEFAULT_SERVER : server, token());
  }

  private String token() {
    if ((token != null && !token.isBlank()) || tokenFile == null || tokenFile.isBlank()) {
      return token;
    }
    try {
      return GatewayConfig.readSecret("--token-file", tokenFile);
    } catch (ConfigException e) {
      throw CliException.usage(e.getMessage());
    }
  }
}
