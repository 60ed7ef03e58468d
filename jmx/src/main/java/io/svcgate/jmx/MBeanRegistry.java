package io.svcgate.jmx;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanRegistrationException;
import javax.management.MBeanServer;
import javax.management.NotCompliantMBeanException;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MBeans one gateway registered on one MBeanServer. Registering a name this
 * registry already holds replaces the bean; unregistering a name it does not hold
 * does nothing, so both are idempotent. A name held by someone else (another gateway
 * in the same JVM) is left alone: the first holder keeps it, and this registry says
 * so in the log and in {@link #register}'s answer. {@link #close} unregisters
 * everything this registry holds. Thread-safe.
 */
public final class MBeanRegistry implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MBeanRegistry.class);

  private final MBeanServer server;
  private final Set<ObjectName> held = new LinkedHashSet<>();

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
   * Registers (or replaces) {@code bean} under {@code name}.
   *
   * @return true when the bean is registered; false when another owner holds the name
   * @throws IllegalArgumentException when the bean is not a compliant MBean
   */
  public synchronized boolean register(ObjectName name, Object bean) {
    if (held.remove(name)) {
      unregisterQuietly(name);
    }
    try {
      server.registerMBean(bean, name);
      held.add(name);
      return true;
    } catch (InstanceAlreadyExistsException e) {
      LOG.warn("MBean {} is already registered by someone else in this JVM (another gateway?); "
          + "this gateway's bean is not registered", name);
      return false;
    } catch (NotCompliantMBeanException e) {
      throw new IllegalArgumentException(bean.getClass().getName() + " is not a compliant MBean: " + e.getMessage());
    } catch (MBeanRegistrationException e) {
      throw new IllegalStateException("registering " + name + " failed: " + e.getMessage(), e);
    }
  }

  /** Unregisters {@code name} when this registry holds it; does nothing otherwise. */
  public synchronized void unregister(ObjectName name) {
    if (held.remove(name)) {
      unregisterQuietly(name);
    }
  }

  /** Whether this registry holds {@code name}. */
  public synchronized boolean holds(ObjectName name) {
    return held.contains(name);
  }

  /** The names this registry holds, in registration order. */
  public synchronized List<ObjectName> names() {
    return List.copyOf(held);
  }

  private void unregisterQuietly(ObjectName name) {
    try {
      server.unregisterMBean(name);
    } catch (InstanceNotFoundException e) {
      // someone unregistered it behind our back: it is gone, which is what we want
    } catch (MBeanRegistrationException e) {
      LOG.warn("unregistering {} failed", name, e);
    }
  }

  /** Unregisters every bean this registry holds. */
  @Override
  public synchronized void close() {
    for (ObjectName n : List.copyOf(held)) {
      unregister(n);
    }
  }
}
