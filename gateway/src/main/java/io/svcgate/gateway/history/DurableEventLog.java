package io.svcgate.gateway.history;

import io.svcgate.state.ClusterState.GenerationChange;
import io.svcgate.state.Event;
import io.svcgate.state.history.EventLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An {@link EventLog} whose appends are durable when they return, and which also keeps
 * the latest state snapshot, so the state can be rebuilt at start as snapshot + the
 * events after it.
 *
 * <p>Threading: one thread appends and saves snapshots (the writer); {@link #retain}
 * may run on another thread concurrently with appends; reads may run on any thread.
 */
public interface DurableEventLog extends EventLog {

  /**
   * Appends {@code events} and records the nodes' merged {@code generations} (later
   * entries of a node win; a forgotten node's entry is removed) in one atomic write:
   * after a crash both are there or neither. Either list may be empty. The default
   * takes no generations (a log that keeps none).
   *
   * @throws UnsupportedOperationException when generations are given to a log that keeps none
   */
  default void append(List<Event> events, List<GenerationChange> generations) {
    if (!generations.isEmpty()) {
      throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps no node generations");
    }
    append(events);
  }

  /**
   * As {@link #append(List, List)}, also recording {@code position} (null: none) as the
   * Raft entry these changes come from, in the same atomic write. The default takes
   * no position (a log that keeps none).
   *
   * @throws UnsupportedOperationException when a position is given to a log that keeps none
   */
  default void append(List<Event> events, List<GenerationChange> generations, RaftPosition position) {
    if (position != null) {
      throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps no Raft position");
    }
    append(events, generations);
  }

  /** The Raft position the last write recorded; empty when none was (a single gateway's history). */
  default Optional<RaftPosition> loadRaftPosition() {
    return Optional.empty();
  }

  /**
   * Replaces the epoch of an empty history (no event, no Raft position) with
   * {@code epoch}, durably: a cluster member takes the epoch its first committed entry
   * decides, the same on every member.
   *
   * @throws IllegalStateException         when the history is not empty
   * @throws UnsupportedOperationException for a log that cannot change its epoch
   */
  default void adoptEpoch(String epoch) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot change its epoch");
  }

  /**
   * The merged generation of every node as the last write left it (node name to
   * generation, 0 meaning it needs a full); empty for a log that keeps none.
   */
  default Map<String, Long> loadGenerations() {
    return Map.of();
  }

  /**
   * Stores {@code blob} as the state at event {@code id}, durably, replacing the previous
   * snapshot.
   *
   * @throws IllegalArgumentException when {@code id} is not kept ({@code id < oldestId() - 1}),
   *                                  is past {@link #lastId()}, or is older than the stored snapshot
   */
  void saveSnapshot(long id, byte[] blob);

  /** The latest snapshot saved, if any. */
  Optional<Snapshot> loadSnapshot();

  /** The id of the latest snapshot saved; 0 when none. Retention keeps every event after it. */
  long snapshotId();

  /**
   * As {@link #readAfter}, the envelopes' bytes only ({@code Event.json()}), ids
   * {@code after + 1 …} in order: for a reader that only copies them out (a history
   * page without a filter), with no parse. The default parses; a store overrides it.
   */
  default List<byte[]> readRawAfter(long after, int limit) {
    List<byte[]> out = new ArrayList<>();
    for (Event e : readAfter(after, limit)) {
      out.add(e.json());
    }
    return out;
  }
}
