package io.svcgate.gateway.cli;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;

/**
 * Receives the lines of one stream response and queues them for the command's
 * thread, at most {@link #WINDOW} lines ahead of it: the command asks for one
 * more line ({@link #request}) each time it has taken one, so the queue stays
 * bounded and a slow terminal slows the socket down, as TCP intends.
 */
final class LineSink implements Flow.Subscriber<String> {

  /** Lines requested ahead of the reader. */
  static final int WINDOW = 32;

  /** One line of connection {@code conn}. */
  record Line(int conn, String text) {
  }

  private final int conn;
  private final BlockingQueue<Object> inbox;
  private Flow.Subscription subscription;
  private boolean cancelled;

  LineSink(int conn, BlockingQueue<Object> inbox) {
    this.conn = conn;
    this.inbox = inbox;
  }

  @Override
  public synchronized void onSubscribe(Flow.Subscription s) {
    if (cancelled) {
      s.cancel();
      return;
    }
    subscription = s;
    s.request(WINDOW);
  }

  @Override
  public void onNext(String line) {
    inbox.add(new Line(conn, line));
  }

  @Override
  public void onError(Throwable t) {
    // The response future reports the failure.
  }

  @Override
  public void onComplete() {
    // The response future reports the end.
  }

  /** Asks for {@code n} more lines. */
  synchronized void request(long n) {
    if (subscription != null && !cancelled) {
      subscription.request(n);
    }
  }

  /** Stops receiving; the connection is released. */
  synchronized void cancel() {
    cancelled = true;
    if (subscription != null) {
      subscription.cancel();
    }
  }
}
