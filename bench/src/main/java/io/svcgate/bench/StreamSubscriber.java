package io.svcgate.bench;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.function.LongSupplier;

/**
 * One streaming subscriber over HTTP: the gateway's SSE stream, or an etcd watch
 * (JSON lines). Counts the notifications it reads and, in latency mode, finds the
 * send time each carries ({@code "ts~<nanos>"}, base64-encoded in an etcd value)
 * and records now − sent. Called on the client's event loop.
 */
final class StreamSubscriber {

  /** What the stream is. */
  enum Kind { SSE, ETCD }

  private final Kind kind;
  private final Stats latency;
  private final LongSupplier measureFrom;
  private Buffer pending = Buffer.buffer();
  private byte prev;
  volatile long notifications;
  volatile boolean ended;
  private HttpClientResponse response;

  /**
   * @param latency     where to record latencies, or null to count only
   * @param measureFrom nanoTime from which latencies count (warm-up before)
   */
  StreamSubscriber(Kind kind, Stats latency, LongSupplier measureFrom) {
    this.kind = kind;
    this.latency = latency;
    this.measureFrom = measureFrom;
  }

  /** Opens the gateway's SSE stream, from after {@code after} (or live when negative). */
  Future<Void> openSse(HttpClient http, String base, long after) {
    URI u = URI.create(base);
    RequestOptions ro = new RequestOptions().setMethod(HttpMethod.GET).setHost(u.getHost()).setPort(u.getPort())
        .setURI("/api/events/stream?format=sse" + (after >= 0 ? "&after=" + after : ""));
    return http.request(ro).compose(req -> req.send()).compose(this::attach);
  }

  /** Opens an etcd watch of every key under {@code prefix} (JSON gateway, {@code POST /v3/watch}). */
  Future<Void> openEtcd(HttpClient http, String base, String prefix) {
    URI u = URI.create(base);
    String body = "{\"create_request\":{\"key\":\"" + EtcdScenario.b64(prefix) + "\",\"range_end\":\""
        + EtcdScenario.b64(EtcdScenario.rangeEnd(prefix)) + "\"}}";
    RequestOptions ro = new RequestOptions().setMethod(HttpMethod.POST).setHost(u.getHost()).setPort(u.getPort())
        .setURI("/v3/watch").putHeader("content-type", "application/json");
    return http.request(ro).compose(req -> req.send(body)).compose(this::attach);
  }

  private Future<Void> attach(HttpClientResponse resp) {
    if (resp.statusCode() != 200) {
      return resp.body().compose(b -> Future.failedFuture("stream answered " + resp.statusCode() + ": " + b));
    }
    this.response = resp;
    resp.handler(this::onChunk);
    resp.endHandler(v -> ended = true);
    resp.exceptionHandler(e -> ended = true);
    return Future.succeededFuture();
  }

  void close() {
    if (response != null) {
      response.request().connection().close();
    }
  }

  private void onChunk(Buffer chunk) {
    if (latency == null && kind == Kind.SSE) {
      // Count only: one SSE frame ends with an empty line.
      byte[] b = chunk.getBytes();
      long n = 0;
      byte p = prev;
      for (byte x : b) {
        if (x == '\n' && p == '\n') {
          n++;
        }
        p = x;
      }
      prev = p;
      notifications += n;
      return;
    }
    // Latency mode: complete lines only; a line cut by the chunk waits in `pending`.
    int nl = chunk.length() - 1;
    while (nl >= 0 && chunk.getByte(nl) != '\n') {
      nl--;
    }
    if (nl < 0) {
      pending.appendBuffer(chunk);
      return;
    }
    byte[] data;
    int end;
    if (pending.length() == 0) {
      data = chunk.getBytes();
      end = nl;
    } else {
      end = pending.length() + nl;
      pending.appendBuffer(chunk);
      data = pending.getBytes();
    }
    long now = System.nanoTime();
    int start = 0;
    for (int i = 0; i <= end; i++) {
      if (data[i] == '\n') {
        line(data, start, i, now);
        start = i + 1;
      }
    }
    pending = Buffer.buffer();
    if (end + 1 < data.length) {
      pending.appendBytes(data, end + 1, data.length - end - 1);
    }
  }

  private void line(byte[] b, int from, int to, long now) {
    if (kind == Kind.SSE) {
      if (to - from > 6 && b[from] == 'd' && b[from + 1] == 'a' && b[from + 2] == 't' && b[from + 3] == 'a') {
        notifications++;
        record(ReplayNode.sentNanos(b, from, to), now);
      }
      return;
    }
    // etcd: one JSON object per line, {"result":{…,"events":[{"kv":{…,"value":"<base64>"}}…]}}
    int i = from;
    while (true) {
      int k = indexOf(b, EtcdScenario.VALUE_KEY, i, to);
      if (k < 0) {
        break;
      }
      int s = k + EtcdScenario.VALUE_KEY.length;
      int e = s;
      while (e < to && b[e] != '"') {
        e++;
      }
      notifications++;
      if (latency != null) {
        byte[] v = java.util.Base64.getDecoder().decode(java.util.Arrays.copyOfRange(b, s, e));
        record(ReplayNode.sentNanos(v, 0, v.length), now);
      }
      i = e;
    }
  }

  private void record(long sent, long now) {
    if (latency != null && sent > 0 && sent >= measureFrom.getAsLong()) {
      latency.add(now - sent);
    }
  }

  static int indexOf(byte[] b, byte[] what, int from, int to) {
    outer:
    for (int i = from; i <= to - what.length; i++) {
      for (int k = 0; k < what.length; k++) {
        if (b[i + k] != what[k]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
