package io.svcgate.jmx;

/** Live streams and waits: {@code svcgate:type=Streams}. */
public interface StreamsMXBean {

  /** Stream subscribers connected now (SSE and ndjson). */
  long getSubscribers();

  /** Blocking waits pending now. */
  long getWaiters();

  /** Streams ended because their subscriber did not read fast enough. */
  long getSlowConsumerDisconnects();
}
