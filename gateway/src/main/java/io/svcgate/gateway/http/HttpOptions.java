package io.svcgate.gateway.http;

import io.svcgate.state.HeartbeatMessage;
import java.time.Duration;
import java.util.Map;

/**
 * Options of the HTTP verticle.
 *
 * @param host            bind address
 * @param port            port; 0 picks a free one
 * @param maxBody         largest request body, bytes
 * @param tokens          token → role ({@code read}, {@code ingest}, {@code admin}); empty = no auth
 * @param openHealth      serve /health without a token
 * @param openMetrics     serve /metrics without a token
 * @param waitMax         the longest a wait request is held
 * @param streamEvents    events queued per stream before it is ended
 * @param streamBytes     bytes queued per stream before it is ended
 * @param bookmark        idle interval between bookmarks
 * @param maxSubscribers  stream subscribers and event waits at once on this verticle
 * @param tlsCert         PEM certificate file, or null
 * @param tlsKey          PEM key file, or null
 * @param streamStall     how long a stream's client may take nothing before it is ended
 * @param limits          the bounds of one heartbeat message and of a batch
 */
public record HttpOptions(String host, int port, long maxBody, Map<String, String> tokens,
                          boolean openHealth, boolean openMetrics, Duration waitMax,
                          int streamEvents, long streamBytes, Duration bookmark, int maxSubscribers,
                          String tlsCert, String tlsKey, Duration streamStall, HeartbeatMessage.Limits limits) {
}
