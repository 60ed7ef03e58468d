package io.svcgate.jmx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.openmbean.CompositeData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link ClusterBean} as a JMX client sees it: open types, and what {@code transferLeadership} answers. */
@Timeout(30)
class ClusterBeanTest {

  /** A member's view, settable; transfers answer what {@link #answer} says. */
  static final class Source implements ClusterSource {
    volatile String leader = "10.0.0.1:7101";
    volatile CompletionStage<Void> answer = CompletableFuture.completedFuture(null);
    final List<String> asked = new ArrayList<>();

    @Override
    public String role() {
      return "follower";
    }

    @Override
    public String leader() {
      return leader;
    }

    @Override
    public long term() {
      return 7;
    }

    @Override
    public long appliedEventId() {
      return 1842;
    }

    @Override
    public long commitIndex() {
      return 3001;
    }

    @Override
    public List<ClusterMember> members() {
      return List.of(new ClusterMember("10.0.0.1:7101", "https://gw1:1215", "leader"),
          new ClusterMember("10.0.0.2:7101", "", "follower"));
    }

    @Override
    public CompletionStage<Void> transferLeadership(String memberId) {
      asked.add(memberId);
      return answer;
    }
  }

  MBeanServer server = MBeanServerFactory.newMBeanServer();
  MBeanRegistry registry = new MBeanRegistry(server);
  Source source = new Source();

  @BeforeEach
  void register() {
    registry.register(ObjectNames.CLUSTER, new ClusterBean(source, Duration.ofMillis(300)));
  }

  @AfterEach
  void close() {
    registry.close();
  }

  @Test
  void attributesAreOpenTypes() throws Exception {
    assertThat(ObjectNames.CLUSTER.toString()).isEqualTo("svcgate:type=Cluster");
    assertThat(server.getAttribute(ObjectNames.CLUSTER, "Role")).isEqualTo("follower");
    assertThat(server.getAttribute(ObjectNames.CLUSTER, "Leader")).isEqualTo("10.0.0.1:7101");
    assertThat(server.getAttribute(ObjectNames.CLUSTER, "Term")).isEqualTo(7L);
    assertThat(server.getAttribute(ObjectNames.CLUSTER, "AppliedEventId")).isEqualTo(1842L);
    assertThat(server.getAttribute(ObjectNames.CLUSTER, "CommitIndex")).isEqualTo(3001L);
    CompositeData[] members = (CompositeData[]) server.getAttribute(ObjectNames.CLUSTER, "Members");
    assertThat(members).hasSize(2);
    assertThat(members[1].get("id")).isEqualTo("10.0.0.2:7101");
    assertThat(members[1].get("http")).isEqualTo("");
    assertThat(members[1].get("role")).isEqualTo("follower");
  }

  @Test
  void transferLeadershipChecksTheIdAndWaitsForTheAnswer() {
    ClusterMXBean bean = JMX.newMXBeanProxy(server, ObjectNames.CLUSTER, ClusterMXBean.class);
    assertThatThrownBy(() -> bean.transferLeadership("10.0.0.9:7101")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("transferLeadership: '10.0.0.9:7101' is not a member; the members are 10.0.0.1:7101, 10.0.0.2:7101");
    assertThatThrownBy(() -> bean.transferLeadership(null)).isInstanceOf(IllegalArgumentException.class);
    assertThat(source.asked).isEmpty();

    bean.transferLeadership(" 10.0.0.2:7101 ");
    assertThat(source.asked).containsExactly("10.0.0.2:7101");

    source.answer = CompletableFuture.failedFuture(new java.io.IOException("no leader"));
    assertThatThrownBy(() -> bean.transferLeadership("10.0.0.2:7101")).isInstanceOf(IllegalStateException.class)
        .hasMessage("no leader");
    source.answer = new CompletableFuture<>();
    assertThatThrownBy(() -> bean.transferLeadership("10.0.0.2:7101")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("did not answer within 300 ms");
  }
}
