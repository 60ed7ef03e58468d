package io.svcgate.jmx.impl;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for an answer on a JMX thread and turns failures into exceptions every JMX
 * client can deserialize: {@link IllegalArgumentException} for bad input,
 * {@link SecurityException} as is, {@link IllegalStateException} otherwise. The
 * exceptions carry the message only, never the original cause, whose class a remote
 * client may not have.
 */
public final class Calls {

  private Calls() {
  }

  /**
   * The stage's value, waiting at most {@code timeout}.
   *
   * @param what the operation, for the messages
   */
  public static <T> T await(CompletionStage<T> stage, Duration timeout, String what) {
    try {
      return stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(what + ": the gateway did not answer within " + describe(timeout));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(what + ": interrupted");
    } catch (ExecutionException e) {
      throw translate(e.getCause(), what);
    } catch (CompletionException e) {
      throw translate(e.getCause(), what);
    }
  }

  /** A JDK exception that says what {@code t} says. */
  public static RuntimeException translate(Throwable t, String what) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    String msg = t == null || t.getMessage() == null || t.getMessage().isBlank()
        ? what + " failed" + (t == null ? "" : " (" + t.getClass().getSimpleName() + ")")
        : t.getMessage();
    if (t instanceof IllegalArgumentException) {
      return new IllegalArgumentException(msg);
    }
    if (t instanceof SecurityException) {
      return new SecurityException(msg);
    }
    return new IllegalStateException(msg);
  }

  private static String describe(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }
}
