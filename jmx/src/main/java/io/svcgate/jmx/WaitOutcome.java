package io.svcgate.jmx;

/**
 * How a wait ended. JMX clients without this class see it as a {@code CompositeData}
 * with the same item names (MXBean mapping).
 *
 * @param satisfied whether the condition held
 * @param elapsed   seconds from the request to the answer
 * @param id        the event id at which it was decided
 */
public record WaitOutcome(boolean satisfied, double elapsed, long id) {
}
