package io.svcgate.gateway;

import static io.svcgate.gateway.TestGateway.full;
import static io.svcgate.gateway.TestGateway.nodeData;
import static io.svcgate.gateway.TestGateway.patch;
import static io.svcgate.gateway.TestGateway.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.svcgate.gateway.config.ConfigKey;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code net.native-transport} (docs/configuration.md): the key chooses Netty's epoll
 * transport or Java NIO, and the streams carry the same bytes either way: each SSE
 * frame is {@code id:}, {@code event:}, {@code data:} with the envelope exactly as the
 * history keeps it, each ndjson line the envelope and a newline, live and replayed.
 */
@Timeout(120)
class StreamTransportTest {

  private static final int PATCHES = 40;

  @TempDir
  Path dir;
  TestGateway gw;

  @AfterEach
  void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
  }

  private static boolean linuxX86() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "");
    return os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
  }

  @Test
  void nativeTransportIsTheDefaultOnLinuxX86() throws Exception {
    assumeTrue(linuxX86(), "the shipped native library is for Linux x86_64");
    gw = TestGateway.start(dir, Map.of());
    assertThat(gw.gateway.vertx().isNativeTransportEnabled()).isTrue();
    assertThat(gw.get("/health").statusCode()).isEqualTo(200);
  }

  @Test
  void falseKeepsJavaNio() throws Exception {
    gw = TestGateway.start(dir, Map.of(ConfigKey.NET_NATIVE_TRANSPORT, "false"));
    assertThat(gw.gateway.vertx().isNativeTransportEnabled()).isFalse();
    assertThat(gw.get("/health").statusCode()).isEqualTo(200);
  }

  @ParameterizedTest(name = "net.native-transport={0}")
  @ValueSource(booleans = {true, false})
  void framesAreTheHistorysEnvelopesByteForByte(boolean nativeTransport) throws Exception {
    assumeTrue(!nativeTransport || linuxX86(), "the shipped native library is for Linux x86_64");
    gw = TestGateway.start(dir, Map.of(ConfigKey.NET_NATIVE_TRANSPORT, Boolean.toString(nativeTransport),
        ConfigKey.STREAM_BOOKMARK, "10m"));
    assertThat(gw.gateway.vertx().isNativeTransportEnabled()).isEqualTo(nativeTransport);
    long first = gw.ingest(full("n1", 1, nodeData(0)));

    HttpClient http = gw.clientVertx.createHttpClient();
    try {
      // Live: open before the events, from now; they reach it through the feed.
      Body liveSse = open(http, "/api/events/stream?format=sse");
      Body liveNdjson = open(http, "/api/events/stream?format=ndjson");
      long last = first;
      for (int g = 2; g < 2 + PATCHES; g++) {
        last = gw.ingest(patch("n1", g, set("v" + g + "-é\"\\", "monitor", "k" + (g % 3))));
      }
      List<byte[]> envelopes = history(first);
      assertThat(envelopes).isNotEmpty();
      assertThat(id(envelopes.get(envelopes.size() - 1))).isEqualTo(last);
      byte[] sse = sse(envelopes);
      byte[] ndjson = ndjson(envelopes);

      assertThat(liveSse.await(sse.length)).isEqualTo(sse);
      assertThat(liveNdjson.await(ndjson.length)).isEqualTo(ndjson);
      // Replayed from the history: the same bytes.
      assertThat(open(http, "/api/events/stream?format=sse&after=" + first).await(sse.length)).isEqualTo(sse);
      assertThat(open(http, "/api/events/stream?format=ndjson&after=" + first).await(ndjson.length))
          .isEqualTo(ndjson);
    } finally {
      http.close().await(30, TimeUnit.SECONDS);
    }
  }

  /** The envelopes after {@code after}, each exactly as {@code GET /api/events} sends it. */
  private List<byte[]> history(long after) throws Exception {
    byte[] page = gw.get("/api/events?after=" + after + "&limit=1000").body().getBytes();
    List<byte[]> out = new ArrayList<>();
    try (JsonParser p = new JsonFactory().createParser(page)) {
      assertThat(p.nextToken()).isEqualTo(JsonToken.START_OBJECT);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (!name.equals("events")) {
          p.skipChildren();
          continue;
        }
        assertThat(value).isEqualTo(JsonToken.START_ARRAY);
        while (p.nextToken() == JsonToken.START_OBJECT) {
          int from = (int) p.currentTokenLocation().getByteOffset();
          p.skipChildren();
          int to = (int) p.currentLocation().getByteOffset();
          byte[] e = new byte[to - from];
          System.arraycopy(page, from, e, 0, e.length);
          out.add(e);
        }
      }
    }
    return out;
  }

  private static long id(byte[] envelope) {
    return new JsonObject(Buffer.buffer(envelope)).getLong("id");
  }

  private static byte[] sse(List<byte[]> envelopes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] e : envelopes) {
      JsonObject o = new JsonObject(Buffer.buffer(e));
      out.writeBytes(("id: " + o.getLong("id") + "\nevent: " + o.getString("kind") + "\ndata: ")
          .getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(e);
      out.writeBytes("\n\n".getBytes(StandardCharsets.US_ASCII));
    }
    return out.toByteArray();
  }

  private static byte[] ndjson(List<byte[]> envelopes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] e : envelopes) {
      out.writeBytes(e);
      out.write('\n');
    }
    return out.toByteArray();
  }

  /** A stream's body as it arrives, once its head is in. */
  private Body open(HttpClient http, String uri) throws Exception {
    Body b = new Body();
    RequestOptions ro = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(gw.port())
        .setURI(uri);
    int status = http.request(ro).compose(req -> req.send()).onSuccess(resp -> resp.handler(b::add))
        .await(30, TimeUnit.SECONDS).statusCode();
    assertThat(status).isEqualTo(200);
    return b;
  }

  /** Bytes of one response body, added on the client's event loop. */
  private static final class Body {
    private final Buffer bytes = Buffer.buffer();
    private final Promise<Void> enough = Promise.promise();
    private int want = Integer.MAX_VALUE;

    synchronized void add(Buffer chunk) {
      bytes.appendBuffer(chunk);
      if (bytes.length() >= want) {
        enough.tryComplete();
      }
    }

    /** The body once it holds at least {@code n} bytes (what came past them too). */
    byte[] await(int n) throws Exception {
      synchronized (this) {
        want = n;
        if (bytes.length() >= n) {
          enough.tryComplete();
        }
      }
      enough.future().await(60, TimeUnit.SECONDS);
      synchronized (this) {
        return bytes.getBytes();
      }
    }
  }
}
