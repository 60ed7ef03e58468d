package io.svcgate.state.filter;

import static io.svcgate.state.filter.Docs.CLUSTER;
import static io.svcgate.state.filter.Docs.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.state.Json;
import org.junit.jupiter.api.Test;

class ValuesTest {

  @Test
  void plainPrintingOfEachKind() {
    assertThat(Values.plain(json("'idle'"))).isEqualTo("idle");
    assertThat(Values.plain(json("0"))).isEqualTo("0");
    assertThat(Values.plain(json("1764147001.2"))).isEqualTo("1764147001.2");
    assertThat(Values.plain(Json.NODES.numberNode(1764147001.2d))).isEqualTo("1764147001.2");
    assertThat(Values.plain(json("1e3"))).isEqualTo("1000");
    assertThat(Values.plain(json("-0.5"))).isEqualTo("-0.5");
    assertThat(Values.plain(json("123456789012345678901234567890"))).isEqualTo("123456789012345678901234567890");
    assertThat(Values.plain(json("true"))).isEqualTo("true");
    assertThat(Values.plain(json("false"))).isEqualTo("false");
    assertThat(Values.plain(json("null"))).isEqualTo("null");
    assertThat(Values.plain(json("{'az': 'fr1'}"))).isEqualTo("{\n  \"az\" : \"fr1\"\n}");
    assertThat(Values.plain(json("['n1', 'n2']"))).isEqualTo("[ \"n1\", \"n2\" ]");
  }

  @Test
  void statusFilterFirstMatch() {
    var m = PathExpression.parse("monitor.nodes.nuc-cva.frozen").select(CLUSTER);
    assertThat(Values.plain(m.get(0).value())).isEqualTo("1764147001.2");
    assertThat(Json.compact(Values.list(PathExpression.parse("monitor.nodes.*.frozen").select(CLUSTER))))
        .isEqualTo("[0,0.0,1764147001.2]");
    assertThat(Json.compact(m.get(0).toJson()))
        .isEqualTo("{\"path\":[\"monitor\",\"nodes\",\"nuc-cva\",\"frozen\"],\"value\":1764147001.2}");
  }
}
