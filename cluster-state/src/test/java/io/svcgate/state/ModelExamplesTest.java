package io.svcgate.state;

import static io.svcgate.state.ClusterStateTest.msg;
import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.state.ApplyOutcome.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The worked examples of docs/model.md, as written there. */
class ModelExamplesTest {

  private static final String N1_DATA = """
      {"agent": "2.1-1804", "compat": 10, "api": 7, "env": "DEV", "speaker": true,
        "frozen": 0, "labels": {"az": "fr1"},
        "monitor": {"status": "idle", "status_updated": 1764147001.2,
                    "global_expect": null, "local_expect": null},
        "stats": {"load_15m": 0.3, "mem_avail": 60, "mem_total": 3936, "score": 72},
        "gen": {"n1": 42, "n2": 17}, "updated": 1764147001.2,
        "services": {
          "config": {"ns1/svc/web": {"csum": "95b8…", "scope": ["n1", "n2"], "updated": 1764147000.0}},
          "status": {"ns1/svc/web": {
            "kind": "svc", "avail": "up", "overall": "up", "frozen": 0, "topology": "failover",
            "provisioned": true, "updated": 1764147001.0,
            "monitor": {"status": "idle", "status_updated": 1764147000.5, "global_expect": null,
                        "local_expect": "started", "placement": "leader"},
            "resources": {"fs#1": {"status": "up", "label": "ext4 /srv/web", "type": "fs", "log": []}}}}
        }
      }""";

  private static ClusterState demo(long lastId) {
    return ClusterState.builder().gatewayNodename("gw1").clusterName("demo").nodes(List.of("n1", "n2"))
        .epoch("5f0c…").started(1764147000.12).lastId(lastId).build();
  }

  private static HeartbeatMessage fullN1() throws Exception {
    return HeartbeatMessage.parse(("{\"nodename\":\"n1\",\"kind\":\"full\",\"gen\":{\"n1\":42,\"n2\":17},\"data\":" + N1_DATA + "}")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void theDocumentOfSection1() throws Exception {
    ClusterState state = demo(0);
    assertThat(state.apply(fullN1(), 1764147001.3).status()).isEqualTo(Status.APPLIED);
    String expected = "{\"cluster\": {\"name\": \"demo\", \"nodes\": [\"n1\", \"n2\"]},"
        + "\"gateway\": {\"nodename\": \"gw1\", \"epoch\": \"5f0c…\", \"started\": 1764147000.12},"
        + "\"monitor\": {\"services\": {}, \"nodes\": {\"n1\": " + N1_DATA + "}}}";
    assertThat(Json.compact(state.document())).isEqualTo(Json.compact(Json.parse(expected)));
    // numbers as sent: 1764147000.0 stays 1764147000.0, 0.3 stays 0.3
    assertThat(Json.compact(state.document())).contains("\"updated\":1764147000.0").contains("\"load_15m\":0.3");
  }

  @Test
  void thePatchEventOfSection3() throws Exception {
    ClusterState state = demo(1829);
    state.apply(fullN1(), 1764147001.0); // event 1830
    ApplyOutcome o = state.apply(msg("{'nodename':'n1','kind':'patch','gen':{'n1':43},'deltas':{'43':["
        + "[['frozen'],1764147001.2],[['services','status','ns1/svc/web','resources','fs#1']]]}}"), 1764147001.234);
    assertThat(o.events()).hasSize(1);
    assertThat(o.events().get(0).jsonString()).isEqualTo(
        "{\"id\":1831,\"ts\":1764147001.234,\"nodename\":\"n1\",\"kind\":\"patch\","
            + "\"data\":[[[\"monitor\",\"nodes\",\"n1\",\"frozen\"],1764147001.2],"
            + "[[\"monitor\",\"nodes\",\"n1\",\"services\",\"status\",\"ns1/svc/web\",\"resources\",\"fs#1\"]]]}");
    assertThat(Json.compact(Rfc6902.toJsonPatch(o.events().get(0)))).isEqualTo(
        "[{\"op\":\"replace\",\"path\":\"/monitor/nodes/n1/frozen\",\"value\":1764147001.2},"
            + "{\"op\":\"remove\",\"path\":\"/monitor/nodes/n1/services/status/ns1~1svc~1web/resources/fs#1\"}]");
  }

  @Test
  void theRfc6902IngestOfSection3() throws Exception {
    ClusterState state = demo(0);
    state.apply(fullN1(), 1);
    state.apply(msg("{'nodename':'n1','kind':'patch','gen':{'n1':43},'deltas':{'43':[[['frozen'],1764147001.2]]}}"), 2);
    ApplyOutcome o = state.apply(msg("{'kind':'patch','format':'rfc6902','nodename':'n1','gen':{'n1':44},"
        + "'deltas':{'44':[{'op':'replace','path':'/frozen','value':0}]}}"), 3);
    assertThat(o.status()).isEqualTo(Status.APPLIED);
    assertThat(o.merged()).isEqualTo(44);
    assertThat(Json.compact(o.events().get(0).data())).isEqualTo("[[[\"monitor\",\"nodes\",\"n1\",\"frozen\"],0]]");
  }

  @Test
  void theStanzasOfSection2() throws Exception {
    ClusterState state = demo(0);
    state.apply(fullN1(), 1);
    ApplyOutcome o = state.apply(msg("{'nodename':'n1','kind':'patch','gen':{'n1':44},"
        + "'deltas':{'43':[[['labels','rack'],'r1']],'44':[[['services','config','ns1/svc/web','scope',2],'n3']]}}"), 2);
    assertThat(o.events()).hasSize(2);
    assertThat(state.document().at("/monitor/nodes/n1/services/config/ns1~1svc~1web/scope").toString())
        .isEqualTo("[\"n1\",\"n2\",\"n3\"]");
  }
}
