package io.svcgate.gateway.hooks;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How hooks run (hooks.md): the file they come from and the bounds on running them.
 *
 * @param file the node configuration file holding the {@code [hook#N]} sections; it may be
 *     missing (no hooks until it appears); null means no hooks file at all
 * @param timeout {@code hooks.timeout}: how long one run may take before its process group is
 *     killed; more than zero, at most {@link #MAX_TIMEOUT}
 * @param maxRunning {@code hooks.max-running}: runs at once, 1 to {@link #MAX_MAX_RUNNING}
 * @param queue {@code hooks.queue}: runs waiting for a slot, in order, 0 to {@link #MAX_QUEUE};
 *     beyond that, runs are dropped and counted
 */
public record HooksOptions(Path file, Duration timeout, int maxRunning, int queue) {

  /** {@code --hooks} when not given, used when it exists. */
  public static final Path DEFAULT_FILE = Path.of("etc/node.conf");
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
  public static final int DEFAULT_MAX_RUNNING = 8;
  public static final int DEFAULT_QUEUE = 1000;

  public static final Duration MAX_TIMEOUT = Duration.ofHours(24);
  public static final int MAX_MAX_RUNNING = 1024;
  public static final int MAX_QUEUE = 1_000_000;

  public HooksOptions {
    if (timeout == null) {
      throw new IllegalArgumentException("hooks.timeout is missing");
    }
    if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
      throw new IllegalArgumentException("hooks.timeout must be more than 0 and at most 24h, got " + timeout);
    }
    if (maxRunning < 1 || maxRunning > MAX_MAX_RUNNING) {
      throw new IllegalArgumentException("hooks.max-running must be between 1 and " + MAX_MAX_RUNNING
        + ", got " + maxRunning);
    }
    if (queue < 0 || queue > MAX_QUEUE) {
      throw new IllegalArgumentException("hooks.queue must be between 0 and " + MAX_QUEUE + ", got " + queue);
    }
  }

  /** The defaults of hooks.md, hooks read from {@code file} (null: no hooks). */
  public static HooksOptions of(Path file) {
    return new HooksOptions(file, DEFAULT_TIMEOUT, DEFAULT_MAX_RUNNING, DEFAULT_QUEUE);
  }

  public HooksOptions withFile(Path file) {
    return new HooksOptions(file, timeout, maxRunning, queue);
  }

  public HooksOptions withTimeout(Duration timeout) {
    return new HooksOptions(file, timeout, maxRunning, queue);
  }

  public HooksOptions withMaxRunning(int maxRunning) {
    return new HooksOptions(file, timeout, maxRunning, queue);
  }

  public HooksOptions withQueue(int queue) {
    return new HooksOptions(file, timeout, maxRunning, queue);
  }
}
