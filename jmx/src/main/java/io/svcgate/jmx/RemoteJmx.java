package io.svcgate.jmx;

import io.svcgate.jmx.impl.BoundServerSocketFactory;
import io.svcgate.jmx.impl.ReadOnlyRegistry;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.rmi.NoSuchObjectException;
import java.rmi.registry.Registry;
import java.rmi.server.ExportException;
import java.rmi.server.RMIClientSocketFactory;
import java.rmi.server.UnicastRemoteObject;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;
import javax.management.remote.rmi.RMIJRMPServerImpl;
import javax.net.ssl.SSLContext;
import javax.rmi.ssl.SslRMIClientSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JMX connector server reachable on one fixed TCP port: the RMI registry and the
 * RMI server that the registry's {@code jmxrmi} stub points to share that port, so
 * one port mapping (Docker, a firewall rule, an SSH tunnel) is enough. Clients use
 * {@link #address()}, {@code service:jmx:rmi:///jndi/rmi://HOST:PORT/jmxrmi}.
 *
 * <p>With a password file, clients authenticate (credentials {@code String[]{user,
 * password}}); with an access file, each user gets {@code readonly} (read attributes,
 * no operations) or {@code readwrite}. With TLS, both the registry and the server
 * speak TLS with the JSSE default context.
 *
 * <p>The RMI stubs carry the host name clients must connect to: the
 * {@code java.rmi.server.hostname} system property when set, else the bind host
 * (which this class then sets as that property, JVM-wide). For a wildcard bind
 * address the property must be set by the operator.
 *
 * <p>The registry is read-only ({@link ReadOnlyRegistry}): it names the connector
 * and refuses {@code bind}, {@code rebind} and {@code unbind} from anyone, so no
 * other process can put a fake connector in its place.
 */
public final class RemoteJmx implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RemoteJmx.class);
  private static final String HOSTNAME_PROPERTY = "java.rmi.server.hostname";

  private final Registry registry;
  private final RMIConnectorServer server;
  private final JMXServiceURL address;
  private final int port;

  private RemoteJmx(Registry registry, RMIConnectorServer server, JMXServiceURL address, int port) {
    this.registry = registry;
    this.server = server;
    this.address = address;
    this.port = port;
  }

  /**
   * Opens the connector. Port 0 picks a free port (for tests; {@link #port()} tells which).
   *
   * @throws IOException when the port cannot be bound or the files cannot be read
   */
  public static RemoteJmx start(MBeanServer mbeans, RemoteJmxOptions options) throws IOException {
    InetAddress bind = InetAddress.getByName(options.host());
    String rmiHost = rmiHostname(options.host(), bind);
    SSLContext tls = null;
    if (options.tls()) {
      try {
        tls = SSLContext.getDefault();
      } catch (NoSuchAlgorithmException e) {
        throw new IOException("jmx.tls: no default TLS context: " + e.getMessage());
      }
    }
    BoundServerSocketFactory ssf = new BoundServerSocketFactory(bind, tls);
    RMIClientSocketFactory csf = options.tls() ? new SslRMIClientSocketFactory() : null;
    Map<String, Object> env = new HashMap<>();
    if (options.passwordFile() != null) {
      env.put("jmx.remote.x.password.file", options.passwordFile().toString());
    }
    if (options.accessFile() != null) {
      env.put("jmx.remote.x.access.file", options.accessFile().toString());
    }
    if (csf != null) {
      env.put(RMIConnectorServer.RMI_CLIENT_SOCKET_FACTORY_ATTRIBUTE, csf);
    }
    env.put(RMIConnectorServer.RMI_SERVER_SOCKET_FACTORY_ATTRIBUTE, ssf);
    if (options.port() != 0) {
      try {
        return open(mbeans, options, rmiHost, bind, options.port(), csf, ssf, env);
      } catch (ExportException e) {
        throw new IOException("remote JMX cannot listen on " + options.host() + ":" + options.port() + ": "
            + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
      }
    }
    // RMI never closes a listener it opened on port 0: pick a free port and use it as fixed
    for (int attempt = 1; ; attempt++) {
      try {
        return open(mbeans, options, rmiHost, bind, freePort(bind), csf, ssf, env);
      } catch (ExportException e) {
        if (attempt == 5) {
          throw e;
        }
      }
    }
  }

  /**
   * Starts the connector server on {@code port}, then the read-only registry that
   * names it, on the same port (they share the listener: same port, same factory).
   */
  private static RemoteJmx open(MBeanServer mbeans, RemoteJmxOptions options, String rmiHost, InetAddress bind, int port,
                                RMIClientSocketFactory csf, BoundServerSocketFactory ssf, Map<String, Object> env)
      throws IOException {
    RMIJRMPServerImpl impl = new RMIJRMPServerImpl(port, csf, ssf, env);
    RMIConnectorServer server = new RMIConnectorServer(new JMXServiceURL("rmi", rmiHost, port), env, impl, mbeans);
    server.start();
    Registry registry;
    try {
      registry = new ReadOnlyRegistry(port, csf, ssf, "jmxrmi", impl.toStub());
    } catch (IllegalAccessError e) {
      server.stop();
      throw new IOException("remote JMX needs the JVM option --add-exports java.rmi/sun.rmi.registry=ALL-UNNAMED "
          + "(the svcgate jar sets it when run with java -jar; see docs/jmx.md)");
    } catch (IOException | RuntimeException e) {
      server.stop();
      throw e;
    }
    String h = bind instanceof Inet6Address && rmiHost.contains(":") ? "[" + rmiHost + "]" : rmiHost;
    JMXServiceURL address = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://" + h + ":" + port + "/jmxrmi");
    LOG.info("remote JMX on {} (bound to {}{}{}{}; read-only registry)", address, options.host(),
        options.tls() ? ", TLS" : "", options.passwordFile() != null ? ", password file" : ", NO authentication",
        options.accessFile() != null ? ", access file" : "");
    return new RemoteJmx(registry, server, address, port);
  }

  private static int freePort(InetAddress bind) throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, bind)) {
      return s.getLocalPort();
    }
  }

  private static String rmiHostname(String host, InetAddress bind) throws IOException {
    String property = System.getProperty(HOSTNAME_PROPERTY);
    if (property != null && !property.isBlank()) {
      return property;
    }
    if (bind.isAnyLocalAddress()) {
      String local = InetAddress.getLocalHost().getHostName();
      LOG.warn("remote JMX binds every interface and {} is not set: RMI tells clients to connect to {}; set "
          + "-D{}=<the name clients use> (see docs/jmx.md)", HOSTNAME_PROPERTY, local, HOSTNAME_PROPERTY);
      return local;
    }
    System.setProperty(HOSTNAME_PROPERTY, host);
    return host;
  }

  /** The address clients connect to. */
  public JMXServiceURL address() {
    return address;
  }

  /** The port of the registry and the server. */
  public int port() {
    return port;
  }

  /** Stops the connector (closing client connections) and frees the port. Idempotent. */
  @Override
  public void close() {
    try {
      server.stop();
    } catch (IOException e) {
      LOG.warn("stopping the JMX connector failed", e);
    }
    unexport(registry);
  }

  private static void unexport(Registry registry) {
    try {
      UnicastRemoteObject.unexportObject(registry, true);
    } catch (NoSuchObjectException e) {
      // already gone
    }
  }
}
