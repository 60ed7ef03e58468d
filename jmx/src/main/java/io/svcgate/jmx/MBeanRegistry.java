package io.svcgate.jmx;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanRegistrationException;
import javax.management.MBeanServer;
import javax.management.NotCompliantMBeanException;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MBeans one gateway registers on one MBeanServer. Registering replaces whatever
 * is registered under the name (the last registration wins: a gateway started in a
 * JVM where an earlier one did not stop cleanly still shows its own beans);
 * unregistering only removes a bean this registry registered and still holds, so a
 * gateway that stops never removes another's. Both are idempotent. {@link #close}
 * unregisters everything this registry holds. Thread-safe.
 */
public final class MBeanRegistry implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MBeanRegistry.class);

  /** Who holds each name, across the registries of the JVM. */
  private static final Map<Key, MBeanRegistry> HOLDERS = new ConcurrentHashMap<>();

  private record Key(MBeanServer server, ObjectName name) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.server == server && k.name.equals(name);
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(server) * 31 + name.hashCode();
    }
  }

  private final MBeanServer server;

  public MBeanRegistry(MBeanServer server) {
    this.server = server;
  }

  /** A registry on the JVM's platform MBeanServer (the one JConsole attaches to). */
  public static MBeanRegistry platform() {
    return new MBeanRegistry(ManagementFactory.getPlatformMBeanServer());
  }

  public MBeanServer server() {
    return server;
  }

  /**
   * Registers {@code bean} under {@code name}, replacing what is there.
   *
   * @throws IllegalArgumentException when the bean is not a compliant MBean
   * @throws IllegalStateException    when the MBeanServer refuses it
   */
  public void register(ObjectName name, Object bean) {
    Key key = new Key(server, name);
    synchronized (HOLDERS) {
      MBeanRegistry previous = HOLDERS.remove(key);
      if (server.isRegistered(name)) {
        if (previous != this) {
          LOG.warn("MBean {} was registered by someone else in this JVM (another gateway?); replacing it", name);
        }
        unregisterQuietly(name);
      }
      try {
        server.registerMBean(bean, name);
        HOLDERS.put(key, this);
      } catch (InstanceAlreadyExistsException e) {
        throw new IllegalStateException(name + " was registered again while being replaced");
      } catch (NotCompliantMBeanException e) {
        throw new IllegalArgumentException(bean.getClass().getName() + " is not a compliant MBean: " + e.getMessage());
      } catch (MBeanRegistrationException e) {
        throw new IllegalStateException("registering " + name + " failed: " + e.getMessage(), e);
      }
    }
  }

  /** Unregisters {@code name} when this registry holds it; does nothing otherwise. */
  public void unregister(ObjectName name) {
    synchronized (HOLDERS) {
      if (HOLDERS.remove(new Key(server, name), this)) {
        unregisterQuietly(name);
      }
    }
  }

  /** Whether this registry holds {@code name}. */
  public boolean holds(ObjectName name) {
    return HOLDERS.get(new Key(server, name)) == this;
  }

  /** The names this registry holds. */
  public List<ObjectName> names() {
    List<ObjectName> out = new ArrayList<>();
    HOLDERS.forEach((k, r) -> {
      if (r == this) {
        out.add(k.name());
      }
    });
    return out;
  }

  private void unregisterQuietly(ObjectName name) {
    try {
      server.unregisterMBean(name);
    } catch (InstanceNotFoundException e) {
      // someone unregistered it meanwhile: it is gone, which is what we want
    } catch (MBeanRegistrationException e) {
      LOG.warn("unregistering {} failed", name, e);
    }
  }

  /** Unregisters every bean this registry holds. */
  @Override
  public void close() {
    for (ObjectName n : names()) {
      unregister(n);
    }
  }
}
