package io.svcgate.state;

import static io.svcgate.state.ClusterStateTest.msg;
import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.state.aggregates.ServiceAggregator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The service aggregator plugged into the state as its {@link DerivedState}, as the gateway does. */
class AggregatesIntegrationTest {

  private static final String WEB_UP = "{'services':{'config':{'web':{'csum':'x'}},'status':{'web':{'topology':'failover',"
      + "'avail':'up','overall':'up','provisioned':true,'frozen':0,'updated':1,'monitor':{'status':'idle','placement':'leader'}}}}}";

  @Test
  void aggregatesFollowTheNodesAndReplay() {
    ServiceAggregator agg = new ServiceAggregator();
    DerivedState aggregates = (doc, c) -> c.everything()
        ? agg.resync(doc, c.staleNodes())
        : agg.update(doc, c.staleNodes(), c.paths());
    ClusterState state = ClusterState.builder().gatewayNodename("gw").derivedState(aggregates).build();
    List<Event> all = new ArrayList<>(state.start(1));
    ApplyOutcome o = state.apply(msg("{'nodename':'n1','kind':'full','gen':{'n1':1},'data':" + WEB_UP + "}"), 2);
    all.addAll(o.events());
    assertThat(o.derivedError()).isNull();
    Event last = o.events().get(o.events().size() - 1);
    assertThat(last.nodename()).isEqualTo("gw");
    assertThat(state.document().at("/monitor/services/web/avail").textValue()).isEqualTo("up");

    ApplyOutcome down = state.apply(msg("{'nodename':'n1','kind':'patch','gen':{'n1':2},"
        + "'deltas':{'2':[[['services','status','web','avail'],'down'],[['services','status','web','overall'],'down']]}}"), 3);
    all.addAll(down.events());
    assertThat(state.document().at("/monitor/services/web/avail").textValue()).isEqualTo("down");

    all.addAll(state.markStale("n1", 4));
    all.addAll(state.forget("n1", 5));
    assertThat(state.document().at("/monitor/services").has("web")).isFalse();
    assertThat(state.lastDerivedError()).isNull();

    ClusterState replica = ClusterState.builder().gatewayNodename("gw").build();
    all.forEach(e -> replica.replay(ClusterStateTest.readBack(e)));
    assertThat(Json.compact(replica.document())).isEqualTo(Json.compact(state.document()));
  }
}
