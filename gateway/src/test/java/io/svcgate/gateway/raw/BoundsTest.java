package io.svcgate.gateway.raw;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The relay slots and the blacklist: bounded and expiring, on a test clock. */
class BoundsTest {

  final AtomicLong clock = new AtomicLong(1_000_000);

  @Test
  void blacklistRefusesAfterTheThresholdAndExpires() {
    Blacklist b = new Blacklist(5, 60_000, 3, clock::get);
    for (int i = 1; i <= 5; i++) {
      assertThat(b.failure("10.0.0.1")).isFalse();
      assertThat(b.refused("10.0.0.1")).isFalse();
    }
    assertThat(b.failure("10.0.0.1")).as("the 6th failure lists it").isTrue();
    assertThat(b.refused("10.0.0.1")).as("the 7th request is refused unread").isTrue();
    assertThat(b.refusedCount()).isEqualTo(1);
    clock.addAndGet(59_999);
    assertThat(b.refused("10.0.0.1")).isTrue();
    clock.addAndGet(1);
    assertThat(b.refused("10.0.0.1")).as("expired").isFalse();
    assertThat(b.size()).isZero();
  }

  @Test
  void blacklistSuccessClearsAndTheMapIsBounded() {
    Blacklist b = new Blacklist(1, 60_000, 3, clock::get);
    b.failure("a");
    b.success("a");
    b.failure("a");
    assertThat(b.refused("a")).isFalse();
    for (String addr : new String[] {"b", "c", "d", "e"}) {
      b.failure(addr);
      clock.incrementAndGet();
    }
    assertThat(b.size()).isEqualTo(3);
    b.failure("e");
    assertThat(b.refused("e")).isTrue();
    assertThat(b.clear()).isEqualTo(1);
    assertThat(b.refused("e")).isFalse();
    clock.addAndGet(120_000);
    b.failure("f");
    b.expire();
    assertThat(b.size()).isEqualTo(1);
  }

  @Test
  void relaySlotsAreBoundedAndExpireAndUpdatedAlwaysChanges() {
    RelaySlots s = new RelaySlots(2, 100, 10_000, clock::get);
    RelaySlots.Slot a1 = s.put(RelaySlots.key("c1", "n1"), "x".repeat(40), "demo", "c1", "");
    RelaySlots.Slot a2 = s.put(RelaySlots.key("c1", "n1"), "y".repeat(40), "demo", "c1", "");
    assertThat(a2.updated()).as("same clock, still a new updated").isGreaterThan(a1.updated());
    assertThat(s.get("c1/n1").msg()).startsWith("y");
    assertThat(s.put("c1/n2", "z".repeat(40), "demo", "c1", "")).isNotNull();
    assertThat(s.put("c1/n3", "z", "demo", "c1", "")).as("over max slots").isNull();
    assertThat(s.put("c1/n2", "z".repeat(61), "demo", "c1", "")).as("over max bytes").isNull();
    assertThat(s.bytes()).isEqualTo(80);
    assertThat(s.get("c1/n2").msg()).hasSize(40);
    clock.addAndGet(10_000);
    assertThat(s.get("c1/n1")).as("expired").isNull();
    assertThat(s.put("c1/n3", "z", "demo", "c1", "")).as("room again once expired").isNotNull();
    assertThat(s.size()).isEqualTo(1);
    assertThat(s.bytes()).isEqualTo(1);
    assertThat(s.snapshot()).containsOnlyKeys("c1/n3");
  }
}
