package io.svcgate.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A stream subscriber for tests: connects to {@code /api/events/stream} and parses
 * what arrives (SSE frames or ndjson lines) into messages, queued for the JUnit
 * thread. {@link #pause()} stops reading from the socket, as a slow consumer would.
 */
public final class StreamClient implements AutoCloseable {

  /** One message: for SSE the {@code id} and {@code event} fields too. */
  public record Frame(String id, String event, JsonObject data) {
  }

  private final HttpClient http;
  private final BlockingQueue<Object> frames = new LinkedBlockingQueue<>();
  private static final Object END = new Object();
  private final boolean sse;
  private HttpClientResponse response;
  private volatile long pauseMs;
  private Vertx vertx;
  public final int status;

  private StreamClient(Vertx vertx, int port, String uri, boolean sse, String lastEventId) throws Exception {
    this.sse = sse;
    this.vertx = vertx;
    http = vertx.createHttpClient();
    RequestOptions ro = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port).setURI(uri)
        .putHeader("accept", sse ? "text/event-stream" : "application/x-ndjson");
    if (lastEventId != null) {
      ro.putHeader("Last-Event-ID", lastEventId);
    }
    // Handlers go on in the response callback, on the event loop, before any body chunk is read.
    response = http.request(ro).compose(req -> req.send()).onSuccess(this::install).await(30, TimeUnit.SECONDS);
    status = response.statusCode();
  }

  private void install(HttpClientResponse resp) {
    if (resp.statusCode() != 200) {
      resp.body().onSuccess(b -> {
        frames.add(new Frame(null, "error", b.toJsonObject()));
        frames.add(END);
      });
      return;
    }
    String[] id = {null};
    String[] event = {null};
    RecordParser parser = RecordParser.newDelimited("\n", line -> {
      String s = line.toString();
      if (!sse) {
        if (!s.isEmpty()) {
          frames.add(new Frame(null, null, new JsonObject(s)));
        }
        return;
      }
      if (s.startsWith("id: ")) {
        id[0] = s.substring(4);
      } else if (s.startsWith("event: ")) {
        event[0] = s.substring(7);
      } else if (s.startsWith("data: ")) {
        frames.add(new Frame(id[0], event[0], new JsonObject(s.substring(6))));
        id[0] = null;
        event[0] = null;
      }
    });
    resp.handler(chunk -> {
      parser.handle(chunk);
      long ms = pauseMs;
      if (ms > 0) {
        // a client slower than the feed: it stops reading the socket for a moment after each chunk
        resp.pause();
        vertx.setTimer(ms, t -> resp.resume());
      }
    });
    resp.endHandler(v -> frames.add(END));
    resp.exceptionHandler(e -> frames.add(END));
  }

  public static StreamClient sse(Vertx vertx, int port, String uri) throws Exception {
    return new StreamClient(vertx, port, uri, true, null);
  }

  public static StreamClient sse(Vertx vertx, int port, String uri, String lastEventId) throws Exception {
    return new StreamClient(vertx, port, uri, true, lastEventId);
  }

  public static StreamClient ndjson(Vertx vertx, int port, String uri) throws Exception {
    return new StreamClient(vertx, port, uri, false, null);
  }

  /** The next message, or null when the stream ended; fails after 30 s. */
  public Frame next() throws InterruptedException {
    Object o = frames.poll(30, TimeUnit.SECONDS);
    if (o == null) {
      throw new AssertionError("no stream message within 30 s");
    }
    return o == END ? null : (Frame) o;
  }

  /** The next message that is not a bookmark. */
  public Frame nextEvent() throws InterruptedException {
    Frame f;
    do {
      f = next();
    } while (f != null && "bookmark".equals(f.data().getString("kind")));
    return f;
  }

  /** Reads slowly from now on: a pause of {@code ms} after each chunk taken from the socket. */
  public void readSlowly(long ms) {
    pauseMs = ms;
  }

  public void pause() {
    response.pause();
  }

  public void resume() {
    response.resume();
  }

  @Override
  public void close() {
    http.close();
  }
}
