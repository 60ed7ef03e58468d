package io.svcgate.gateway.http;

import io.svcgate.state.HeartbeatMessage;
import java.time.Duration;
import java.util.List;

/**
 * Options of the HTTP verticle.
 *
 * @param host            bind address
 * @param port            port; 0 picks a free one
 * @param maxBody         largest request body, bytes
 * @param tokens          the bearer tokens and their roles ({@code read}, {@code ingest}, {@code admin}); empty = no auth
 * @param openHealth      serve /health without a token
 * @param openMetrics     serve /metrics without a token
 * @param waitMax         the longest a wait request is held
 * @param streamEvents    events queued per stream before it is ended
 * @param streamBytes     bytes queued per stream before it is ended
 * @param bookmark        idle interval between bookmarks
 * @param maxSubscribers  stream subscribers and event waits at once on this verticle
 * @param tlsCert         PEM certificate file, or null
 * @param tlsKey          PEM key file, or null
 * @param allowedHosts    {@code Host} names and addresses answered (lower case, no port); empty = any
 * @param corsOrigins     origins allowed to make cross-origin requests; empty = none
 * @param idleTimeout     a connection with no request in progress is closed after this
 * @param requestTimeout  a request body must be complete this long after the request's head
 * @param clients         per-client counts of streams and waits, shared by every HTTP verticle
 * @param streamStall     how long a stream's client may take nothing before it is ended
 * @param limits          the bounds of one heartbeat message and of a batch
 * @param h2c             serve HTTP/2 over cleartext (h2c); off, a connection is timed from its accept (docs/security.md)
 */
public record HttpOptions(String host, int port, long maxBody, Tokens tokens,
                          boolean openHealth, boolean openMetrics, Duration waitMax,
                          int streamEvents, long streamBytes, Duration bookmark, int maxSubscribers,
                          String tlsCert, String tlsKey, List<String> allowedHosts, List<String> corsOrigins,
                          Duration idleTimeout, Duration requestTimeout, ClientLimits clients,
                          Duration streamStall, HeartbeatMessage.Limits limits, boolean h2c) {
}
