package io.svcgate.gateway.history;

/**
 * A real {@link History} on RocksDB whose disk writes a test can make fail, as a full
 * or broken disk would: for tests of what the gateway does when its history cannot be
 * written.
 */
public final class FaultyHistory {

  private final GatedLog log;
  private final History history;

  private FaultyHistory(GatedLog log, History history) {
    this.log = log;
    this.history = history;
  }

  /** Opens the history of {@code options}; its writes succeed until {@link #failWrites}. */
  public static FaultyHistory open(HistoryOptions options) {
    GatedLog log = new GatedLog(RocksEventLog.open(options.getDataDir(), options.isDurable()));
    log.open();
    return new FaultyHistory(log, new History(log, options));
  }

  public History history() {
    return history;
  }

  /**
   * Holds the disk writes from the next one on: the writer waits inside its next
   * batch until {@link #releaseWrites}. Returns at once.
   */
  public void holdWrites() {
    log.permits.drainPermits();
    log.entered.clear();
  }

  /** Waits (30 s at most) until the writer is inside a held write; false if it is not by then. */
  public boolean awaitHeldWrite() throws InterruptedException {
    return log.entered.poll(30, java.util.concurrent.TimeUnit.SECONDS) != null;
  }

  /** Lets every write through again, the held one first. */
  public void releaseWrites() {
    log.open();
  }

  /** Every write from now on throws {@code e} (the writer's next batch fails, and the history with it). */
  public void failWrites(RuntimeException e) {
    log.failWith = e;
  }
}
