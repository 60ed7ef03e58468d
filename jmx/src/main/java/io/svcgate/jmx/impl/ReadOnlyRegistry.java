package io.svcgate.jmx.impl;

import java.io.ObjectInputFilter;
import java.rmi.AccessException;
import java.rmi.NotBoundException;
import java.rmi.Remote;
import java.rmi.RemoteException;
import java.rmi.server.RMIClientSocketFactory;
import java.rmi.server.RMIServerSocketFactory;
import sun.rmi.registry.RegistryImpl;

/**
 * An RMI registry that holds one entry, fixed when it is made, and refuses every
 * change: {@code bind}, {@code rebind} and {@code unbind} throw
 * {@link AccessException} whoever calls them. The JDK's registry accepts changes
 * from any process on the local host without logging in, so another local user
 * could replace the connector with a fake one and collect the credentials clients
 * send it; the JDK's own management agent ({@code -Dcom.sun.management.jmxremote.port})
 * uses a read-only registry for that reason, and so does svcgate (docs/security.md).
 *
 * <p>Nothing a client sends is deserialized beyond the names it looks up: the
 * registry's input filter rejects every object, so the arguments of a
 * {@code bind} or {@code rebind} are refused before they are read.
 *
 * <p>It extends the JDK's registry implementation, which lives in a package the
 * {@code java.rmi} module does not export: the JVM needs
 * {@code --add-exports java.rmi/sun.rmi.registry=ALL-UNNAMED} (the svcgate jar's
 * manifest gives it when run with {@code java -jar}).
 */
public final class ReadOnlyRegistry extends RegistryImpl {

  private static final long serialVersionUID = 1L;

  private final String name;
  private final transient Remote entry;

  /**
   * Exports the registry on {@code port} with the given socket factories.
   *
   * @throws RemoteException when it cannot be exported (the port is in use…)
   */
  public ReadOnlyRegistry(int port, RMIClientSocketFactory csf, RMIServerSocketFactory ssf, String name, Remote entry)
      throws RemoteException {
    super(port, csf, ssf, ReadOnlyRegistry::rejectEveryObject);
    this.name = name;
    this.entry = entry;
  }

  private static ObjectInputFilter.Status rejectEveryObject(ObjectInputFilter.FilterInfo info) {
    return ObjectInputFilter.Status.REJECTED;
  }

  @Override
  public String[] list() {
    return new String[] {name};
  }

  @Override
  public Remote lookup(String lookedUp) throws NotBoundException {
    if (name.equals(lookedUp)) {
      return entry;
    }
    throw new NotBoundException("not bound: \"" + lookedUp + "\" (only \"" + name + "\" is)");
  }

  @Override
  public void bind(String n, Remote obj) throws AccessException {
    throw refused();
  }

  @Override
  public void rebind(String n, Remote obj) throws AccessException {
    throw refused();
  }

  @Override
  public void unbind(String n) throws AccessException {
    throw refused();
  }

  private static AccessException refused() {
    return new AccessException("this registry is read-only: it cannot be changed");
  }
}
