package io.svcgate.gateway.hooks;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** The live counters behind {@link HookStats}; thread-safe, written by the hooks machinery. */
final class Counters implements HookStats {

  final LongAdder runs = new LongAdder();
  final LongAdder ok = new LongAdder();
  final LongAdder failures = new LongAdder();
  final LongAdder timeouts = new LongAdder();
  final LongAdder dropped = new LongAdder();
  final AtomicInteger running = new AtomicInteger();
  final AtomicInteger queued = new AtomicInteger();
  volatile int configured;

  @Override
  public int configured() {
    return configured;
  }

  @Override
  public long runs() {
    return runs.sum();
  }

  @Override
  public long ok() {
    return ok.sum();
  }

  @Override
  public long failures() {
    return failures.sum();
  }

  @Override
  public long timeouts() {
    return timeouts.sum();
  }

  @Override
  public long dropped() {
    return dropped.sum();
  }

  @Override
  public int running() {
    return running.get();
  }

  @Override
  public int queued() {
    return queued.get();
  }

  @Override
  public String toString() {
    return "configured=" + configured() + " runs=" + runs() + " ok=" + ok() + " failures=" + failures()
      + " timeouts=" + timeouts() + " dropped=" + dropped() + " running=" + running() + " queued=" + queued();
  }
}
