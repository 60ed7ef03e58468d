package io.svcgate.gateway.cluster;

/**
 * A place in the Raft log: the (term, index) of an entry. The history records the
 * position of the last entry it made durable, so that a restarted member resumes
 * the log right after it (docs/clustering.md, "Restarting a member").
 */
public record LogPosition(long term, long index) {
}
