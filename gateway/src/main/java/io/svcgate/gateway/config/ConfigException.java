package io.svcgate.gateway.config;

/** A configuration value or file that cannot be used; the message says which and why. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
