package io.svcgate.jmx.impl;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.rmi.server.RMIServerSocketFactory;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * RMI server sockets bound to one address, plain or TLS. RMI shares one listening
 * port between the objects it exports with the same port and equal factories: the
 * registry and the connector server use the same instance, and since equality is
 * identity, a later connector (on the same port or not) never inherits a closed one's
 * endpoint.
 */
public final class BoundServerSocketFactory implements RMIServerSocketFactory {

  private static final int BACKLOG = 50;

  private final InetAddress address;
  private final SSLContext tls;

  /**
   * @param address the address to bind; a wildcard address binds every interface
   * @param tls     the TLS context, or null for plain sockets
   */
  public BoundServerSocketFactory(InetAddress address, SSLContext tls) {
    this.address = Objects.requireNonNull(address);
    this.tls = tls;
  }

  @Override
  public ServerSocket createServerSocket(int port) throws IOException {
    return tls == null ? new ServerSocket(port, BACKLOG, address)
        : tls.getServerSocketFactory().createServerSocket(port, BACKLOG, address);
  }
}
