package io.svcgate.jmx;

/** What {@link StreamsBean} reads: thread-safe counters. */
public interface StreamsSource {

  long subscribers();

  long waiters();

  long slowConsumerDisconnects();
}
