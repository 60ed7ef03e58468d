package io.svcgate.gateway.state;

import io.svcgate.gateway.history.History;
import io.svcgate.state.ClusterState;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state snapshot policy of the state verticle (docs/storage.md, "State snapshot"):
 * when to save the state to the history, one save at a time. Runs on the verticle's
 * context; the saving itself happens on the history's writer thread.
 */
final class StateSnapshots {

  /** The state verticle's logger: the snapshot lines have always been its own. */
  private static final Logger LOG = LoggerFactory.getLogger(StateVerticle.class);

  private final History history;
  private final long every;
  private final Supplier<ClusterState> state;
  private final BooleanSupplier failed;
  private final Context context;
  private long snapshotId;
  private Future<Void> inFlight;

  /**
   * @param every  events between two snapshots
   * @param state  the state as it is now
   * @param failed whether the history can no longer be written (then nothing is saved)
   */
  StateSnapshots(History history, long every, Supplier<ClusterState> state, BooleanSupplier failed, Context context) {
    this.history = history;
    this.every = every;
    this.state = state;
    this.failed = failed;
    this.context = context;
    this.snapshotId = history.snapshotId();
  }

  /**
   * Saves a snapshot of the state when {@code every} events passed since the last one,
   * or when {@code force}d (the periodic timer, the stop) and anything changed. The
   * snapshot is the state at its last id, which is already appended: the history saves
   * it behind those events, so it never runs ahead of what is durable (and fails,
   * unsaved, if they fail). One save at a time; a forced save asked during one runs
   * after it.
   */
  Future<Void> maybe(boolean force) {
    if (inFlight != null) {
      return force ? inFlight.transform(ar -> maybe(true)) : Future.succeededFuture();
    }
    ClusterState s = state.get();
    long last = s.lastId();
    if (last == snapshotId || failed.getAsBoolean() || (!force && last - snapshotId < every)) {
      return Future.succeededFuture();
    }
    long t0 = System.nanoTime();
    byte[] blob = s.snapshot();
    Promise<Void> saved = Promise.promise();
    // set before the save: its completion may run right here, when the history is quick
    inFlight = saved.future();
    Future<Void> save;
    try {
      save = Future.fromCompletionStage(history.saveSnapshot(last, blob), context);
    } catch (RuntimeException e) {
      save = Future.failedFuture(e);
    }
    save.onComplete(ar -> {
      inFlight = null;
      if (ar.succeeded()) {
        snapshotId = Math.max(snapshotId, last);
        LOG.debug("state snapshot saved at id {} ({} bytes, {} ms)", last, blob.length,
            (System.nanoTime() - t0) / 1_000_000);
      } else {
        LOG.warn("saving the state snapshot at id {} failed", last, ar.cause());
      }
      saved.handle(ar);
    });
    return saved.future();
  }
}
