package io.svcgate.jmx;

import java.util.concurrent.CompletionStage;

/**
 * What {@link HooksBean} reads and asks. Getters read thread-safe counters; a
 * reload fails with an {@link IllegalStateException} saying what is wrong with the file.
 */
public interface HooksSource {

  int configured();

  long runs();

  long failures();

  long timeouts();

  CompletionStage<Void> reload();
}
