package io.svcgate.jmx;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionStage;

/**
 * What {@link GatewayBean} reads and asks. Getters are thread-safe and cheap (they
 * read counters); verbs answer asynchronously and never touch the gateway's state
 * from the calling thread. A verb fails its stage with an
 * {@link IllegalArgumentException} for bad input and an {@link IllegalStateException}
 * when the gateway cannot answer.
 */
public interface GatewaySource {

  String version();

  String nodename();

  String epoch();

  long lastEventId();

  Instant startTime();

  Duration uptime();

  /** Nodes known; may ask the gateway, so it answers asynchronously. */
  CompletionStage<Integer> nodeCount();

  long heartbeatsReceived();

  long heartbeatsRejected();

  long patchesApplied();

  long fullsApplied();

  long resyncs();

  long eventsEmitted();

  /** The document, or {@code {"id", "matches"}} for a path expression. */
  CompletionStage<String> status(String filter);

  /** A wait on the state; completes within {@link #maxWait()} plus a short grace. */
  CompletionStage<WaitOutcome> waitFor(String condition, String duration);

  /** The longest a wait is held ({@code wait.max}). */
  Duration maxWait();
}
