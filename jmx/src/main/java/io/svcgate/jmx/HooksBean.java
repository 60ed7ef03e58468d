package io.svcgate.jmx;

import io.svcgate.jmx.impl.Calls;
import java.time.Duration;

/** The {@link HooksMXBean} adapter over a {@link HooksSource}. Thread-safe. */
public final class HooksBean implements HooksMXBean {

  private final HooksSource source;
  private final Duration timeout;

  /**
   * @param source  the hooks' counters and reload
   * @param timeout how long {@code reload} waits
   */
  public HooksBean(HooksSource source, Duration timeout) {
    this.source = source;
    this.timeout = timeout;
  }

  @Override
  public int getConfigured() {
    return source.configured();
  }

  @Override
  public long getRuns() {
    return source.runs();
  }

  @Override
  public long getFailures() {
    return source.failures();
  }

  @Override
  public long getTimeouts() {
    return source.timeouts();
  }

  @Override
  public void reload() {
    Calls.await(source.reload(), timeout, "reload");
  }
}
