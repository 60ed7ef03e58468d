package io.svcgate.jmx;

/** The {@link StreamsMXBean} adapter over a {@link StreamsSource}. Thread-safe. */
public final class StreamsBean implements StreamsMXBean {

  private final StreamsSource source;

  public StreamsBean(StreamsSource source) {
    this.source = source;
  }

  @Override
  public long getSubscribers() {
    return source.subscribers();
  }

  @Override
  public long getWaiters() {
    return source.waiters();
  }

  @Override
  public long getSlowConsumerDisconnects() {
    return source.slowConsumerDisconnects();
  }
}
