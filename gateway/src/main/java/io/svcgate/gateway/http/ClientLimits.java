package io.svcgate.gateway.http;

import io.svcgate.gateway.metrics.GatewayMetrics;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many streams and waits each client holds, beside the totals: a client is
 * its bearer token when it sent one, else its address. One instance is shared by
 * every HTTP verticle; thread-safe. A client past its share is answered 429.
 */
public final class ClientLimits {

  /** What is counted. */
  enum Kind { STREAM, WAIT }

  private final int streams;
  private final int waits;
  private final GatewayMetrics metrics;
  private final ConcurrentMap<String, AtomicInteger> counts = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, long[]> authFailures = new ConcurrentHashMap<>();

  /**
   * @param streams streams at once per client
   * @param waits   waits at once per client
   * @param metrics counts refusals as {@code svcgate_http_refused_total{reason="client_limit"}}
   */
  public ClientLimits(int streams, int waits, GatewayMetrics metrics) {
    this.streams = streams;
    this.waits = waits;
    this.metrics = metrics;
  }

  /** 401s per source address, {count, window start ms}, read and written by {@link AccessHandler}. */
  ConcurrentMap<String, long[]> authFailures() {
    return authFailures;
  }

  /** The client a request comes from: its token's key, else its remote address. */
  static String clientOf(RoutingContext rc) {
    String auth = rc.request().getHeader("Authorization");
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Tokens.clientKey(auth.substring(7).trim());
    }
    return rc.request().remoteAddress() == null ? "unknown" : "address:" + rc.request().remoteAddress().hostAddress();
  }

  /**
   * Takes one slot of {@code kind} for the request's client, or throws a 429.
   *
   * @return what gives the slot back; safe to call more than once
   */
  Runnable acquire(RoutingContext rc, Kind kind) {
    String key = kind + " " + clientOf(rc);
    int max = kind == Kind.STREAM ? streams : waits;
    AtomicInteger n = counts.computeIfAbsent(key, k -> new AtomicInteger());
    if (n.incrementAndGet() > max) {
      release(key, n);
      metrics.httpRefused("client_limit");
      throw new HttpError(429, "too many " + (kind == Kind.STREAM ? "streams" : "waits") + " at once from this client (at most "
          + max + ": " + (kind == Kind.STREAM ? "stream" : "wait") + ".max-per-client)");
    }
    boolean[] released = {false};
    return () -> {
      if (!released[0]) {
        released[0] = true;
        release(key, n);
      }
    };
  }

  private void release(String key, AtomicInteger n) {
    if (n.decrementAndGet() <= 0) {
      counts.remove(key, n);
    }
  }

  /** Slots held now by {@code client} (as {@link #clientOf} names it), for tests and metrics. */
  int held(Kind kind, String client) {
    AtomicInteger n = counts.get(kind + " " + client);
    return n == null ? 0 : n.get();
  }
}
