package io.svcgate.gateway.management;

import static io.svcgate.gateway.TestGateway.event;
import static io.svcgate.gateway.TestGateway.full;
import static io.svcgate.gateway.TestGateway.nodeData;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.svcgate.gateway.Awaits;
import io.svcgate.gateway.TestGateway;
import io.svcgate.gateway.config.ConfigKey;
import io.svcgate.jmx.GatewayMXBean;
import io.svcgate.jmx.NodeMXBean;
import io.svcgate.jmx.ObjectNames;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.management.JMX;
import javax.management.MBeanServerConnection;
import javax.management.Notification;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A real gateway with remote JMX on a loopback port, used as JConsole would. */
@Timeout(90)
class RemoteJmxGatewayTest {

  @TempDir
  Path dir;
  TestGateway gw;
  int port;

  @AfterEach
  void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private void start(Map<ConfigKey, String> extra) throws Exception {
    port = freePort();
    Map<ConfigKey, String> config = new java.util.HashMap<>(extra);
    config.put(ConfigKey.JMX_PORT, Integer.toString(port));
    config.put(ConfigKey.JMX_HOST, "127.0.0.1");
    gw = TestGateway.start(dir, config);
  }

  private JMXConnector connect(String user, String password) throws IOException {
    JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
    return JMXConnectorFactory.connect(url, user == null ? Map.of()
        : Map.of(JMXConnector.CREDENTIALS, new String[] {user, password}));
  }

  @Test
  void withoutCredentialsAJmxClientSeesEverything() throws Exception {
    start(Map.of());
    gw.ingest(full("n1", 2, nodeData(0)));
    try (JMXConnector c = connect(null, null)) {
      MBeanServerConnection mbsc = c.getMBeanServerConnection();
      GatewayMXBean g = JMX.newMXBeanProxy(mbsc, ObjectNames.GATEWAY, GatewayMXBean.class);
      assertThat(g.getNodeName()).isEqualTo("gw-test");
      assertThat(g.waitFor("monitor.nodes.n1.frozen=0", "1s").satisfied()).isTrue();
      Awaits.until("the n1 bean over remote JMX", () -> {
        try {
          return mbsc.isRegistered(ObjectNames.node("n1"));
        } catch (IOException e) {
          throw new AssertionError(e);
        }
      });
      NodeMXBean n1 = JMX.newMXBeanProxy(mbsc, ObjectNames.node("n1"), NodeMXBean.class);
      assertThat(n1.getGen()).isEqualTo(2);
      n1.askFull();

      BlockingQueue<Notification> got = new LinkedBlockingQueue<>();
      mbsc.addNotificationListener(ObjectNames.GATEWAY, (n, hb) -> got.add(n), null, null);
      long id = gw.post("/api/events", event("n1", "node_thaw", null)).bodyAsJsonObject().getLong("id");
      Notification n = got.poll(30, TimeUnit.SECONDS);
      assertThat(n).as("a notification").isNotNull();
      assertThat(n.getType()).isEqualTo("svcgate.event.node_thaw");
      assertThat(n.getSequenceNumber()).isEqualTo(id);
      assertThat(n.getMessage()).isEqualTo("n1 node_thaw");
      assertThat(new JsonObject((String) n.getUserData()).getLong("id")).isEqualTo(id);
    }
    gw.close();
    gw = null;
    // stopping the gateway closes the port
    assertThatThrownBy(() -> {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      }
    }).isInstanceOf(IOException.class);
  }

  @Test
  void aReadOnlyUserReadsButCannotAskForAFull() throws Exception {
    Path passwords = Files.writeString(dir.resolve("jmx.password"), "monitor s3cret\nadmin t0psecret\n");
    Path access = Files.writeString(dir.resolve("jmx.access"), "monitor readonly\nadmin readwrite\n");
    start(Map.of(ConfigKey.JMX_PASSWORD_FILE, passwords.toString(), ConfigKey.JMX_ACCESS_FILE, access.toString()));
    gw.ingest(full("n1", 3, nodeData(0)));
    Awaits.until("the n1 bean", () -> JmxTest.PLATFORM.isRegistered(ObjectNames.node("n1")));

    assertThatThrownBy(() -> connect(null, null)).isInstanceOf(SecurityException.class);
    assertThatThrownBy(() -> connect("monitor", "guess")).isInstanceOf(SecurityException.class);

    try (JMXConnector c = connect("monitor", "s3cret")) {
      MBeanServerConnection mbsc = c.getMBeanServerConnection();
      NodeMXBean n1 = JMX.newMXBeanProxy(mbsc, ObjectNames.node("n1"), NodeMXBean.class);
      assertThat(n1.getGen()).isEqualTo(3);
      assertThat(JMX.newMXBeanProxy(mbsc, ObjectNames.GATEWAY, GatewayMXBean.class).getNodeCount()).isEqualTo(1);
      assertThatThrownBy(n1::askFull).isInstanceOf(SecurityException.class);
      assertThat(n1.isNeedsFull()).isFalse();
    }
    try (JMXConnector c = connect("admin", "t0psecret")) {
      NodeMXBean n1 = JMX.newMXBeanProxy(c.getMBeanServerConnection(), ObjectNames.node("n1"), NodeMXBean.class);
      n1.askFull();
      assertThat(n1.isNeedsFull()).as("the next read after the operation").isTrue();
    }
  }

  @Test
  void badRemoteSettingsStopTheStartWithAClearMessage() throws Exception {
    port = freePort();
    assertThatThrownBy(() -> TestGateway.start(dir, Map.of(ConfigKey.JMX_PORT, Integer.toString(port),
        ConfigKey.JMX_ACCESS_FILE, dir.resolve("jmx.access").toString())))
        .hasMessageContaining("jmx.access-file needs jmx.password-file");
    assertThat(JmxTest.PLATFORM.queryNames(new javax.management.ObjectName("svcgate:*"), null)).isEmpty();

    // a port that is taken
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(() -> TestGateway.start(dir, Map.of(ConfigKey.JMX_PORT,
          Integer.toString(taken.getLocalPort())))).hasMessageStartingWith("remote JMX cannot listen on 127.0.0.1:"
          + taken.getLocalPort() + ": ").hasMessageContaining("in use");
    }
    assertThat(JmxTest.PLATFORM.queryNames(new javax.management.ObjectName("svcgate:*"), null)).isEmpty();
  }
}
