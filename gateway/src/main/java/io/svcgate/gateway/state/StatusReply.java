package io.svcgate.gateway.state;

/**
 * A read of the state.
 *
 * @param id   the event id the answer reflects
 * @param json the answer as UTF-8 JSON bytes: the document, or {@code {"id", "matches"}}
 */
public record StatusReply(long id, byte[] json) {
}
