package io.svcgate.jmx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.MBeanServerConnection;
import javax.management.MBeanServerFactory;
import javax.management.Notification;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Remote JMX on one loopback port, as JConsole or jmxterm would use it. */
@Timeout(60)
class RemoteJmxTest {

  @TempDir
  Path dir;
  MBeanServer server = MBeanServerFactory.newMBeanServer();
  MBeanRegistry registry = new MBeanRegistry(server);
  ExecutorService listeners = Executors.newSingleThreadExecutor();
  GatewayBean gateway = new GatewayBean(new Fakes.Gateway(), Duration.ofSeconds(5), listeners);
  Fakes.Node node = new Fakes.Node();
  RemoteJmx remote;

  @BeforeEach
  void register() {
    registry.register(ObjectNames.GATEWAY, gateway);
    registry.register(ObjectNames.node("n1"), new NodeBean(node, Duration.ofSeconds(5)));
  }

  @AfterEach
  void close() {
    if (remote != null) {
      remote.close();
    }
    registry.close();
    listeners.shutdownNow();
  }

  private static JMXConnector connect(RemoteJmx remote, String user, String password) throws IOException {
    Map<String, Object> env = user == null ? Map.of() : Map.of(JMXConnector.CREDENTIALS, new String[] {user, password});
    return JMXConnectorFactory.connect(remote.address(), env);
  }

  @Test
  void withoutCredentialsEverythingIsOpenOnOnePort() throws Exception {
    remote = RemoteJmx.start(server, new RemoteJmxOptions("127.0.0.1", 0, null, null, false));
    assertThat(remote.port()).isPositive();
    assertThat(remote.address().toString())
        .isEqualTo("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + remote.port() + "/jmxrmi");
    try (JMXConnector c = connect(remote, null, null)) {
      MBeanServerConnection mbsc = c.getMBeanServerConnection();
      GatewayMXBean g = JMX.newMXBeanProxy(mbsc, ObjectNames.GATEWAY, GatewayMXBean.class);
      assertThat(g.getNodeName()).isEqualTo("gw1");
      assertThat(g.waitFor("a==1", "1s")).isEqualTo(new WaitOutcome(true, 0.25, 7));
      assertThatThrownBy(() -> g.status("[x")).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("filter: unexpected '[' at 0");
      JMX.newMXBeanProxy(mbsc, ObjectNames.node("n1"), NodeMXBean.class).askFull();
      assertThat(node.askFulls).hasValue(1);

      BlockingQueue<Notification> got = new LinkedBlockingQueue<>();
      mbsc.addNotificationListener(ObjectNames.GATEWAY, (n, hb) -> got.add(n), null, null);
      gateway.sendEvent("svcgate.event.node_thaw", 23, 5_000, "n1 node_thaw", "{\"id\":23}");
      Notification n = got.poll(20, TimeUnit.SECONDS);
      assertThat(n).isNotNull();
      assertThat(n.getType()).isEqualTo("svcgate.event.node_thaw");
      assertThat(n.getSequenceNumber()).isEqualTo(23);
      assertThat(n.getUserData()).isEqualTo("{\"id\":23}");
    }
  }

  @Test
  void passwordAndAccessFilesGiveReadOnlyAndReadWriteRoles() throws Exception {
    Path passwords = Files.writeString(dir.resolve("jmx.password"), "monitor s3cret\nadmin t0psecret\n");
    Path access = Files.writeString(dir.resolve("jmx.access"), "monitor readonly\nadmin readwrite\n");
    remote = RemoteJmx.start(server, new RemoteJmxOptions("127.0.0.1", 0, passwords, access, false));

    assertThatThrownBy(() -> connect(remote, null, null)).isInstanceOf(SecurityException.class);
    assertThatThrownBy(() -> connect(remote, "monitor", "wrong")).isInstanceOf(SecurityException.class);

    try (JMXConnector c = connect(remote, "monitor", "s3cret")) {
      NodeMXBean n = JMX.newMXBeanProxy(c.getMBeanServerConnection(), ObjectNames.node("n1"), NodeMXBean.class);
      assertThat(n.getGen()).isEqualTo(12);
      assertThatThrownBy(n::askFull).isInstanceOf(SecurityException.class);
      assertThat(node.askFulls).hasValue(0);
    }
    try (JMXConnector c = connect(remote, "admin", "t0psecret")) {
      JMX.newMXBeanProxy(c.getMBeanServerConnection(), ObjectNames.node("n1"), NodeMXBean.class).askFull();
      assertThat(node.askFulls).hasValue(1);
    }
  }

  @Test
  void closingFreesThePortAndBadOptionsAreRefused() throws Exception {
    remote = RemoteJmx.start(server, new RemoteJmxOptions("127.0.0.1", 0, null, null, false));
    int port = remote.port();
    remote.close();
    remote = null;
    // the same fixed port can be opened again: RMI closes its listener in the
    // background after close(), so the port comes free within moments, not at once
    remote = startWhenFree(port);
    try (JMXConnector c = connect(remote, null, null)) {
      assertThat(c.getMBeanServerConnection().isRegistered(ObjectNames.GATEWAY)).isTrue();
    }

    assertThatThrownBy(() -> new RemoteJmxOptions("127.0.0.1", 70000, null, null, false))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("jmx.port must be a port number (0-65535), got 70000");
    assertThatThrownBy(() -> new RemoteJmxOptions("127.0.0.1", 0, null, dir.resolve("a"), false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("jmx.access-file needs jmx.password-file");
    assertThatThrownBy(() -> new RemoteJmxOptions("127.0.0.1", 0, dir.resolve("nope"), null, false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageEndingWith("nope is not a readable file");
  }

  @Test
  void anotherLocalProcessCannotUnbindOrRebindTheConnector() throws Exception {
    Path passwords = Files.writeString(dir.resolve("jmx.password"), "admin t0psecret\n");
    remote = RemoteJmx.start(server, new RemoteJmxOptions("127.0.0.1", 0, passwords, null, false));
    for (String change : new String[] {"unbind", "rebind", "bind"}) {
      String out = intrude(remote.port(), change);
      assertThat(out).as(change).startsWith("refused java.rmi.");
    }
    java.rmi.registry.Registry r = java.rmi.registry.LocateRegistry.getRegistry("127.0.0.1", remote.port());
    assertThat(r.list()).containsExactly("jmxrmi");
    assertThat(r.lookup("jmxrmi")).isInstanceOf(javax.management.remote.rmi.RMIServer.class);
    // the real connector is still the one clients reach, and it still asks for the password
    assertThatThrownBy(() -> connect(remote, null, null)).isInstanceOf(SecurityException.class);
    try (JMXConnector c = connect(remote, "admin", "t0psecret")) {
      assertThat(c.getMBeanServerConnection().isRegistered(ObjectNames.GATEWAY)).isTrue();
    }
  }

  /** Runs {@link RegistryIntruder} in a JVM of its own; its one line of output. */
  private static String intrude(int port, String change) throws Exception {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
        RegistryIntruder.class.getName(), Integer.toString(port), change)
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isEqualTo(out.startsWith("changed") ? 0 : 3);
    return out;
  }

  /** Starts on {@code port} as soon as the previous connector's listener is gone; fails after 10 s. */
  private RemoteJmx startWhenFree(int port) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      try {
        return RemoteJmx.start(server, new RemoteJmxOptions("127.0.0.1", port, null, null, false));
      } catch (IOException e) {
        if (System.nanoTime() > deadline || !String.valueOf(e.getMessage()).contains("in use")) {
          throw e;
        }
        java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
      }
    }
  }
}
