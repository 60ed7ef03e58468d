package io.svcgate.gateway.raw;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.svcgate.gateway.Addresses;
import io.svcgate.gateway.metrics.GatewayMetrics;
import io.svcgate.gateway.metrics.RejectionLog;
import io.svcgate.gateway.state.StatusReply;
import io.svcgate.jmx.MBeanRegistry;
import io.svcgate.jmx.ObjectNames;
import io.svcgate.jmx.RawListenerBean;
import io.svcgate.state.HeartbeatMessage;
import io.svcgate.state.Json;
import io.svcgate.state.filter.Durations;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenSVC raw listener (docs/opensvc.md): plain TCP, one request per connection,
 * each request an encrypted frame ({@link RawCodec}) ended by NUL. It serves
 * {@code daemon_status}, {@code events}, {@code wait} and the relay heartbeat
 * ({@code relay_tx}, {@code relay_rx}, relay status) to real OpenSVC clients and
 * nodes, reading the state over the event bus like the HTTP side does.
 *
 * <p>Connection handling, as OpenSVC's clients expect it: the request is read up to
 * its NUL (at most {@code raw.max-frame} bytes, dropped after {@code raw.read-timeout}
 * of silence); a plain request gets one frame and the connection closes; an
 * {@code events} stream stays open until the client goes or the gateway stops. A
 * refused request (bad frame, unknown cluster, wrong secret, blacklisted address) gets
 * OpenSVC's 401 reply encrypted with the cluster secret, is counted by reason and
 * changes nothing. Connections are bounded ({@code raw.max-connections}), so are the
 * bytes of unfinished requests across all connections ({@code raw.max-buffered}).
 *
 * <p>One instance, on its event loop: the relay slots, the blacklist and every
 * connection are confined to it. Decrypting a large frame runs on a worker.
 */
