package io.svcgate.gateway.cli;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/**
 * Runs the real command line ({@link Main#commandLine()}) in this JVM, as the
 * {@code om} launcher would, with stdout and stderr captured. Output can be read
 * while a command runs (the writers are synchronized).
 */
final class Cli {

  private Cli() {
  }

  /** What a finished command left: its exit code, stdout, stderr, and how long it took. */
  record Result(int code, String out, String err, double seconds) {
  }

  /** Runs a command to its end. */
  static Result run(String... args) {
    return start(args).await();
  }

  /** Starts a command on its own thread. */
  static Running start(String... args) {
    return new Running(null, args);
  }

  /**
   * Starts a command whose stdout blocks while {@code gate} is closed, as a
   * terminal that does not keep up would.
   */
  static Running startBlocked(CountDownLatch gate, String... args) {
    return new Running(gate, args);
  }

  /** A command running on its own thread. */
  static final class Running {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final CompletableFuture<Result> done = new CompletableFuture<>();

    private Running(CountDownLatch gate, String[] args) {
      System.setProperty("svcgate.program", "om");
      CommandLine cl = Main.commandLine();
      Writer stdout = gate == null ? out : new Writer() {
        @Override
        public void write(char[] cbuf, int off, int len) throws IOException {
          try {
            gate.await();
          } catch (InterruptedException e) {
            throw new InterruptedIOException();
          }
          out.write(cbuf, off, len);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
      };
      cl.setOut(new PrintWriter(stdout, true));
      cl.setErr(new PrintWriter(err, true));
      Thread t = new Thread(() -> {
        long start = System.nanoTime();
        try {
          int code = cl.execute(args);
          done.complete(new Result(code, out.toString(), err.toString(), (System.nanoTime() - start) / 1e9));
        } catch (Throwable e) {
          done.completeExceptionally(e);
        }
      }, "om " + String.join(" ", args));
      t.setDaemon(true);
      t.start();
    }

    /** Stdout so far. */
    String out() {
      return out.toString();
    }

    /** Stderr so far. */
    String err() {
      return err.toString();
    }

    boolean isDone() {
      return done.isDone();
    }

    /** The result; fails after 60 s. */
    Result await() {
      try {
        return done.get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new AssertionError("the command did not end within 60 s; stdout: " + out + " stderr: " + err, e);
      }
    }
  }
}
