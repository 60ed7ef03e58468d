package io.svcgate.jmx;

/** The event hooks (hooks.md): {@code svcgate:type=Hooks}. */
public interface HooksMXBean {

  /** Hooks configured now. */
  int getConfigured();

  /** Hook runs started. */
  long getRuns();

  /** Hook runs that failed (non-zero exit, signal, program that could not start). */
  long getFailures();

  /** Hook runs killed at {@code hooks.timeout}. */
  long getTimeouts();

  /**
   * Re-reads the hooks file now.
   *
   * @throws IllegalStateException when the file cannot be read or parsed; the hooks in
   *                               effect stay as they were
   */
  void reload();
}
