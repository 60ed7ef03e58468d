package io.svcgate.jmx;

/**
 * The gateway's bookkeeping about one node at one moment.
 *
 * @param gen            the last generation merged; 0 when none
 * @param status         {@code beating} or {@code stale}
 * @param needsFull      true while its patches are dropped until a full
 * @param lastSeen       last accepted message, epoch seconds; 0 when not since start
 * @param frozen         freeze time, epoch seconds; 0 when not frozen
 * @param patchesApplied patch generations applied
 * @param resyncs        times it was put back to needing a full
 */
public record NodeSnapshot(long gen, String status, boolean needsFull, double lastSeen, double frozen,
                           long patchesApplied, long resyncs) {
}
