package io.svcgate.jmx;

import java.rmi.Remote;
import java.rmi.RemoteException;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.UnicastRemoteObject;

/**
 * Another local process trying to take the remote JMX registry over, as an attacker
 * would: {@code RegistryIntruder <port> unbind|rebind|bind}. Prints {@code changed}
 * and exits 0 when the registry accepted the change, prints {@code refused <exception>}
 * and exits 3 when it refused it. Run in its own JVM by {@link RemoteJmxTest}.
 */
public final class RegistryIntruder {

  /** Stands for a fake connector server an attacker would bind in place of the real one. */
  public interface Fake extends Remote {
    String hello() throws RemoteException;
  }

  private static final class FakeServer implements Fake {
    @Override
    public String hello() {
      return "fake";
    }
  }

  private RegistryIntruder() {
  }

  public static void main(String[] args) throws Exception {
    Registry registry = LocateRegistry.getRegistry("127.0.0.1", Integer.parseInt(args[0]));
    FakeServer fake = new FakeServer();
    Remote stub = UnicastRemoteObject.exportObject(fake, 0);
    try {
      switch (args[1]) {
        case "unbind" -> registry.unbind("jmxrmi");
        case "rebind" -> registry.rebind("jmxrmi", stub);
        case "bind" -> registry.bind("other", stub);
        default -> throw new IllegalArgumentException(args[1]);
      }
      System.out.println("changed");
      System.out.flush();
      System.exit(0);
    } catch (RemoteException | java.rmi.AlreadyBoundException | java.rmi.NotBoundException e) {
      System.out.println("refused " + e.getClass().getName() + ": " + e.getMessage().replace('\n', ' '));
      System.out.flush();
      System.exit(3);
    } finally {
      UnicastRemoteObject.unexportObject(fake, true);
    }
  }
}
