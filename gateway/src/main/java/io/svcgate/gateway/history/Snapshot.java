package io.svcgate.gateway.history;

/**
 * A stored state snapshot: an opaque blob (the coordinator's serialization of the
 * cluster state) and the id of the last event it reflects. The state at restart is
 * this snapshot plus the events after {@link #id()}. The array is not copied: do not
 * modify it.
 */
public record Snapshot(long id, byte[] blob) {

  public Snapshot {
    if (id < 0) {
      throw new IllegalArgumentException("snapshot id must be >= 0, got " + id);
    }
    if (blob == null) {
      throw new IllegalArgumentException("snapshot blob must not be null");
    }
  }
}
