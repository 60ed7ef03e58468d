package io.svcgate.state.aggregates;

import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.state.aggregates.ObjectPath.SliceKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ObjectPathTest {

  @ParameterizedTest(name = "{0} -> ns={1} kind={2} name={3}")
  @CsvSource(nullValues = "-", value = {
      "web, -, svc, web",
      "vol/data, -, vol, data",
      "ns1/svc/web, ns1, svc, web",
      "ns1/vol/data, ns1, vol, data",
      "root/svc/web, -, svc, web",
      "cluster, -, ccfg, cluster",
      "svc/cluster, -, ccfg, cluster",
      "namespace, -, nscfg, namespace",
      "ns1/, ns1, nscfg, namespace",
      "ns1/svc/0.sc, ns1, svc, 0.sc",
      "/web/, -, svc, web",
  })
  void parse(String path, String ns, String kind, String name) {
    ObjectPath p = ObjectPath.parse(path);
    assertThat(p.namespace()).isEqualTo(ns);
    assertThat(p.kind()).isEqualTo(kind);
    assertThat(p.name()).isEqualTo(name);
    assertThat(p.valid()).isTrue();
  }

  @ParameterizedTest
  @CsvSource({"a/b/c/d", "node", "auth", "'a,b'", "a+b"})
  void notObjectPaths(String path) {
    ObjectPath p = ObjectPath.parse(path);
    assertThat(p.valid()).isFalse();
    assertThat(p.spanKind()).isFalse();
    assertThat(p.instanceKind()).isFalse();
    assertThat(p.scalerKey()).isNull();
  }

  @ParameterizedTest(name = "{1} under {0} -> {2}")
  @CsvSource({
      "ns1/svc/grp, web, ns1/svc/web",
      "ns1/svc/grp, vol/data, ns1/vol/data",
      "ns1/svc/grp, ns2/svc/web, ns2/svc/web",
      "ns1/svc/grp, 0.sc, ns1/svc/0.sc",
      "ns1/svc/grp, root/svc/web, ns1/svc/web",
      "grp, web, web",
      "grp, vol/data, vol/data",
      "grp, svc/web, web",
      "grp, ns2/svc/web, ns2/svc/web",
      "grp, a/b/c/d, a/b/c/d",
      "a/b/c/d, web, web",
  })
  void resolve(String parent, String child, String expected) {
    assertThat(ObjectPath.parse(parent).resolve(child)).isEqualTo(expected);
  }

  @Test
  void slices() {
    assertThat(ObjectPath.sliceOf("ns1/svc/0.sc")).isEqualTo(new SliceKey("ns1/svc", "sc"));
    assertThat(ObjectPath.sliceOf("ns1/svc/12.my.app")).isEqualTo(new SliceKey("ns1/svc", "my.app"));
    assertThat(ObjectPath.sliceOf("0.sc")).isEqualTo(new SliceKey(null, "sc"));
    assertThat(ObjectPath.sliceOf("vol/0.sc")).isNull();
    assertThat(ObjectPath.sliceOf("ns1/svc/sc")).isNull();
    assertThat(ObjectPath.sliceOf("ns1/svc/0.")).isNull();
    assertThat(ObjectPath.sliceOf("ns1/svc/x0.sc")).isNull();
    assertThat(ObjectPath.parse("ns1/svc/sc").scalerKey()).isEqualTo(new SliceKey("ns1/svc", "sc"));
    assertThat(ObjectPath.parse("vol/sc").scalerKey()).isEqualTo(new SliceKey(null, "sc"));
    assertThat(ObjectPath.parse("root/svc/sc").scalerKey()).isEqualTo(new SliceKey(null, "sc"));
  }
}
