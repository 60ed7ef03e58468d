package io.svcgate.gateway.history;

import io.svcgate.state.Event;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;

/**
 * The child process of {@link CrashRecoveryTest}: opens the history in {@code args[0]}
 * (durable when {@code args[1]} is true) and appends for ever, with up to 64 appends in
 * flight, printing {@code ready <lastId>} once open and {@code acked <id>} each time an
 * append completes (so every id up to it is acknowledged). Event {@code id} is
 * {@link #event(long)}, so the parent can check the content too.
 */
public final class AppendingChild {

  static final long T0 = RocksEventLogTest.T0;

  private AppendingChild() {
  }

  static Event event(long id) {
    return TestEvents.patch(id, T0 + id);
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    boolean durable = Boolean.parseBoolean(args[1]);
    History history = History.open(new HistoryOptions().setDataDir(dir).setDurable(durable)
        .setRetentionInterval(Duration.ZERO));
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, "US-ASCII");
    out.println("ready " + history.lastId());
    Semaphore inFlight = new Semaphore(64);
    SplittableRandom random = new SplittableRandom();
    long next = history.lastId() + 1;
    while (true) {
      int n = 1 + random.nextInt(20);
      Event[] events = new Event[n];
      for (int i = 0; i < n; i++) {
        events[i] = event(next + i);
      }
      long last = next + n - 1;
      inFlight.acquire();
      history.append(List.of(events)).whenComplete((v, e) -> {
        if (e == null) {
          out.println("acked " + last);
        } else {
          e.printStackTrace();
        }
        inFlight.release();
      });
      next = last + 1;
    }
  }
}
