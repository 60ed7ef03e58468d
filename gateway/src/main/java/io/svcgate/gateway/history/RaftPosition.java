package io.svcgate.gateway.history;

/**
 * Where a cluster member's history stands in the Raft log: the term and index of the
 * last committed entry whose changes are written. Recorded in the same write as those
 * changes (docs/storage.md, "Cluster mode"), so after a crash the history and its
 * position agree, and the Raft log is replayed from the entry after it.
 *
 * @param term  the entry's Raft term (at least 0)
 * @param index the entry's Raft log index (at least 0)
 */
public record RaftPosition(long term, long index) implements Comparable<RaftPosition> {

  public RaftPosition {
    if (term < 0 || index < 0) {
      throw new IllegalArgumentException("a Raft position has a non-negative term and index, got (" + term + ", "
          + index + ")");
    }
  }

  @Override
  public int compareTo(RaftPosition o) {
    return Long.compare(index, o.index);
  }

  @Override
  public String toString() {
    return "(term " + term + ", index " + index + ")";
  }
}