public final class RawVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(RawVerticle.class);
  /** Frames larger than this are decrypted on a worker thread. */
  private static final int INLINE = 256 * 1024;
  /** The 401 of OpenSVC's listener, whatever the cause: the sender learns nothing. */
  private static final byte[] REFUSED =
      "{\"status\": 401, \"error\": \"node None is not a cluster None node\"}".getBytes(StandardCharsets.UTF_8);
  /** The labels of {@code svcgate_raw_requests_total{action}}; anything else is {@code other}. */
  private static final Set<String> ACTIONS = Set.of("daemon_status", "events", "wait", "relay_tx", "relay_rx",
      "daemon_relay_status", "relay_status");

  private final RawOptions options;
  private final GatewayMetrics metrics;
  private final HeartbeatMessage.Limits limits;
  private final Set<Connection> connections = new LinkedHashSet<>();
  private final AtomicLong open = new AtomicLong();
  private final AtomicLong streams = new AtomicLong();
  private final AtomicLong blacklisted = new AtomicLong();
  private final AtomicLong relaySlots = new AtomicLong();
  private final AtomicLong relayChars = new AtomicLong();
  private Blacklist blacklist;
  private RelaySlots slots;
  private Relay relay;
  private RawFeed feed;
  private NetServer server;
  private final MBeanRegistry beans = MBeanRegistry.platform();
  private long janitor = -1;
  private long buffered;
  private volatile int actualPort = -1;

  /**
   * @param limits the bounds of one relayed heartbeat message, as on every other
   *     ingest door (ingest.max-keys, ingest.max-stanzas, ingest.max-node-keys)
   */
  public RawVerticle(RawOptions options, GatewayMetrics metrics, HeartbeatMessage.Limits limits) {
    this.options = options;
    this.metrics = metrics;
    this.limits = limits;
  }

  @Override
  public Future<?> start() {
    blacklist = new Blacklist(options.blacklistThreshold(), options.blacklistTtl().toMillis(), options.blacklistMax(),
        System::currentTimeMillis);
    slots = new RelaySlots(options.relayMaxSlots(), options.relayMaxBytes(), options.relaySlotTtl().toMillis(),
        System::currentTimeMillis);
    relay = new Relay(vertx, options, metrics, slots, limits);
    feed = new RawFeed(vertx, this::historyReloaded);
    metrics.bindRaw(new GatewayMetrics.RawGauges() {
      @Override
      public long connections() {
        return open.get();
      }

      @Override
      public long eventStreams() {
        return streams.get();
      }

      @Override
      public long blacklisted() {
        return blacklisted.get();
      }

      @Override
      public long relaySlots() {
        return relaySlots.get();
      }

      @Override
      public long relayBytes() {
        return relayChars.get();
      }
    });
    long every = Math.max(1000, Math.min(60_000, Math.min(options.blacklistTtl().toMillis(),
        options.relaySlotTtl().toMillis()) / 2));
    janitor = vertx.setPeriodic(every, t -> {
      blacklist.expire();
      slots.expire();
      refreshGauges();
    });
    server = vertx.createNetServer(new NetServerOptions().setHost(options.host()).setPort(options.port())
        .setTcpNoDelay(true));
    server.connectHandler(this::accept);
    return feed.start().compose(v -> server.listen()).onSuccess(s -> {
      actualPort = s.actualPort();
      beans.register(ObjectNames.RAW_LISTENER, new RawListenerBean(new RawView(this, metrics), Duration.ofSeconds(15)));
      LOG.info("OpenSVC raw listener on {}:{} for cluster {} (relay {})", options.host(), actualPort,
          options.clusterName(), options.relayKey() == options.clusterKey() ? "with the cluster secret" : "with its own secret");
    });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(janitor);
    beans.close();
    for (Connection c : new ArrayList<>(connections)) {
      c.shutdown();
    }
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return Future.join(closed, feed.stop());
  }

  /** The port bound, once started. */
  public int actualPort() {
    return actualPort;
  }

  long openConnections() {
    return open.get();
  }

  long eventStreams() {
    return streams.get();
  }

  long blacklistedNow() {
    return blacklisted.get();
  }

  long relaySlotCount() {
    return relaySlots.get();
  }

  /** Forgets the blacklist, on the listener's event loop; completes with how many addresses were refused. */
  Future<Integer> clearBlacklist() {
    return context == null ? Future.succeededFuture(0) : Future.future(p -> context.runOnContext(v -> {
      int n = blacklist.clear();
      refreshGauges();
      LOG.info("raw listener blacklist cleared ({} addresses were refused)", n);
      p.complete(n);
    }));
  }

  private void refreshGauges() {
    blacklisted.set(blacklist.refusedCount());
    relaySlots.set(slots.size());
    relayChars.set(slots.bytes());
  }

  // --- connections ---------------------------------------------------------

  private void accept(NetSocket socket) {
    metrics.rawConnectionAccepted();
    if (connections.size() >= options.maxConnections()) {
      refuse(null, RawException.OVERLOADED, "already " + connections.size() + " connections (raw.max-connections)");
      socket.close();
      return;
    }
    Connection c = new Connection(socket);
    connections.add(c);
    open.set(connections.size());
    if (socket instanceof NetSocketInternal si) {
      // A client may shut its sending side once its request is out and wait for the
      // answer: the connection stays open for it (Netty would close it on that end of
      // input, sooner or later depending on the transport), and the end is seen here.
      si.channelHandlerContext().channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
      si.eventHandler(evt -> {
        if (evt instanceof ChannelInputShutdownEvent) {
          c.onEnd();
        }
      });
    }
    socket.handler(c::onData);
    socket.endHandler(v -> c.onEnd());
    socket.closeHandler(v -> c.onClose());
    socket.exceptionHandler(e -> LOG.debug("raw connection from {}: {}", c.address, e.getMessage()));
    c.arm();
  }

  /** One client connection: reading its request, then answering it (once, or as a stream). */
  private final class Connection {
    final NetSocket socket;
    final String address;
    final NulFramer framer = new NulFramer(options.maxFrame());
    long timer = -1;
    int held;
    boolean reading = true;
    boolean closed;
    RawEventStream stream;
    Runnable unsubscribe;
    RawWait wait;

    Connection(NetSocket socket) {
      this.socket = socket;
      SocketAddress a = socket.remoteAddress();
      this.address = a == null ? "unknown" : a.hostAddress() != null ? a.hostAddress() : a.host();
    }

    void arm() {
      cancelTimer();
      timer = vertx.setTimer(options.readTimeout().toMillis(), t -> {
        timer = -1;
        if (reading) {
          stopReading();
          refuse(address, RawException.TIMEOUT, "no complete request within " + options.readTimeout().toMillis()
              + " ms of silence");
          socket.close();
        }
      });
    }

    void cancelTimer() {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
    }

    void onData(Buffer chunk) {
      if (!reading) {
        return;
      }
      byte[] frame;
      try {
        frame = framer.feed(chunk);
      } catch (RawException e) {
        stopReading();
        refuse(address, e.reason(), e.getMessage());
        socket.close();
        return;
      }
      account(framer.buffered());
      if (frame == null) {
        if (buffered > options.maxBuffered()) {
          stopReading();
          refuse(address, RawException.OVERLOADED, "unfinished requests hold more than " + options.maxBuffered()
              + " bytes (raw.max-buffered)");
          socket.close();
          return;
        }
        arm();
        return;
      }
      stopReading();
      handle(this, frame);
    }

    void account(int now) {
      buffered += now - held;
      held = now;
    }

    void stopReading() {
      reading = false;
      cancelTimer();
      account(0);
    }

    void onEnd() {
      if (reading) {
        stopReading();
        if (framer.buffered() > 0) {
          refuse(address, RawException.TRUNCATED, "the client closed before the NUL that ends a request");
        }
        socket.close();
      }
    }

    void onClose() {
      if (closed) {
        return;
      }
      closed = true;
      stopReading();
      if (unsubscribe != null) {
        unsubscribe.run();
      }
      if (stream != null) {
        stream.end();
        streams.decrementAndGet();
        stream = null;
      }
      if (wait != null) {
        wait.cancel();
      }
      connections.remove(this);
      open.set(connections.size());
    }

    void shutdown() {
      if (wait != null) {
        wait.cancel();
      }
      socket.close();
    }

    void reply(RawKey key, byte[] payload) {
      if (!closed) {
        socket.end(Buffer.buffer(RawCodec.frame(options.clusterName(), options.nodename(), key, payload)));
      }
    }
  }

  private void refuse(String address, String reason, String message) {
    metrics.rawRejected(reason);
    RejectionLog.log("raw " + reason, address, message);
  }

  // --- requests ------------------------------------------------------------

  private void handle(Connection c, byte[] frame) {
    RawCodec.Envelope env;
    try {
      env = RawCodec.parseEnvelope(frame);
    } catch (RawException e) {
      refused(c, e);
      return;
    }
    String cluster = env.clustername().toLowerCase(Locale.ROOT);
    boolean join = cluster.equals("join");
    if (!join && !cluster.equals(options.clusterName())) {
      refused(c, new RawException(RawException.UNKNOWN_CLUSTER, "a request for cluster '" + env.clustername()
          + "' from " + env.nodename() + "; this gateway serves cluster '" + options.clusterName() + "'"));
      return;
    }
    if (blacklist.refused(c.address)) {
      refused(c, new RawException(RawException.BLACKLISTED, "too many failed decryptions from this address"));
      return;
    }
    RawKey key = join ? options.relayKey() : options.clusterKey();
    Future<JsonNode> payload = frame.length <= INLINE ? decrypt(key, env)
        : vertx.executeBlocking(() -> RawCodec.decryptJson(key, env, options.maxFrame()), false);
    payload.onComplete(ar -> {
      if (ar.failed()) {
        RawException e = ar.cause() instanceof RawException r ? r
            : new RawException(RawException.DECRYPT, String.valueOf(ar.cause().getMessage()));
        if (!RawException.DECRYPT.equals(e.reason())) {
          // it decrypted, so the secret is right: a bad request, answered as such
          blacklist.success(c.address);
          refuse(c.address, e.reason(), e.getMessage() + " (node '" + env.nodename() + "')");
          c.reply(key, Json.bytes(Relay.error(400, e.getMessage())));
          return;
        }
        metrics.rawDecryptFailure("request");
        if (blacklist.failure(c.address)) {
          LOG.warn("raw listener: {} is refused for {} after {} failed decryptions in a row (last from node '{}', "
              + "cluster '{}'): check its secret", c.address, Durations.format(options.blacklistTtl()),
              options.blacklistThreshold() + 1, env.nodename(), env.clustername());
        }
        refreshGauges();
        refused(c, new RawException(e.reason(), e.getMessage() + " (" + (join ? "relay" : "cluster")
            + " secret, node '" + env.nodename() + "')"));
        return;
      }
      blacklist.success(c.address);
      RawRequest r;
      try {
        r = RawRequest.of(env, join, c.address, key, ar.result());
      } catch (RawException e) {
        refuse(c.address, e.reason(), e.getMessage());
        c.reply(key, Json.bytes(Relay.error(400, e.getMessage())));
        return;
      }
      dispatch(c, r);
    });
  }

  private Future<JsonNode> decrypt(RawKey key, RawCodec.Envelope env) {
    try {
      return Future.succeededFuture(RawCodec.decryptJson(key, env, options.maxFrame()));
    } catch (RawException e) {
      return Future.failedFuture(e);
    }
  }

  /** OpenSVC's 401, encrypted with the cluster secret, then close. */
  private void refused(Connection c, RawException e) {
    refuse(c.address, e.reason(), e.getMessage());
    c.reply(options.clusterKey(), REFUSED);
  }

  private void dispatch(Connection c, RawRequest r) {
    String a = r.action();
    metrics.rawRequest(ACTIONS.contains(a) ? a : "other");
    switch (a) {
      case "daemon_status" -> {
        if (allowed(c, r, "GET")) {
          status(c, r);
        }
      }
      case "events" -> {
        if (allowed(c, r, "GET")) {
          events(c, r);
        }
      }
      case "wait" -> {
        if (allowed(c, r, "GET")) {
          c.wait = new RawWait(vertx, feed, answer -> c.reply(r.key(), Json.bytes(answer)));
          c.wait.start(r, options.waitMax());
        }
      }
      case "relay_tx" -> {
        if (allowed(c, r, "POST")) {
          c.reply(r.key(), Json.bytes(relay.tx(r)));
          refreshGauges();
        }
      }
      case "relay_rx" -> {
        if (allowed(c, r, "GET")) {
          c.reply(r.key(), Json.bytes(relay.rx(r)));
        }
      }
      case "daemon_relay_status", "relay_status" -> {
        if (allowed(c, r, "GET")) {
          c.reply(r.key(), Json.bytes(relay.status()));
        }
      }
      default -> unsupported(c, r);
    }
  }

  /** True when the request's method is {@code method} (or none, as old clients send). */
  private boolean allowed(Connection c, RawRequest r, String method) {
    if (r.method() == null || r.method().equals(method)) {
      return true;
    }
    unsupported(c, r);
    return false;
  }

  private void unsupported(Connection c, RawRequest r) {
    c.reply(r.key(), Json.bytes(Relay.error(501, "handler " + r.method() + " " + r.action() + " is not supported")));
  }

  private void status(Connection c, RawRequest r) {
    DeliveryOptions d = new DeliveryOptions().setSendTimeout(10_000);
    vertx.eventBus().<StatusReply>request(Addresses.STATUS, null, d).onComplete(ar -> {
      if (ar.failed()) {
        c.reply(r.key(), Json.bytes(Relay.error(503, "the state is not available: " + ar.cause().getMessage())));
        return;
      }
      c.reply(r.key(), ar.result().body().json());
    });
  }

  /** The feed jumped: every events stream ends, saying so, rather than skip what it missed. */
  private void historyReloaded() {
    int ended = 0;
    for (Connection c : connections) {
      if (c.stream != null) {
        c.stream.historyReloaded();
        ended++;
      }
    }
    if (ended > 0) {
      LOG.info("the history was replaced (a snapshot loaded): {} raw events stream(s) ended with a gone frame", ended);
    }
  }

  private void events(Connection c, RawRequest r) {
    RawEventStream s = new RawEventStream(c.socket,
        payload -> Buffer.buffer(RawCodec.frame(options.clusterName(), options.nodename(), r.key(), payload)),
        options.bufferEvents(), options.bufferBytes(), () -> {
          metrics.slowConsumerDisconnect();
          refuse(c.address, "slow_consumer", "an events stream fell more than " + options.bufferEvents() + " events or "
              + options.bufferBytes() + " bytes behind: ended");
        });
    c.stream = s;
    streams.incrementAndGet();
    c.unsubscribe = feed.subscribe(s::offer);
    if (!r.flag("full")) {
      s.begin(null, feed.lastId());
      return;
    }
    vertx.eventBus().<StatusReply>request(Addresses.STATUS, null, new DeliveryOptions().setSendTimeout(10_000))
        .onComplete(ar -> {
          if (ar.failed()) {
            // no initial state to give: the stream goes on live, as if full had not been asked
            s.begin(null, feed.lastId());
            return;
          }
          StatusReply st = ar.result().body();
          s.begin(fullMessage(st), st.id());
        });
  }

  /** {@code {"id", "nodename", "ts", "kind": "full", "data": <document>}}, spliced without parsing the document. */
  private byte[] fullMessage(StatusReply st) {
    String head = "{\"id\":" + st.id() + ",\"nodename\":" + Json.NODES.textNode(options.nodename()).toString()
        + ",\"ts\":" + System.currentTimeMillis() / 1000d + ",\"kind\":\"full\",\"data\":";
    Buffer b = Buffer.buffer(head.length() + st.json().length + 1);
    b.appendString(head).appendBytes(st.json()).appendString("}");
    return b.getBytes();
  }
}
