package io.svcgate.gateway.http;

import io.svcgate.gateway.metrics.GatewayMetrics;
import io.svcgate.state.Event;
import io.svcgate.state.history.EventQuery;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One live stream ({@code GET /api/events/stream}): a bounded queue of shared
 * frames written to the response in one go when the feed flushes (once per turn
 * of the event loop, so a burst of events is one write) and whenever the socket
 * can take more.
 *
 * <p>The queue is bounded ({@code stream.buffer-events}, {@code stream.buffer-bytes}):
 * when a live event does not fit, the queue is dropped and the stream falls behind
 * ({@link Taken#BEHIND}): the feed replays the history after the last event written,
 * at the pace the socket drains. A client that takes nothing — the socket's write
 * queue stays full with no drain for {@code stream.stall-timeout} — is ended with a
 * {@code gone} message naming the last id written; the client resumes from there.
 * A client that reads, however slowly or far behind, is never ended.
 * Idle streams get a jittered bookmark. Event-loop confined.
 */
final class StreamConnection implements Subscriber {

  /** Largest single write: bounds the copy one flush makes for one connection. */
  private static final int MAX_WRITE = 64 * 1024;

  private final Vertx vertx;
  private final HttpServerResponse response;
  private final StreamFormat format;
  private final EventQuery query;
  private final FrameCache frames;
  private final GatewayMetrics metrics;
  private final int maxEvents;
  private final long maxBytes;
  private final long bookmarkMs;
  private final int limit;
  private final ArrayDeque<Buffer> queue = new ArrayDeque<>();
  private final ArrayDeque<Long> queueIds = new ArrayDeque<>();
  private long queuedBytes;
  /** Longest time the socket may stay full with no drain; 0: no bound. */
  private final long stallMs;
  private long stallTimer = -1;
  private long lastSeen;
  private long lastDelivered;
  private int sent;
  private boolean wroteSinceBookmark;
  private long bookmarkTimer = -1;
  private boolean ended;
  private boolean continuing;
  private Runnable onReady;
  private Runnable onEnd = () -> { };

  StreamConnection(Vertx vertx, HttpServerResponse response, StreamFormat format, EventQuery query,
                   FrameCache frames, GatewayMetrics metrics, int maxEvents, long maxBytes,
                   long bookmarkMs, long stallMs, int limit, long start) {
    this.vertx = vertx;
    this.response = response;
    this.format = format;
    this.query = query;
    this.frames = frames;
    this.metrics = metrics;
    this.maxEvents = maxEvents;
    this.maxBytes = maxBytes;
    this.bookmarkMs = bookmarkMs;
    this.stallMs = stallMs;
    this.limit = limit;
    this.lastSeen = start;
    this.lastDelivered = start;
    response.drainHandler(v -> {
      cancelStall();
      flush();
    });
  }

  void onEnd(Runnable r) {
    this.onEnd = r;
  }

  /** Starts the bookmark timer. */
  void start() {
    scheduleBookmark();
  }

  /** Writes a message that is not an event (the initial full). */
  void writeRaw(Buffer frame) {
    response.write(frame);
    wroteSinceBookmark = true;
    watchStall();
  }

  @Override
  public Taken offer(Event e) {
    if (ended) {
      return Taken.DONE;
    }
    lastSeen = e.id();
    if (!query.test(e)) {
      return Taken.YES;
    }
    Buffer f = frames.frame(e, format);
    if (!fits(f)) {
      // Make room with what the socket takes now; behind only if that is not enough.
      // Each fall behind comes after at least one write when the socket took it, so a
      // replay that offers only when ready() always moves on.
      writeWhileWritable();
      if (!fits(f)) {
        fallBehind();
        return Taken.BEHIND;
      }
    }
    queue.add(f);
    queueIds.add(e.id());
    queuedBytes += f.length();
    if (queue.size() >= Math.max(1, maxEvents / 2) || queuedBytes >= Math.min(MAX_WRITE, maxBytes / 2)) {
      // A long run of offers (a replayed page, a burst of large events) must not fill
      // the bound before the feed's flush comes: write what the socket takes now.
      writeWhileWritable();
    }
    sent++;
    if (limit > 0 && sent >= limit) {
      end(null);
      return Taken.DONE;
    }
    return Taken.YES;
  }

  @Override
  public long resumeAfter() {
    return lastDelivered;
  }

  /**
   * After a write that filled the socket's write queue: unless a drain comes first,
   * the client has taken nothing for {@link #stallMs} when the timer fires.
   */
  private void watchStall() {
    if (stallMs > 0 && stallTimer < 0 && !ended && response.writeQueueFull()) {
      stallTimer = vertx.setTimer(stallMs, t -> {
        stallTimer = -1;
        if (!ended && response.writeQueueFull()) {
          slowConsumer();
        }
      });
    }
  }

  private void cancelStall() {
    if (stallTimer >= 0) {
      vertx.cancelTimer(stallTimer);
      stallTimer = -1;
    }
  }

  /** Drops what is queued: the feed replays it from the history after the last event written. */
  private void fallBehind() {
    sent -= queue.size();
    queue.clear();
    queueIds.clear();
    queuedBytes = 0;
    lastSeen = lastDelivered;
  }

  /** Whether {@code f} fits the queue's bounds; any frame fits an empty queue. */
  private boolean fits(Buffer f) {
    return queue.isEmpty() || (queue.size() < maxEvents && queuedBytes + f.length() <= maxBytes);
  }

  private void writeWhileWritable() {
    while (!queue.isEmpty() && !response.writeQueueFull() && !ended) {
      writeBatch();
    }
  }

  /**
   * Writes one batch of what is queued (at most {@link #MAX_WRITE} bytes, several
   * frames in one write) and, when more is queued and the socket takes it, goes on
   * in a task of its own, so a long backlog never holds the event loop.
   */
  @Override
  public void flush() {
    if (!queue.isEmpty() && !response.writeQueueFull() && !ended) {
      writeBatch();
    }
    if (!queue.isEmpty() && !response.writeQueueFull() && !ended && !continuing) {
      continuing = true;
      vertx.runOnContext(v -> {
        continuing = false;
        flush();
      });
    }
    // onReady first: a live stream has none, and each writeQueueFull() takes the connection's lock
    if (onReady != null && queue.isEmpty() && !response.writeQueueFull()) {
      Runnable r = onReady;
      onReady = null;
      r.run();
    }
  }

  /** One write of up to {@link #MAX_WRITE} bytes of queued frames. */
  private void writeBatch() {
    Buffer out;
    if (queue.size() == 1) {
      out = queue.poll();
      queuedBytes -= out.length();
      lastDelivered = queueIds.poll();
    } else {
      out = Buffer.buffer(Math.min(MAX_WRITE, (int) Math.min(Integer.MAX_VALUE, queuedBytes)));
      while (!queue.isEmpty() && out.length() < MAX_WRITE) {
        Buffer b = queue.poll();
        queuedBytes -= b.length();
        lastDelivered = queueIds.poll();
        out.appendBuffer(b);
      }
    }
    response.write(out);
    wroteSinceBookmark = true;
    watchStall();
  }


  @Override
  public boolean ready() {
    return !ended && !response.writeQueueFull() && queue.size() < Math.max(1, maxEvents / 2)
        && queuedBytes < Math.max(MAX_WRITE, maxBytes / 2);
  }

  @Override
  public void onReady(Runnable resume) {
    this.onReady = resume;
  }

  private void slowConsumer() {
    metrics.slowConsumerDisconnect();
    queue.clear();
    queueIds.clear();
    queuedBytes = 0;
    JsonObject gone = new JsonObject().put("kind", "gone").put("reason", "slow consumer").put("last", lastDelivered);
    finish(format.frame(-1, "gone", gone.toBuffer().getBytes()));
  }

  @Override
  public void gone(long oldest, long last) {
    JsonObject gone = new JsonObject().put("kind", "gone").put("reason", "history")
        .put("oldest", oldest).put("last", last);
    finish(format.frame(-1, "gone", gone.toBuffer().getBytes()));
  }

  @Override
  public void end(String reason) {
    if (reason == null) {
      finish(null);
      return;
    }
    JsonObject gone = new JsonObject().put("kind", "gone").put("reason", reason).put("last", lastDelivered);
    finish(format.frame(-1, "gone", gone.toBuffer().getBytes()));
  }

  private void finish(Buffer last) {
    if (ended) {
      return;
    }
    // Deliver what is queued before the final word, unless we end because of the queue.
    if (last == null) {
      while (!queue.isEmpty()) {
        response.write(queue.poll());
      }
    }
    ended = true;
    cancelBookmark();
    cancelStall();
    if (last != null) {
      response.write(last);
    }
    response.end();
    onEnd.run();
  }

  /** The connection closed from the client's side. */
  void closed() {
    if (!ended) {
      ended = true;
      cancelBookmark();
      cancelStall();
      onEnd.run();
    }
  }

  private void scheduleBookmark() {
    if (ended || bookmarkMs <= 0) {
      return;
    }
    long delay = Math.max(1, (long) (bookmarkMs * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble())));
    bookmarkTimer = vertx.setTimer(delay, t -> {
      bookmarkTimer = -1;
      if (ended) {
        return;
      }
      if (!wroteSinceBookmark && queue.isEmpty() && !response.writeQueueFull()) {
        String json = "{\"kind\":\"bookmark\",\"id\":" + lastSeen + "}";
        response.write(format.frame(lastSeen, "bookmark", json.getBytes(StandardCharsets.US_ASCII)));
      }
      wroteSinceBookmark = false;
      scheduleBookmark();
    });
  }

  private void cancelBookmark() {
    if (bookmarkTimer >= 0) {
      vertx.cancelTimer(bookmarkTimer);
      bookmarkTimer = -1;
    }
  }
}
