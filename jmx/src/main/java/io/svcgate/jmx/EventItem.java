package io.svcgate.jmx;

/**
 * One event of the history as JMX shows it. JMX clients without this class see it as
 * a {@code CompositeData} with the same item names (MXBean mapping).
 *
 * @param id       the event id
 * @param ts       when it happened, epoch seconds
 * @param nodename the node it is about
 * @param kind     {@code patch} or {@code event}
 * @param eventId  the {@code data.id} of an event; null for a patch
 * @param json     the envelope JSON
 */
public record EventItem(long id, double ts, String nodename, String kind, String eventId, String json) {
}
