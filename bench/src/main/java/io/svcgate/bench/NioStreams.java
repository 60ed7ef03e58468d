package io.svcgate.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Streaming subscribers on plain NIO: one HTTP/1.1 connection per subscriber, all
 * of them read by a few selector threads (one per core by default), each chunk
 * decoded and its lines examined on the thread that read it (no hand-over to
 * another thread per event). The same client for both sides of P8: the gateway's
 * SSE stream ({@code GET /api/events/stream?format=sse}) and etcd's watch through
 * its JSON gateway ({@code POST /v3/watch}, one JSON object per line). Counts the
 * notifications each connection reads and, with a {@link Stats}, records now −
 * sent for each ({@code "ts~<nanos>"} in the event, base64-encoded in an etcd
 * value).
 *
 * <p>Bounded: a line longer than {@link #MAX_LINE} bytes ends its connection.
 */
final class NioStreams implements AutoCloseable {

  /** What the streams are. */
  enum Kind { SSE, ETCD }

  static final int MAX_LINE = 16 << 20;
  private static final byte[] VALUE_KEY = "\"value\":\"".getBytes(StandardCharsets.US_ASCII);
  /** Base64 characters decoded from the start of an etcd value to find its send time (the marker is near the start). */
  private static final int TS_PREFIX = 1024;

  private final Kind kind;
  private final Stats latency;
  private final LongSupplier measureFrom;
  private final Loop[] loops;
  private final List<Conn> conns = new ArrayList<>();

  /**
   * @param loops       selector threads
   * @param latency     where to record latencies, or null to count only
   * @param measureFrom nanoTime from which latencies count (warm-up before)
   */
  NioStreams(Kind kind, int loops, Stats latency, LongSupplier measureFrom) throws IOException {
    this.kind = kind;
    this.latency = latency;
    this.measureFrom = measureFrom;
    this.loops = new Loop[loops];
    for (int i = 0; i < loops; i++) {
      this.loops[i] = new Loop(i);
    }
  }

  /** SSE subscribers of the gateway at {@code base}, from after {@code after} (live when negative). */
  static NioStreams sse(String base, int n, long after, Stats latency, LongSupplier measureFrom) throws Exception {
    URI u = URI.create(base);
    String req = "GET /api/events/stream?format=sse" + (after >= 0 ? "&after=" + after : "") + " HTTP/1.1\r\n"
        + "Host: " + u.getHost() + ":" + u.getPort() + "\r\nAccept: text/event-stream\r\n\r\n";
    return open(Kind.SSE, u, req, n, latency, measureFrom);
  }

  /** etcd watchers (JSON gateway) of every key under {@code prefix}. */
  static NioStreams etcd(String base, String prefix, int n, Stats latency, LongSupplier measureFrom) throws Exception {
    URI u = URI.create(base);
    String body = "{\"create_request\":{\"key\":\"" + EtcdScenario.b64(prefix) + "\",\"range_end\":\""
        + EtcdScenario.b64(EtcdScenario.rangeEnd(prefix)) + "\"}}";
    String req = "POST /v3/watch HTTP/1.1\r\nHost: " + u.getHost() + ":" + u.getPort()
        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    return open(Kind.ETCD, u, req, n, latency, measureFrom);
  }

  private static NioStreams open(Kind kind, URI u, String request, int n, Stats latency, LongSupplier measureFrom)
      throws Exception {
    int cores = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
    NioStreams s = new NioStreams(kind, cores, latency, measureFrom);
    try {
      byte[] req = request.getBytes(StandardCharsets.UTF_8);
      InetSocketAddress addr = new InetSocketAddress(u.getHost(), u.getPort());
      for (int i = 0; i < n; i++) {
        SocketChannel ch = SocketChannel.open(addr);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ByteBuffer out = ByteBuffer.wrap(req);
        while (out.hasRemaining()) {
          ch.write(out);
        }
        ch.configureBlocking(false);
        Conn c = s.new Conn(ch);
        s.conns.add(c);
        s.loops[i % s.loops.length].add(c);
      }
      // Ready: the response head (SSE) or the watch's "created" line (etcd) read by every connection.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (true) {
        int ready = 0;
        for (Conn c : s.conns) {
          if (c.failure != null) {
            throw new IOException("stream failed: " + c.failure);
          }
          ready += c.ready ? 1 : 0;
        }
        if (ready == n) {
          return s;
        }
        if (System.nanoTime() > deadline) {
          throw new IOException(ready + " of " + n + " streams ready after 60 s");
        }
        Thread.sleep(20);
      }
    } catch (Exception e) {
      s.close();
      throw e;
    }
  }

  /** Notifications read by all the connections so far. */
  long total() {
    long n = 0;
    for (Conn c : conns) {
      n += c.notifications;
    }
    return n;
  }

  /** Connections that each read at least {@code expected} notifications. */
  int complete(long expected) {
    int n = 0;
    for (Conn c : conns) {
      n += c.notifications >= expected ? 1 : 0;
    }
    return n;
  }

  /** Connections the server ended (or that failed). */
  int ended() {
    int n = 0;
    for (Conn c : conns) {
      n += c.ended ? 1 : 0;
    }
    return n;
  }

  /** Waits (at most 10 s) until the streams stop receiving (no new notification within 200 ms). */
  void awaitQuiet() throws InterruptedException {
    long before = -1;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      long now = total();
      if (now == before) {
        return;
      }
      before = now;
      Thread.sleep(200);
    }
  }

  @Override
  public void close() {
    for (Loop l : loops) {
      l.stop();
    }
    for (Conn c : conns) {
      try {
        c.ch.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  /** One selector thread. */
  private final class Loop implements Runnable {
    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Conn> added = new ConcurrentLinkedQueue<>();
    private final ByteBuffer buf = ByteBuffer.allocateDirect(256 * 1024);
    private final byte[] bytes = new byte[256 * 1024];
    private volatile boolean running = true;

    Loop(int i) throws IOException {
      this.selector = Selector.open();
      this.thread = new Thread(this, "nio-stream-" + i);
      this.thread.setDaemon(true);
      this.thread.start();
    }

    void add(Conn c) {
      added.add(c);
      selector.wakeup();
    }

    void stop() {
      running = false;
      selector.wakeup();
      try {
        thread.join(5000);
        selector.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException ignored) {
        // closing anyway
      }
    }

    @Override
    public void run() {
      try {
        while (running) {
          selector.select(100);
          Conn c;
          while ((c = added.poll()) != null) {
            c.ch.register(selector, SelectionKey.OP_READ, c);
          }
          var it = selector.selectedKeys().iterator();
          while (it.hasNext()) {
            SelectionKey k = it.next();
            it.remove();
            Conn conn = (Conn) k.attachment();
            if (!k.isValid() || !k.isReadable()) {
              continue;
            }
            read(k, conn);
          }
        }
      } catch (IOException | RuntimeException e) {
        if (running) {
          e.printStackTrace();
        }
      }
    }

    private void read(SelectionKey k, Conn conn) {
      try {
        buf.clear();
        int n = conn.ch.read(buf);
        if (n < 0) {
          conn.ended = true;
          k.cancel();
          return;
        }
        buf.flip();
        buf.get(bytes, 0, n);
        conn.feed(bytes, n, System.nanoTime());
      } catch (IOException | RuntimeException e) {
        conn.fail(e.toString());
        k.cancel();
      }
    }
  }

  /** One stream: the HTTP/1.1 response decoded (head, then chunked or identity body), then split into lines. */
  private final class Conn {
    private static final int HEAD = 0;
    private static final int SIZE = 1;
    private static final int DATA = 2;
    private static final int CRLF = 3;
    private static final int IDENTITY = 4;
    private static final int DONE = 5;

    final SocketChannel ch;
    private int state = HEAD;
    private final StringBuilder head = new StringBuilder();
    private long size;
    private boolean sizeDone;
    private long remaining;
    private byte[] line = new byte[4096];
    private int lineLen;
    volatile long notifications;
    volatile boolean ready;
    volatile boolean ended;
    volatile String failure;

    Conn(SocketChannel ch) {
      this.ch = ch;
    }

    void fail(String why) {
      failure = why;
      ended = true;
      state = DONE;
    }

    void feed(byte[] b, int n, long now) {
      int i = 0;
      while (i < n && state != DONE) {
        switch (state) {
          case HEAD -> {
            char c = (char) (b[i++] & 0xff);
            head.append(c);
            if (c == '\n' && head.length() >= 4 && head.charAt(head.length() - 3) == '\n') {
              String h = head.toString();
              if (!h.startsWith("HTTP/1.1 200")) {
                fail("answered " + h.lines().findFirst().orElse(h));
                return;
              }
              state = h.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked") ? SIZE : IDENTITY;
              if (kind == Kind.SSE) {
                ready = true;
              }
            }
            if (head.length() > 16_384) {
              fail("response head too long");
              return;
            }
          }
          case SIZE -> {
            byte c = b[i++];
            if (c == '\n') {
              if (size == 0) {
                ended = true;
                state = DONE;
                return;
              }
              remaining = size;
              size = 0;
              sizeDone = false;
              state = DATA;
            } else if (!sizeDone) {
              int d = Character.digit(c, 16);
              if (d >= 0) {
                size = size * 16 + d;
              } else {
                sizeDone = true; // ';' (extensions) or '\r'
              }
            }
          }
          case DATA -> {
            int take = (int) Math.min(remaining, n - i);
            body(b, i, take, now);
            i += take;
            remaining -= take;
            if (remaining == 0) {
              state = CRLF;
            }
          }
          case CRLF -> {
            if (b[i++] == '\n') {
              state = SIZE;
            }
          }
          case IDENTITY -> {
            body(b, i, n - i, now);
            i = n;
          }
          default -> i = n;
        }
      }
    }

    /** Body bytes: complete lines are examined, the rest waits for the next read. */
    private void body(byte[] b, int from, int len, long now) {
      int start = from;
      int end = from + len;
      for (int i = from; i < end; i++) {
        if (b[i] != '\n') {
          continue;
        }
        if (lineLen == 0) {
          line(b, start, i, now);
        } else {
          append(b, start, i - start);
          line(line, 0, lineLen, now);
          lineLen = 0;
        }
        start = i + 1;
      }
      if (start < end) {
        append(b, start, end - start);
      }
    }

    private void append(byte[] b, int from, int len) {
      if (lineLen + len > MAX_LINE) {
        fail("line longer than " + MAX_LINE + " bytes");
        return;
      }
      if (lineLen + len > line.length) {
        line = java.util.Arrays.copyOf(line, Math.max(lineLen + len, line.length * 2));
      }
      System.arraycopy(b, from, line, lineLen, len);
      lineLen += len;
    }

    private void line(byte[] b, int from, int to, long now) {
      if (kind == Kind.SSE) {
        if (to - from > 5 && b[from] == 'd' && b[from + 1] == 'a' && b[from + 2] == 't' && b[from + 3] == 'a'
            && b[from + 4] == ':') {
          notifications++;
          if (latency != null) {
            record(ReplayNode.sentNanos(b, from, to), now);
          }
        }
        return;
      }
      // etcd: {"result":{"header":{…},"events":[{"kv":{…,"value":"<base64>"}}…]}}, or the watch's "created"
      ready = true;
      int i = from;
      while (true) {
        int k = StreamSubscriber.indexOf(b, VALUE_KEY, i, to);
        if (k < 0) {
          return;
        }
        int s = k + VALUE_KEY.length;
        int e = s;
        while (e < to && b[e] != '"') {
          e++;
        }
        notifications++;
        if (latency != null) {
          int prefix = Math.min(e - s, TS_PREFIX) & ~3;
          byte[] v = Base64.getDecoder().decode(java.util.Arrays.copyOfRange(b, s, s + prefix));
          record(ReplayNode.sentNanos(v, 0, v.length), now);
        }
        i = e;
      }
    }

    private void record(long sent, long now) {
      if (sent > 0 && sent >= measureFrom.getAsLong()) {
        latency.add(now - sent);
      }
    }
  }
}
