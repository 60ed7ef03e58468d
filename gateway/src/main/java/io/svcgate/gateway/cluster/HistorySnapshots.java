package io.svcgate.gateway.cluster;

import io.svcgate.gateway.history.RaftPosition;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The member's history as Raft snapshots (docs/clustering.md, "The Raft log"): packed
 * into one file at its Raft position, so that Ratis trims its log behind it and sends
 * it to a member too far behind; and loaded from such a file, in place, on that member.
 */
public interface HistorySnapshots {

  /** Packs the history into {@code fileFor.apply(position)}; completes with that position ((0, 0): none yet). */
  CompletableFuture<RaftPosition> export(Function<RaftPosition, Path> fileFor);

  /** Replaces this member's history and state with the one in {@code file}; completes with its position. */
  CompletableFuture<RaftPosition> reload(Path file);
}
