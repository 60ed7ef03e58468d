package io.svcgate.gateway.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.svcgate.gateway.TestGateway;
import io.svcgate.gateway.config.ConfigKey;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.PropagationMode;

/**
 * Fuzzing of the HTTP API through a real gateway: valid heartbeat messages and
 * reads, mutated (JSON types, numbers, names, paths, nesting, truncation, bytes,
 * media types, methods, headers, filter strings, see {@link Mutations}), must never
 * get a 5xx, never hang, always get a JSON error with a 4xx, and a rejected write
 * changes nothing. Seeded and CI-sized; {@code -Dsvcgate.fuzz.tries=N} runs longer
 * and {@code -Dsvcgate.fuzz.seed=S} explores elsewhere (docs/security.md).
 */
@AddLifecycleHook(value = FuzzTries.class, propagateTo = PropagationMode.DIRECT_DESCENDANTS)
class HttpFuzzProperties {

  /** Longest a request may take before it counts as a hang (waits are capped at 200 ms here). */
  private static final long HANG_SECONDS = 15;

  private static Path dir;
  private static TestGateway gw;
  private static HttpClient http;

  @BeforeContainer
  static void start() throws Exception {
    dir = Files.createTempDirectory("svcgate-fuzz");
    gw = TestGateway.start(dir, Map.of(ConfigKey.WAIT_MAX, "200ms", ConfigKey.HB_TIMEOUT, "1h",
        ConfigKey.HTTP_MAX_BODY, "262144", ConfigKey.STREAM_BOOKMARK, "1h"));
    http = gw.clientVertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setDefaultHost("127.0.0.1")
        .setDefaultPort(gw.port()), new PoolOptions().setHttp1MaxSize(4));
  }

  @AfterContainer
  static void stop() throws Exception {
    if (http != null) {
      http.close().await(30, TimeUnit.SECONDS);
    }
    if (gw != null) {
      gw.close();
    }
    if (dir != null) {
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Provide
  Arbitrary<FuzzRequest> writes() {
    return Mutations.writes();
  }

  @Provide
  Arbitrary<FuzzRequest> reads() {
    return Mutations.reads();
  }

  @Property(tries = 1000, seed = "20261206", shrinking = ShrinkingMode.BOUNDED)
  void mutatedWritesAreRefusedCleanlyAndChangeNothing(@ForAll("writes") FuzzRequest request) throws Exception {
    Answer before = send(new FuzzRequest(HttpMethod.GET, "/api/daemon/status", null, Map.of(), null, "state"));
    Answer a = send(request);
    check(request, a);
    if (a.status >= 400 && a.json != null && a.json.getInteger("accepted", 0) == 0) {
      Answer after = send(new FuzzRequest(HttpMethod.GET, "/api/daemon/status", null, Map.of(), null, "state"));
      assertThat(after.header).as("the event id after a refused %s", request).isEqualTo(before.header);
      assertThat(after.body).as("the state after a refused %s", request).isEqualTo(before.body);
    }
  }

  @Property(tries = 1000, seed = "20261206", shrinking = ShrinkingMode.BOUNDED)
  void mutatedReadsAreAnsweredOrRefusedCleanly(@ForAll("reads") FuzzRequest request) throws Exception {
    check(request, send(request));
  }

  private static void check(FuzzRequest request, Answer a) {
    Statistics.label("status").collect(a.status);
    assertThat(a.status).as("status of %s: %s", request, a.body).isBetween(200, 499);
    if (a.status >= 400 && request.method() != HttpMethod.HEAD) {
      assertThat(a.contentType).as("content type of the %d to %s", a.status, request).startsWith("application/json");
      assertThat(a.json).as("JSON error body of the %d to %s: %s", a.status, request, a.body).isNotNull();
      assertThat(a.json.getInteger("status")).as("status member of %s", a.body).isEqualTo(a.status);
      assertThat(a.json.getString("error")).as("error member of %s", a.body).isNotBlank();
    }
  }

  private record Answer(int status, String contentType, String header, String body, JsonObject json) {
  }

  private static Answer send(FuzzRequest request) throws Exception {
    // Composed on the client's event loop, so that the body handler is set before the body arrives.
    Future<Answer> answer = http.request(new RequestOptions().setMethod(request.method()).setURI(request.uri()))
        .compose(req -> {
          request.headers().forEach(req::putHeader);
          if (request.contentType() != null) {
            req.putHeader("content-type", request.contentType());
          }
          return (request.body() == null ? req.send() : req.send(Buffer.buffer(request.body()))).compose(r -> {
            String type = r.getHeader("content-type");
            if (r.statusCode() == 200 && type != null
                && (type.startsWith("text/event-stream") || type.startsWith("application/x-ndjson"))) {
              req.reset();
              return Future.succeededFuture(new Answer(200, type, null, "", null));
            }
            return r.body().map(b -> answer(r.statusCode(), type, r.getHeader("X-Svcgate-Id"), b.toString()));
          });
        });
    try {
      return answer.await(HANG_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      return fail("no answer within " + HANG_SECONDS + " s to " + request);
    } catch (RuntimeException e) {
      return fail("no HTTP answer to " + request + ": " + e);
    }
  }

  private static Answer answer(int status, String type, String id, String body) {
    JsonObject json = null;
    if (type != null && type.startsWith("application/json")) {
      try {
        json = new JsonObject(body);
      } catch (RuntimeException notAnObject) {
        json = null;
      }
    }
    return new Answer(status, type, id, body, json);
  }
}
