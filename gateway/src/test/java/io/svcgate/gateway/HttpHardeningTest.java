package io.svcgate.gateway;

import static io.svcgate.gateway.TestGateway.full;
import static io.svcgate.gateway.TestGateway.nodeData;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.svcgate.gateway.config.ConfigException;
import io.svcgate.gateway.config.ConfigKey;
import io.svcgate.gateway.config.GatewayConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway against web pages, open bindings, slow clients, greedy clients,
 * token guessing and weak TLS, each through the interface the attacker uses.
 */
@Timeout(90)
class HttpHardeningTest {

  @TempDir
  Path dir;
  TestGateway gw;

  @AfterEach
  void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
  }

  private HttpResponse<Buffer> request(HttpMethod m, String uri, Map<String, String> headers, String body) throws Exception {
    var req = gw.client.request(m, uri);
    headers.forEach(req::putHeader);
    return (body == null ? req.send() : req.sendBuffer(Buffer.buffer(body))).await(30, TimeUnit.SECONDS);
  }

  // --- web pages ----------------------------------------------------------

  @Test
  void aWebPageCanNeitherWriteNorReadWithoutTokens() throws Exception {
    gw = TestGateway.start(dir, Map.of(ConfigKey.CLUSTER_NAME, "test"));
    gw.ingest(full("n1", 1, nodeData(0)));
    String event = TestGateway.event("n1", "node_freeze", null).encode();
    long before = gw.get("/api/events?limit=1").bodyAsJsonObject().getLong("last");

    // a form or text/plain post, which a page sends without a preflight
    HttpResponse<Buffer> text = request(HttpMethod.POST, "/api/events",
        Map.of("Content-Type", "text/plain", "Origin", "http://evil.example"), event);
    assertThat(text.statusCode()).isIn(403, 415);
    assertThat(request(HttpMethod.POST, "/api/nodes/n1/ask-full", Map.of("Content-Type", "text/plain"), "x").statusCode())
        .isEqualTo(415);
    // a JSON post from a foreign origin (what a page could send after a preflight)
    HttpResponse<Buffer> cross = request(HttpMethod.POST, "/api/events",
        Map.of("Content-Type", "application/json", "Origin", "http://evil.example"), event);
    assertThat(cross.statusCode()).isEqualTo(403);
    assertThat(cross.bodyAsJsonObject().getString("error")).contains("cross-origin");
    assertThat(request(HttpMethod.POST, "/api/nodes/n1/ask-full", Map.of("Origin", "null"), null).statusCode())
        .isEqualTo(403);
    // a preflight gets no CORS headers: the browser stops there
    HttpResponse<Buffer> preflight = request(HttpMethod.OPTIONS, "/api/events",
        Map.of("Origin", "http://evil.example", "Access-Control-Request-Method", "POST"), null);
    assertThat(preflight.getHeader("Access-Control-Allow-Origin")).isNull();
    assertThat(gw.get("/api/events?limit=1").bodyAsJsonObject().getLong("last")).isEqualTo(before);
    assertThat(gw.get("/api/nodes").bodyAsJsonArray().getJsonObject(0).getBoolean("needs_full")).isFalse();

    // DNS rebinding: the page's own name in Host
    HttpResponse<Buffer> rebound = request(HttpMethod.GET, "/api/daemon/status", Map.of("Host", "evil.example:" + gw.port()), null);
    assertThat(rebound.statusCode()).isEqualTo(403);
    assertThat(rebound.bodyAsString()).doesNotContain("n1");
    // the gateway's own names pass, and no CORS header is ever sent by default
    for (String host : List.of("127.0.0.1:" + gw.port(), "localhost:" + gw.port(), "LOCALHOST")) {
      HttpResponse<Buffer> ok = request(HttpMethod.GET, "/api/daemon/status", Map.of("Host", host), null);
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.getHeader("Access-Control-Allow-Origin")).isNull();
    }
    // a page served by the gateway itself (same origin) may post JSON
    assertThat(request(HttpMethod.POST, "/api/events", Map.of("Content-Type", "application/json",
        "Origin", "http://127.0.0.1:" + gw.port()), event).statusCode()).isEqualTo(202);
  }

  @Test
  void configuredOriginsAndHostsAreAllowed() throws Exception {
    gw = TestGateway.start(dir, Map.of(ConfigKey.HTTP_CORS_ORIGINS, "https://console.example",
        ConfigKey.HTTP_ALLOWED_HOSTS, "gw.example"));
    HttpResponse<Buffer> preflight = request(HttpMethod.OPTIONS, "/api/heartbeats",
        Map.of("Origin", "https://console.example", "Access-Control-Request-Method", "POST",
            "Access-Control-Request-Headers", "content-type"), null);
    assertThat(preflight.statusCode()).isEqualTo(204);
    assertThat(preflight.getHeader("Access-Control-Allow-Origin")).isEqualTo("https://console.example");
    assertThat(preflight.getHeader("Access-Control-Allow-Headers")).containsIgnoringCase("content-type");
    HttpResponse<Buffer> post = request(HttpMethod.POST, "/api/heartbeats", Map.of("Content-Type", "application/json",
        "Origin", "https://console.example", "Host", "gw.example"), full("n1", 1, nodeData(0)).encode());
    assertThat(post.statusCode()).isEqualTo(202);
    assertThat(post.getHeader("Access-Control-Allow-Origin")).isEqualTo("https://console.example");
    assertThat(request(HttpMethod.GET, "/api/nodes", Map.of("Origin", "https://other.example"), null).statusCode())
        .isEqualTo(403);
    assertThat(request(HttpMethod.GET, "/api/nodes", Map.of("Host", "other.example"), null).statusCode()).isEqualTo(403);
  }

  // --- open binding -------------------------------------------------------

  @Test
  void withoutTokensAnAddressOtherThanLoopbackIsRefusedUnlessOpenOnPurpose() {
    GatewayConfig open = GatewayConfig.builder().set(ConfigKey.HTTP_PORT, "0").set(ConfigKey.HTTP_HOST, "0.0.0.0")
        .set(ConfigKey.DATA, dir.toString()).set(ConfigKey.HOOKS_FILE, dir.resolve("none").toString()).build();
    assertThatThrownBy(() -> Gateway.start(open).await(60, TimeUnit.SECONDS))
        .isInstanceOf(ConfigException.class).hasMessageContaining("auth.open");
  }

  /** A connection limit of no time at all would cut every client: the start is refused, naming the key. */
  @Test
  void connectionLimitsShorterThanATenthOfASecondAreRefused() {
    for (ConfigKey key : List.of(ConfigKey.HTTP_IDLE_TIMEOUT, ConfigKey.HTTP_REQUEST_TIMEOUT)) {
      GatewayConfig bad = GatewayConfig.builder().set(ConfigKey.HTTP_PORT, "0").set(key, "0s")
          .set(ConfigKey.DATA, dir.resolve("data").toString()).set(ConfigKey.HOOKS_FILE, dir.resolve("none").toString())
          .build();
      assertThatThrownBy(() -> Gateway.start(bad).await(60, TimeUnit.SECONDS))
          .isInstanceOf(ConfigException.class).hasMessage(key.key() + " must be at least 100ms, got 0s");
    }
  }

  @Test
  void openOnPurposeStartsOnLoopbackNamesToo() throws Exception {
    gw = TestGateway.start(dir, Map.of(ConfigKey.HTTP_HOST, "localhost", ConfigKey.AUTH_OPEN, "true"));
    assertThat(gw.get("/health").statusCode()).isEqualTo(200);
  }

  // --- slow clients -------------------------------------------------------

  private NetSocket connect() throws Exception {
    NetClient net = gw.clientVertx.createNetClient();
    return net.connect(gw.port(), "127.0.0.1").await(30, TimeUnit.SECONDS);
  }

  private static Future<Void> closed(NetSocket s, StringBuilder received) {
    Promise<Void> p = Promise.promise();
    s.handler(b -> {
      synchronized (received) {
        received.append(b.toString());
      }
    });
    s.closeHandler(v -> p.tryComplete());
    return p.future();
  }

  @Test
  void slowAndIdleConnectionsAreClosedButStreamsAndWaitsAreNot() throws Exception {
    gw = TestGateway.start(dir, Map.of(ConfigKey.HTTP_IDLE_TIMEOUT, "300ms", ConfigKey.HTTP_REQUEST_TIMEOUT, "300ms",
        ConfigKey.WAIT_MAX, "1h"));
    // a stream and a wait opened first: they must outlive every timeout below
    List<String> frames = new ArrayList<>();
    HttpClient h = gw.clientVertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(gw.port()));
    HttpClientResponse stream = h.request(new RequestOptions().setURI("/api/events/stream?format=ndjson"))
        .compose(r -> r.send()).await(30, TimeUnit.SECONDS);
    stream.handler(b -> {
      synchronized (frames) {
        frames.add(b.toString());
      }
    });
    Future<Buffer> wait = h.request(new RequestOptions().setURI("/api/wait?filter=monitor.nodes.n1.frozen%3D1"))
        .compose(r -> r.send()).compose(HttpClientResponse::body);

    // an idle keep-alive connection after one answered request; then a second
    // request head sent a line at a time, never finished
    NetSocket idle = connect();
    StringBuilder got2 = new StringBuilder();
    Future<Void> closed2 = closed(idle, got2);
    idle.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    Awaits.until("the first answer", () -> {
      synchronized (got2) {
        return got2.toString().contains("\"UP\"");
      }
    });
    idle.write("GET /api/nodes HTTP/1.1\r\n");
    closed2.await(30, TimeUnit.SECONDS);
    assertThat(got2.toString()).startsWith("HTTP/1.1 200").doesNotContain("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2");

    // a body that never completes: 408 and closed
    NetSocket slowBody = connect();
    StringBuilder got3 = new StringBuilder();
    Future<Void> closed3 = closed(slowBody, got3);
    slowBody.write("POST /api/heartbeats HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Content-Length: 1000\r\n\r\n{\"nodename\":");
    closed3.await(30, TimeUnit.SECONDS);
    assertThat(got3.toString()).startsWith("HTTP/1.1 408").contains("\"status\":408");

    // the stream and the wait are still there: an event reaches both
    gw.ingest(full("n1", 1, nodeData(1)));
    Awaits.until("the event on the stream", () -> {
      synchronized (frames) {
        return String.join("", frames).contains("\"n1\"");
      }
    });
    assertThat(new JsonObject(wait.await(30, TimeUnit.SECONDS)).getBoolean("satisfied")).isTrue();
    h.close().await(30, TimeUnit.SECONDS);
  }

  /** Reads the socket to its end in the background; the future completes at EOF. */
  private static CompletableFuture<Void> readToEnd(Socket s, StringBuilder received) {
    return CompletableFuture.runAsync(() -> {
      byte[] buf = new byte[4096];
      try (InputStream in = s.getInputStream()) {
        for (int n; (n = in.read(buf)) >= 0; ) {
          synchronized (received) {
            received.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  @Test
  void theFirstRequestHeadOfANewConnectionSentALineAtATimeIsCut() throws Exception {
    gw = TestGateway.start(dir, Map.of(ConfigKey.HTTP_IDLE_TIMEOUT, "1s", ConfigKey.HTTP_REQUEST_TIMEOUT, "1s"));
    ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), gw.port())) {
      s.setSoTimeout(60_000); // a read that waits this long fails the test: nothing closed the connection
      OutputStream out = s.getOutputStream();
      AtomicInteger lines = new AtomicInteger();
      long opened = System.nanoTime();
      out.write("GET /health HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // one header line every 200 ms, never the blank line that ends the head
      trickle.scheduleAtFixedRate(() -> {
        try {
          out.write(("X-Slow-" + lines.get() + ": x\r\n").getBytes(StandardCharsets.US_ASCII));
          out.flush();
          lines.incrementAndGet();
        } catch (IOException closed) {
          trickle.shutdown();
        }
      }, 200, 200, TimeUnit.MILLISECONDS);
      StringBuilder got = new StringBuilder();
      readToEnd(s, got).get(90, TimeUnit.SECONDS);
      long openMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened);
      // closed by the deadline, not by a gap between two lines: several lines went
      // in before, and the connection lived about the configured second (the server's
      // clock starts at its accept, which can come before `opened` on a loaded machine:
      // a bound well below the second, still far above one 200 ms gap)
      assertThat(lines.get()).isGreaterThanOrEqualTo(3);
      assertThat(openMs).isGreaterThanOrEqualTo(800);
      assertThat(got.toString()).isEmpty();
    } finally {
      trickle.shutdownNow();
    }
  }

  @Test
  void aRequestAndAStreamOnAFreshConnectionAreNotCut() throws Exception {
    gw = TestGateway.start(dir, Map.of(ConfigKey.HTTP_IDLE_TIMEOUT, "1s", ConfigKey.HTTP_REQUEST_TIMEOUT, "1s",
        ConfigKey.STREAM_BOOKMARK, "300ms"));
    // a request sent at once is answered, whole
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), gw.port())) {
      s.setSoTimeout(60_000);
      s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      StringBuilder got = new StringBuilder();
      readToEnd(s, got).get(90, TimeUnit.SECONDS);
      assertThat(got.toString()).startsWith("HTTP/1.1 200").contains("\"UP\"");
    }
    // an SSE stream opened on a fresh connection outlives both timeouts many times over
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), gw.port())) {
      s.setSoTimeout(60_000);
      s.getOutputStream().write("GET /api/events/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      StringBuilder got = new StringBuilder();
      CompletableFuture<Void> end = readToEnd(s, got);
      // bookmarks come at most every 360 ms and only on a quiet stream: eight of them span over 2 s
      Awaits.until("eight bookmarks", () -> {
        synchronized (got) {
          return got.toString().split("\"kind\":\"bookmark\"", -1).length > 8;
        }
      });
      gw.ingest(full("n1", 1, nodeData(1)));
      Awaits.until("the event on the stream", () -> {
        synchronized (got) {
          return got.toString().contains("\"n1\"");
        }
      });
      assertThat(end).isNotDone();
      assertThat(got.toString()).startsWith("HTTP/1.1 200").contains("text/event-stream");
    }
  }

  // --- greedy clients -----------------------------------------------------

  @Test
  void oneClientCannotHoldEveryStreamOrWait() throws Exception {
    gw = TestGateway.start(dir, Map.of(ConfigKey.STREAM_MAX_PER_CLIENT, "2", ConfigKey.WAIT_MAX_PER_CLIENT, "1",
        ConfigKey.WAIT_MAX, "1h", ConfigKey.AUTH_TOKENS, "reader-one-0123456789:read,reader-two-0123456789:read",
        ConfigKey.HTTP_HOST, "127.0.0.1"));
    HttpClient h = gw.clientVertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(gw.port()));
    Map<String, String> one = Map.of("Authorization", "Bearer reader-one-0123456789");
    List<HttpClientResponse> streams = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      streams.add(h.request(new RequestOptions().setURI("/api/events/stream").setHeaders(io.vertx.core.MultiMap.caseInsensitiveMultiMap().addAll(one)))
          .compose(r -> r.send()).await(30, TimeUnit.SECONDS));
      assertThat(streams.get(i).statusCode()).isEqualTo(200);
    }
    HttpResponse<Buffer> third = request(HttpMethod.GET, "/api/events/stream", one, null);
    assertThat(third.statusCode()).isEqualTo(429);
    assertThat(third.bodyAsJsonObject().getString("error")).contains("stream.max-per-client");
    // another client still gets its share
    Map<String, String> two = Map.of("Authorization", "Bearer reader-two-0123456789");
    HttpClientResponse other = h.request(new RequestOptions().setURI("/api/events/stream")
        .setHeaders(io.vertx.core.MultiMap.caseInsensitiveMultiMap().addAll(two))).compose(r -> r.send()).await(30, TimeUnit.SECONDS);
    assertThat(other.statusCode()).isEqualTo(200);

    Future<HttpResponse<Buffer>> firstWait = gw.client.get("/api/wait?filter=monitor.nodes.n1.frozen%3D1")
        .putHeader("Authorization", "Bearer reader-one-0123456789").send();
    Awaits.until("the wait registered", () -> gw.gateway.metrics().waiters() == 1);
    HttpResponse<Buffer> secondWait = request(HttpMethod.GET, "/api/wait?filter=monitor.nodes.n1.frozen%3D1&on=events", one, null);
    assertThat(secondWait.statusCode()).isEqualTo(429);
    assertThat(secondWait.bodyAsJsonObject().getString("error")).contains("wait.max-per-client");
    assertThat(gw.get("/metrics").bodyAsString()).contains("svcgate_http_refused_total{reason=\"client_limit\"} 2.0");
    // a slot comes back when its request ends
    streams.get(0).request().connection().close();
    Awaits.until("the closed stream's slot is back", () -> {
      try {
        HttpResponse<Buffer> r = gw.client.get("/api/events/stream?after=0&limit=1")
            .putHeader("Authorization", "Bearer reader-one-0123456789").send().await(30, TimeUnit.SECONDS);
        return r.statusCode() == 200;
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
    assertThat(firstWait.isComplete()).isFalse();
    h.close().await(30, TimeUnit.SECONDS);
  }

  // --- token guessing -----------------------------------------------------

  @Test
  void repeatedBadTokensFromOneSourceAreCountedAndHeldBack() throws Exception {
    gw = TestGateway.start(dir, Map.of(ConfigKey.AUTH_TOKENS, "good-token-0123456789:read", ConfigKey.HTTP_HOST, "127.0.0.1"));
    for (int i = 0; i < 8; i++) {
      HttpResponse<Buffer> r = request(HttpMethod.GET, "/api/nodes", Map.of("Authorization", "Bearer guess-" + i), null);
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("invalid token");
    }
    String metrics = gw.get("/metrics").bodyAsString();
    assertThat(metrics).contains("svcgate_http_refused_total{reason=\"unauthorized\"} 5.0");
    assertThat(metrics).contains("svcgate_http_refused_total{reason=\"unauthorized_delayed\"} 3.0");
    assertThat(request(HttpMethod.GET, "/api/nodes", Map.of("Authorization", "Bearer good-token-0123456789"), null)
        .statusCode()).isEqualTo(200);
  }

  // --- TLS ----------------------------------------------------------------

  @Test
  void tlsOffersAuthenticatedEncryptionOnly() throws Exception {
    SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
    try {
      gw = TestGateway.start(dir, Map.of(ConfigKey.HTTP_TLS_CERT, cert.certificatePath(),
          ConfigKey.HTTP_TLS_KEY, cert.privateKeyPath()));
      assertThat(tlsStatus(cert, Set.of("TLSv1.2"), List.of("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
          "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256")))
          .isEqualTo(-1);
      assertThat(tlsStatus(cert, Set.of("TLSv1.2"), List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"))).isEqualTo(200);
      assertThat(tlsStatus(cert, Set.of("TLSv1.3"), List.of())).isEqualTo(200);
    } finally {
      cert.delete();
    }
  }

  /** The status of GET /health over TLS with only these suites offered, or -1 when the handshake fails. */
  private int tlsStatus(SelfSignedCertificate cert, Set<String> protocols, List<String> suites) throws Exception {
    HttpClientOptions o = new HttpClientOptions().setSsl(true).setTrustOptions(cert.trustOptions())
        .setVerifyHost(false).setEnabledSecureTransportProtocols(protocols).setDefaultHost("127.0.0.1")
        .setDefaultPort(gw.port());
    suites.forEach(o::addEnabledCipherSuite);
    HttpClient c = gw.clientVertx.createHttpClient(o);
    try {
      return c.request(new RequestOptions().setURI("/health")).compose(r -> r.send()).map(HttpClientResponse::statusCode)
          .otherwise(-1).await(30, TimeUnit.SECONDS);
    } finally {
      c.close().await(30, TimeUnit.SECONDS);
    }
  }
}
