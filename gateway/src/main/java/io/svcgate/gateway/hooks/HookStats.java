package io.svcgate.gateway.hooks;

/**
 * Live counters of the hooks, for the Hooks MBean and the {@code svcgate_hook_runs_total}
 * metric. Every getter is thread-safe, lock-free and cheap; values read together are not a
 * consistent snapshot.
 *
 * <p>Once nothing runs or waits, {@code runs() == ok() + failures() + timeouts()}.
 */
public interface HookStats {

  /** Hooks currently configured (sections of the file in effect). */
  int configured();

  /** Runs started (taken from the queue), including those whose program could not start. */
  long runs();

  /** Runs finished with exit code 0 ({@code result="ok"}). */
  long ok();

  /**
   * Runs failed ({@code result="failed"}): a non-zero exit code, killed by a signal, killed
   * at close, or a program that was not found, not executable or could not start.
   */
  long failures();

  /** Runs killed at {@code hooks.timeout} ({@code result="timeout"}). */
  long timeouts();

  /** Runs never started: the queue was full, or they were still waiting at close. */
  long dropped();

  /** Runs in progress now. */
  int running();

  /** Runs waiting for a slot now. */
  int queued();
}
