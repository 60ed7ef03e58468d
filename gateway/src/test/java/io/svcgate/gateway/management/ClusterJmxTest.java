package io.svcgate.gateway.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.svcgate.gateway.FakeCluster;
import io.svcgate.gateway.TestGateway;
import io.svcgate.gateway.cluster.ClusterStatus.Role;
import io.svcgate.gateway.config.ConfigKey;
import io.svcgate.jmx.ClusterMXBean;
import io.svcgate.jmx.ClusterMember;
import io.svcgate.jmx.ObjectNames;
import io.vertx.core.Future;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import javax.management.Attribute;
import javax.management.JMX;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code svcgate:type=Cluster} over a real remote JMX connector with users and roles,
 * as JConsole or jmxterm would see it: generic attribute reads (open types only),
 * the MXBean proxy, and {@code transferLeadership} allowed to {@code readwrite} only.
 * The member's view is a scripted {@link FakeCluster} in a real gateway.
 */
@Timeout(90)
class ClusterJmxTest {

  @TempDir
  Path dir;
  TestGateway gw;
  int port;
  final FakeCluster cluster = new FakeCluster();

  @AfterEach
  void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
  }

  private void start() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path passwords = Files.writeString(dir.resolve("jmx.password"), "monitor s3cret\nadmin t0psecret\n");
    Path access = Files.writeString(dir.resolve("jmx.access"), "monitor readonly\nadmin readwrite\n");
    gw = TestGateway.startWithCluster(dir, Map.of(ConfigKey.JMX_PORT, Integer.toString(port),
        ConfigKey.JMX_HOST, "127.0.0.1", ConfigKey.JMX_PASSWORD_FILE, passwords.toString(),
        ConfigKey.JMX_ACCESS_FILE, access.toString()), cluster);
  }

  private JMXConnector connect(String user, String password) throws IOException {
    JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
    return JMXConnectorFactory.connect(url, Map.of(JMXConnector.CREDENTIALS, new String[] {user, password}));
  }

  @Test
  void aGenericClientReadsEveryAttributeAsOpenTypes() throws Exception {
    start();
    try (JMXConnector c = connect("monitor", "s3cret")) {
      MBeanServerConnection mbsc = c.getMBeanServerConnection();
      MBeanInfo info = mbsc.getMBeanInfo(ObjectNames.CLUSTER);
      assertThat(Arrays.stream(info.getAttributes()).map(MBeanAttributeInfo::getName))
          .containsExactlyInAnyOrder("Role", "Leader", "Term", "AppliedEventId", "CommitIndex", "Members");
      assertThat(mbsc.getAttribute(ObjectNames.CLUSTER, "Role")).isEqualTo("leader");
      assertThat(mbsc.getAttribute(ObjectNames.CLUSTER, "Leader")).isEqualTo("127.0.0.1:7101");
      assertThat(mbsc.getAttribute(ObjectNames.CLUSTER, "Term")).isEqualTo(3L);
      assertThat(mbsc.getAttribute(ObjectNames.CLUSTER, "AppliedEventId")).isEqualTo(1842L);
      assertThat(mbsc.getAttribute(ObjectNames.CLUSTER, "CommitIndex")).isEqualTo(120L);
      CompositeData[] members = (CompositeData[]) mbsc.getAttribute(ObjectNames.CLUSTER, "Members");
      assertThat(members).hasSize(3);
      assertThat(members[0].getCompositeType().keySet()).containsExactlyInAnyOrder("id", "http", "role");
      assertThat(members[0].get("id")).isEqualTo("127.0.0.1:7101");
      assertThat(members[0].get("http")).isEqualTo("http://127.0.0.1:1215");
      assertThat(members[0].get("role")).isEqualTo("leader");
      assertThat(members[2].get("id")).isEqualTo("127.0.0.1:7103");
      assertThat(members[2].get("http")).as("not announced yet").isEqualTo("");
      assertThat(members[2].get("role")).isEqualTo("follower");

      // the attributes follow the member's view at each read
      cluster.leader = null;
      cluster.role = Role.CANDIDATE;
      cluster.term = 4;
      ClusterMXBean bean = JMX.newMXBeanProxy(mbsc, ObjectNames.CLUSTER, ClusterMXBean.class);
      assertThat(bean.getLeader()).isEmpty();
      assertThat(bean.getRole()).isEqualTo("candidate");
      assertThat(bean.getTerm()).isEqualTo(4);

      // attributes are read-only; the operation needs readwrite
      assertThatThrownBy(() -> mbsc.setAttribute(ObjectNames.CLUSTER, new Attribute("Term", 9L)))
          .isInstanceOfAny(SecurityException.class, javax.management.AttributeNotFoundException.class);
      assertThatThrownBy(() -> bean.transferLeadership("127.0.0.1:7102")).isInstanceOf(SecurityException.class);
      assertThat(cluster.transferCalls).isEmpty();
    }
  }

  @Test
  void anAdministratorTransfersLeadership() throws Exception {
    start();
    try (JMXConnector c = connect("admin", "t0psecret")) {
      MBeanServerConnection mbsc = c.getMBeanServerConnection();
      ClusterMXBean bean = JMX.newMXBeanProxy(mbsc, ObjectNames.CLUSTER, ClusterMXBean.class);
      ClusterMember[] members = bean.getMembers();
      assertThat(members).extracting(ClusterMember::id)
          .containsExactly("127.0.0.1:7101", "127.0.0.1:7102", "127.0.0.1:7103");

      assertThatThrownBy(() -> bean.transferLeadership("10.9.9.9:7101")).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'10.9.9.9:7101' is not a member").hasMessageContaining("127.0.0.1:7102");
      assertThatThrownBy(() -> bean.transferLeadership(" ")).isInstanceOf(IllegalArgumentException.class);
      assertThat(cluster.transferCalls).isEmpty();

      // the operation returns once the transfer is done: the next read shows the new leader
      mbsc.invoke(ObjectNames.CLUSTER, "transferLeadership", new Object[] {"127.0.0.1:7102"},
          new String[] {String.class.getName()});
      assertThat(cluster.transferCalls).containsExactly("127.0.0.1:7102");
      assertThat(bean.getLeader()).isEqualTo("127.0.0.1:7102");
      assertThat(bean.getRole()).isEqualTo("follower");

      // a transfer the group refuses reaches the client as a JDK exception with the reason
      cluster.onTransfer = id -> Future.failedFuture(new RuntimeException("transfer to 127.0.0.1:7103 timed out"));
      assertThatThrownBy(() -> bean.transferLeadership("127.0.0.1:7103")).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("timed out");
    }
  }

  @Test
  void aSingleGatewayHasNoClusterBean() throws Exception {
    gw = TestGateway.start(dir, Map.of());
    assertThat(JmxTest.PLATFORM.isRegistered(ObjectNames.GATEWAY)).isTrue();
    assertThat(JmxTest.PLATFORM.queryNames(new ObjectName("svcgate:type=Cluster,*"), null)).isEmpty();
  }

  @Test
  void theBeanGoesWithTheGateway() throws Exception {
    gw = TestGateway.startWithCluster(dir, Map.of(), cluster);
    assertThat(JmxTest.PLATFORM.isRegistered(ObjectNames.CLUSTER)).isTrue();
    gw.close();
    gw = null;
    assertThat(JmxTest.PLATFORM.isRegistered(ObjectNames.CLUSTER)).isFalse();
  }
}
