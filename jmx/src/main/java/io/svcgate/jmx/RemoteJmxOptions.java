package io.svcgate.jmx;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How to open remote JMX.
 *
 * @param host         bind address, and the host name clients are told to connect to
 *                     (unless {@code java.rmi.server.hostname} is set); {@code 0.0.0.0}
 *                     binds every interface
 * @param port         the one port of the RMI registry and the RMI server; 0 picks a free one
 * @param passwordFile JMX password file ({@code user password} lines), or null for none
 * @param accessFile   JMX access file ({@code user readonly|readwrite} lines), or null;
 *                     needs a password file
 * @param tls          whether the registry and the server speak TLS (the JSSE default
 *                     context, from the {@code javax.net.ssl.*} system properties)
 */
public record RemoteJmxOptions(String host, int port, Path passwordFile, Path accessFile, boolean tls) {

  /**
   * Checks the options.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public RemoteJmxOptions {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("jmx.host must not be empty");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("jmx.port must be a port number (0-65535), got " + port);
    }
    if (accessFile != null && passwordFile == null) {
      throw new IllegalArgumentException("jmx.access-file needs jmx.password-file: roles are given to "
          + "authenticated users");
    }
    readable("jmx.password-file", passwordFile);
    readable("jmx.access-file", accessFile);
  }

  private static void readable(String key, Path file) {
    if (file != null && !(Files.isRegularFile(file) && Files.isReadable(file))) {
      throw new IllegalArgumentException(key + ": " + file + " is not a readable file");
    }
  }
}
