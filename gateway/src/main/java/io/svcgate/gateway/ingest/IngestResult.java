package io.svcgate.gateway.ingest;

/**
 * Heartbeat messages taken: all of them applied and their events durable.
 *
 * @param accepted how many messages
 * @param id       the id of the last event they produced (or the last id when they produced none)
 */
public record IngestResult(int accepted, long id) {
}
