package io.svcgate.gateway.raw;

import io.svcgate.state.Event;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.function.Function;

/**
 * One {@code events} stream of the raw listener: each event becomes one frame (its
 * envelope JSON encrypted under a fresh IV, then NUL) written in a single write, so
 * that OpenSVC's client never sees half a frame. The stream stays open until the
 * client goes or the gateway stops.
 *
 * <p>Bounded like an HTTP stream: frames the socket cannot take yet wait in a queue of
 * at most {@code maxEvents} frames and {@code maxBytes} bytes. A client that lets it
 * overflow gets a last frame {@code {"kind":"gone","reason":"slow consumer","last":N}}
 * and the connection is closed. Before its first message (the initial {@code full}
 * when asked), events are held under the same bounds and those already in the full
 * are skipped. A stream whose feed jumps ({@link #historyReloaded()}) writes what it
 * queued, then {@code {"kind":"gone","reason":"history reloaded","last":N}}, and the
 * connection is closed. Confined to the listener's event loop.
 */
final class RawEventStream {

  private final NetSocket socket;
  private final Function<byte[], Buffer> seal;
  private final int maxEvents;
  private final long maxBytes;
  private final Runnable onSlow;
  private final ArrayDeque<Buffer> queue = new ArrayDeque<>();
  private final ArrayDeque<Event> held = new ArrayDeque<>();
  private long heldBytes;
  private long queuedBytes;
  /** Events up to this id are not sent; -1 while holding. */
  private long after = -1;
  private long last;
  private boolean ended;

  /**
   * @param seal   makes the frame of a payload
   * @param onSlow called once if the stream is ended for falling behind
   */
  RawEventStream(NetSocket socket, Function<byte[], Buffer> seal, int maxEvents, long maxBytes, Runnable onSlow) {
    this.socket = socket;
    this.seal = seal;
    this.maxEvents = maxEvents;
    this.maxBytes = maxBytes;
    this.onSlow = onSlow;
    socket.drainHandler(v -> drain());
  }

  /** Starts sending: {@code first} (may be null) then every event after {@code afterId}. */
  void begin(byte[] first, long afterId) {
    if (ended) {
      return;
    }
    after = afterId;
    last = afterId;
    if (first != null) {
      enqueue(seal.apply(first));
    }
    while (!held.isEmpty() && !ended) {
      offer(held.poll());
    }
    heldBytes = 0;
  }

  /** Takes one event from the feed. */
  void offer(Event e) {
    if (ended) {
      return;
    }
    if (after < 0) {
      held.add(e);
      heldBytes += e.json().length;
      if (held.size() > maxEvents || heldBytes > maxBytes) {
        slow();
      }
      return;
    }
    if (e.id() <= after) {
      return;
    }
    last = e.id();
    enqueue(seal.apply(e.json()));
  }

  private void enqueue(Buffer frame) {
    if (queue.isEmpty() && !socket.writeQueueFull()) {
      socket.write(frame);
      return;
    }
    queue.add(frame);
    queuedBytes += frame.length();
    if (queue.size() > maxEvents || queuedBytes > maxBytes) {
      slow();
    }
  }

  private void drain() {
    while (!queue.isEmpty() && !socket.writeQueueFull() && !ended) {
      Buffer b = queue.poll();
      queuedBytes -= b.length();
      socket.write(b);
    }
  }

  private void slow() {
    queue.clear();
    held.clear();
    endWithGone("slow consumer");
    onSlow.run();
  }

  /**
   * The history was replaced under the feed: the events after {@code last} that it
   * holds were never published. Sends what is queued, then a last frame with the last
   * id sent, and closes.
   */
  void historyReloaded() {
    if (ended) {
      return;
    }
    held.clear();
    while (!queue.isEmpty()) {
      socket.write(queue.poll()); // bounded: the queue holds at most maxEvents frames and maxBytes
    }
    queuedBytes = 0;
    endWithGone("history reloaded");
  }

  /** The last frame, {@code {"kind":"gone","reason":…,"last":N}}, then the end of the connection. */
  private void endWithGone(String reason) {
    ended = true;
    String gone = "{\"kind\":\"gone\",\"reason\":\"" + reason + "\",\"last\":" + last + "}";
    socket.end(seal.apply(gone.getBytes(StandardCharsets.UTF_8)));
  }

  /** The client went, or the gateway stops: nothing more is sent. */
  void end() {
    ended = true;
    queue.clear();
    held.clear();
  }
}
