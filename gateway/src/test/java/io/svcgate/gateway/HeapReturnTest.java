package io.svcgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.gateway.HeapReturn.JvmFlags;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * When the heap return may run (docs/operations.md, "Memory"): only where
 * {@link System#gc()} is a concurrent G1 cycle. The launched gateway's part, the
 * cycles it asks for, is in {@code PackageIT}.
 */
class HeapReturnTest {

  @Test
  void onlyG1WithExplicitCollectionsConcurrentAndAllowed() {
    assertThat(HeapReturn.whyOff(new JvmFlags(true, true, false))).isEmpty();
    assertThat(HeapReturn.whyOff(new JvmFlags(false, true, false))).contains("the JVM does not run G1 (-XX:+UseG1GC)");
    assertThat(HeapReturn.whyOff(new JvmFlags(true, true, true))).contains("-XX:+DisableExplicitGC");
    assertThat(HeapReturn.whyOff(new JvmFlags(true, false, false)))
        .contains("needs -XX:+ExplicitGCInvokesConcurrent, else each request would be a full collection");
  }

  /** The test JVM runs without -XX:+ExplicitGCInvokesConcurrent: a full collection per request is refused. */
  @Test
  void thisJvmsFlagsAreReadAndKeepItOff() {
    JvmFlags flags = JvmFlags.current();
    assertThat(flags.explicitGcConcurrent()).isFalse();
    assertThat(HeapReturn.start(Duration.ofSeconds(1))).isEmpty();
    assertThat(HeapReturn.start(Duration.ZERO)).isEmpty();
  }
}
