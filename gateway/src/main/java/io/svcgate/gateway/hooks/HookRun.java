package io.svcgate.gateway.hooks;

import io.svcgate.state.Event;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;

/**
 * One run of one command for one event: start the process in its own group, give it the
 * envelope on stdin, drain its output, wait for it or kill its group at the timeout, then
 * log and count the result. {@link #run()} is called once, on a hook thread; the kill
 * methods may be called from any thread.
 */
final class HookRun {

  /** Environment variable: the event's {@code data.id}. */
  static final String ENV_ID = "SVCGATE_EVENT_ID";
  /** Environment variable: the event's {@code nodename}. */
  static final String ENV_NODENAME = "SVCGATE_EVENT_NODENAME";
  /** Environment variable: the event's sequence number (the envelope {@code id}). */
  static final String ENV_SEQ = "SVCGATE_EVENT_SEQ";

  /** How long output may still come after the hook's group is gone. */
  private static final long DRAIN_GRACE_MILLIS = 1000;

  private enum Kill { TIMEOUT, CLOSE }

  private final Hooks owner;
  private final Event event;
  private final List<String> command;
  private final String commandLine;
  private final AtomicReference<Kill> killed = new AtomicReference<>();
  private volatile Process process;

  HookRun(Hooks owner, Event event, List<String> command) {
    this.owner = owner;
    this.event = event;
    this.command = command;
    this.commandLine = CommandLine.join(command);
  }

  /** The event's {@code data.id}. */
  String eventId() {
    return event.eventId();
  }

  /** The event's sequence number. */
  long seq() {
    return event.id();
  }

  /** The command as logged. */
  String commandLine() {
    return commandLine;
  }

  void run() {
    Logger log = Hooks.LOG;
    Counters counters = owner.counters;
    counters.runs.increment();
    log.info("execute {} hook: {}", event.eventId(), commandLine);
    long start = System.nanoTime();
    Process p;
    try {
      Launcher.resolve(command.get(0));
      p = owner.launcher.start(command, Map.of(
        ENV_ID, event.eventId(),
        ENV_NODENAME, event.nodename(),
        ENV_SEQ, Long.toString(event.id())));
    } catch (Launcher.StartException e) {
      counters.failures.increment();
      log.warn("{} hook {} (event {}): {}", event.eventId(), e.getMessage(), event.id(), commandLine);
      return;
    } catch (IOException | RuntimeException e) {
      counters.failures.increment();
      log.warn("{} hook could not start: {} (event {}): {}", event.eventId(), e.getMessage(), event.id(),
        commandLine);
      return;
    }
    process = p;
    owner.active.add(this);
    try {
      if (owner.isClosed()) {
        killAtClose();
      }
      OutputTail tail = new OutputTail();
      Future<?> drain = startDrain(p, tail);
      ScheduledFuture<?> timer = scheduleTimeout();
      writeStdin(p);
      int code = waitFor(p);
      if (timer != null) {
        timer.cancel(false);
      }
      owner.launcher.killLeftovers(p);
      finishDrain(p, drain);
      report(code, (System.nanoTime() - start) / 1_000_000, tail);
    } finally {
      owner.active.remove(this);
    }
  }

  private Future<?> startDrain(Process p, OutputTail tail) {
    try {
      return owner.pool.submit(() -> tail.drain(p.getInputStream()));
    } catch (RejectedExecutionException e) {
      // Closing: the run is killed, so its output ends at once; read it here.
      killAtClose();
      tail.drain(p.getInputStream());
      return null;
    }
  }

  private ScheduledFuture<?> scheduleTimeout() {
    try {
      return owner.timer.schedule(this::killAtTimeout, owner.options.timeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      killAtClose();
      return null;
    }
  }

  private void writeStdin(Process p) {
    try (OutputStream stdin = p.getOutputStream()) {
      stdin.write(event.json());
    } catch (IOException e) {
      // The hook exited or closed stdin before reading it all: its choice, not an error.
    }
  }

  private static int waitFor(Process p) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return p.waitFor();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void finishDrain(Process p, Future<?> drain) {
    if (drain == null) {
      return;
    }
    try {
      drain.get(DRAIN_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      // A process outside the hook's group still holds its output: stop waiting for it.
      try {
        p.getInputStream().close();
      } catch (IOException ignored) {
        // Nothing more to release.
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      // drain() handles its own errors; nothing reaches here.
    }
  }

  private void report(int code, long millis, OutputTail tail) {
    Logger log = Hooks.LOG;
    Counters counters = owner.counters;
    Kill kill = killed.get();
    String output = output(tail);
    if (kill == Kill.TIMEOUT) {
      counters.timeouts.increment();
      log.warn("{} hook timeout after {} ms (hooks.timeout {}), process group killed (event {}): {}; {}",
        event.eventId(), millis, owner.options.timeout(), event.id(), commandLine, output);
    } else if (kill == Kill.CLOSE) {
      counters.failures.increment();
      log.warn("{} hook killed after {} ms, hooks closing (event {}): {}; {}", event.eventId(), millis,
        event.id(), commandLine, output);
    } else if (code == 0) {
      counters.ok.increment();
      log.info("{} hook exit code 0 after {} ms (event {}): {}", event.eventId(), millis, event.id(),
        commandLine);
      if (tail.total() > 0) {
        log.debug("{} hook (event {}) {}", event.eventId(), event.id(), output);
      }
    } else {
      counters.failures.increment();
      log.warn("{} hook exit code {} after {} ms (event {}): {}; {}", event.eventId(), code, millis, event.id(),
        commandLine, output);
    }
  }

  private static String output(OutputTail tail) {
    long total = tail.total();
    if (total == 0) {
      return "no output";
    }
    String text = tail.text();
    return total > OutputTail.LIMIT
      ? "output (last " + OutputTail.LIMIT + " of " + total + " bytes): " + text
      : "output: " + text;
  }

  private void killAtTimeout() {
    kill(Kill.TIMEOUT);
  }

  /** Kills the run's process group because the hooks are closing; idempotent. */
  void killAtClose() {
    kill(Kill.CLOSE);
  }

  private void kill(Kill why) {
    Process p = process;
    if (p != null && killed.compareAndSet(null, why)) {
      owner.launcher.kill(p);
    }
  }
}
