package io.svcgate.jmx;

import java.util.concurrent.CompletionStage;

/** What {@link RawListenerBean} reads: thread-safe counters, and the blacklist reset. */
public interface RawListenerSource {

  int port();

  long connections();

  long connectionsAccepted();

  long eventStreams();

  long requests();

  long rejected();

  long decryptFailures();

  long relaySlots();

  long relayMessages();

  long blacklisted();

  /** Clears the blacklist; completes with how many addresses were refused. */
  CompletionStage<Integer> clearBlacklist();
}
