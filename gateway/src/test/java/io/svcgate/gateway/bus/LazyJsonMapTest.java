package io.svcgate.gateway.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class LazyJsonMapTest {

  private static final byte[] ENVELOPE =
      "{\"id\":7,\"ts\":1764150000.5,\"nodename\":\"n1\",\"kind\":\"patch\",\"data\":[[[\"a\"],1]]}"
          .getBytes(StandardCharsets.UTF_8);

  @Test
  void readsLikeTheDecodedObjectInMemberOrder() {
    JsonObject lazy = LazyJsonMap.jsonObject(ENVELOPE);
    JsonObject eager = new JsonObject(new String(ENVELOPE, StandardCharsets.UTF_8));
    assertThat(lazy.getLong("id")).isEqualTo(7L);
    assertThat(lazy.fieldNames()).containsExactly("id", "ts", "nodename", "kind", "data");
    assertThat(lazy).isEqualTo(eager);
    assertThat(lazy.encode()).isEqualTo(eager.encode());
  }

  @Test
  void aCopyKeepsTheOrderAndTheValues() {
    JsonObject copy = LazyJsonMap.jsonObject(ENVELOPE).copy();
    assertThat(List.copyOf(copy.fieldNames())).containsExactly("id", "ts", "nodename", "kind", "data");
    assertThat(copy.getJsonArray("data").getJsonArray(0).getInteger(1)).isEqualTo(1);
    assertThat(copy.encode()).isEqualTo(new JsonObject(new String(ENVELOPE, StandardCharsets.UTF_8)).encode());
  }
}
