package io.svcgate.gateway;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition that proves something happened, bounded; never a fixed sleep. */
public final class Awaits {
  private Awaits() {
  }

  /** Returns once {@code condition} holds; fails after 30 s. */
  public static void until(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      LockSupport.parkNanos(1_000_000);
    }
  }
}
