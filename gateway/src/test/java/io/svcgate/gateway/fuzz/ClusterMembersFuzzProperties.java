package io.svcgate.gateway.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.gateway.FakeCluster;
import io.svcgate.gateway.TestGateway;
import io.svcgate.gateway.cluster.ClusterStatus;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.statistics.Statistics;

/**
 * {@code PUT /api/cluster/members} bodies, valid and broken, sent to a real gateway
 * whose view of its group is a {@link FakeCluster}: a valid list (1 to 7 distinct
 * {@code host:port}) is a 200 and is exactly what the group is asked; anything made
 * invalid on purpose (a bad id, a duplicate, too many, a wrong type, an extra field,
 * broken JSON, a wrong media type) is a 4xx with a JSON error, the group is asked
 * nothing and its members do not change; never a 5xx. Seeded; {@code
 * -Dsvcgate.fuzz.tries=N} runs longer (docs/security.md).
 */
@AddLifecycleHook(value = FuzzTries.class, propagateTo = PropagationMode.DIRECT_DESCENDANTS)
class ClusterMembersFuzzProperties {

  private static Path dir;
  private static TestGateway gw;
  private static final FakeCluster CLUSTER = new FakeCluster();

  @BeforeContainer
  static void start() throws Exception {
    dir = Files.createTempDirectory("svcgate-members-fuzz");
    gw = TestGateway.startWithCluster(dir, Map.of(), CLUSTER);
  }

  @AfterContainer
  static void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
    if (dir != null) {
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** A body, its media type, and what it must get: 200, or a 4xx status. */
  record Put(String body, String contentType, int expected, List<String> members, String how) {
    @Override
    public String toString() {
      return "[" + how + "] expects " + expected + " content-type=" + contentType + " body="
          + body.substring(0, Math.min(body.length(), 400));
    }
  }

  // --- valid ids ----------------------------------------------------------

  static Arbitrary<String> host() {
    Arbitrary<String> ipv4 = Arbitraries.integers().between(0, 255).list().ofSize(4)
        .map(l -> String.join(".", l.stream().map(String::valueOf).toList()));
    Arbitrary<String> label = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789-")
        .ofMinLength(0).ofMaxLength(12)
        .map(s -> "g" + s + (s.endsWith("-") ? "0" : ""));
    Arbitrary<String> name = label.list().ofMinSize(1).ofMaxSize(4).map(l -> String.join(".", l));
    Arbitrary<String> upper = name.map(s -> s.toUpperCase(Locale.ROOT));
    Arbitrary<String> ipv6 = Arbitraries.of("[::1]", "[fd00::1]", "[2001:db8::7:1]", "[fe80::1:2:3:4]");
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, ipv4), net.jqwik.api.Tuple.of(4, name), net.jqwik.api.Tuple.of(1, upper),
        net.jqwik.api.Tuple.of(1, ipv6));
  }

  static Arbitrary<String> validId() {
    return Combinators.combine(host(), Arbitraries.integers().between(1, 65_535)).as((h, p) -> h + ":" + p);
  }

  /** 1 to 7 distinct ids (host names compare without case). */
  static Arbitrary<List<String>> validList() {
    return validId().list().ofMinSize(1).ofMaxSize(7).uniqueElements(id -> id.toLowerCase(Locale.ROOT));
  }

  // --- ids made invalid on purpose ----------------------------------------

  static Arbitrary<String> invalidId() {
    return Combinators.combine(validId(), Arbitraries.integers().between(0, 13), Arbitraries.chars().range(' ', '~'))
        .as((id, how, c) -> {
          int colon = id.lastIndexOf(':');
          String host = id.substring(0, colon);
          String port = id.substring(colon + 1);
          return switch (how) {
            case 0 -> host;                                   // no port
            case 1 -> host + ":0";
            case 2 -> host + ":" + (65_536 + Integer.parseInt(port));
            case 3 -> host + ":0" + port;                     // a leading zero
            case 4 -> host + ":-" + port;
            case 5 -> " " + id;
            case 6 -> id + " ";
            case 7 -> "http://" + id;
            case 8 -> host + "_x:" + port;
            case 9 -> host + "é:" + port;
            case 10 -> ":" + port;
            case 11 -> host + ":" + port + "x";
            case 12 -> "-" + id;
            default -> (c == ':' || Character.isLetterOrDigit(c) || c == '.' || c == '-' ? "%" : String.valueOf(c))
                + host + ":" + port;                          // a character no host name holds
          };
        });
  }

  @Provide
  Arbitrary<Put> puts() {
    Arbitrary<Put> valid = validList().map(l -> new Put(body(l), "application/json", 200, l, "valid"));
    Arbitrary<Put> oneBad = Combinators.combine(validList(), invalidId(), Arbitraries.integers().between(0, 6))
        .as((l, bad, at) -> {
          List<String> m = new ArrayList<>(l);
          if (m.size() == 7) {
            m.set(Math.min(at, 6), bad);
          } else {
            m.add(Math.min(at, m.size()), bad);
          }
          return new Put(body(m), "application/json", 400, null, "bad id " + bad);
        });
    Arbitrary<Put> duplicate = Combinators.combine(validList(), Arbitraries.integers().between(0, 6),
            Arbitraries.of(true, false))
        .as((l, at, upper) -> {
          List<String> m = new ArrayList<>(l.subList(0, Math.min(l.size(), 6)));
          String d = m.get(Math.min(at, m.size() - 1));
          m.add(upper ? d.toUpperCase(Locale.ROOT) : d);
          return new Put(body(m), "application/json", 400, null, "duplicate");
        });
    Arbitrary<Put> tooMany = validId().list().ofMinSize(8).ofMaxSize(20).uniqueElements(id -> id.toLowerCase(Locale.ROOT))
        .map(l -> new Put(body(l), "application/json", 400, null, "too many"));
    Arbitrary<Put> empty = Arbitraries.just(new Put("{\"members\": []}", "application/json", 400, null, "empty"));
    Arbitrary<Put> wrongType = Combinators.combine(validList(), Arbitraries.of(
            "7101", "null", "true", "{}", "[[\"127.0.0.1:7101\"]]", "1.5e3"), Arbitraries.integers().between(0, 3))
        .as((l, v, where) -> {
          String members = new JsonArray(new ArrayList<>(l)).encode();
          String b = switch (where) {
            case 0 -> "{\"members\": " + v + "}";
            case 1 -> "{\"members\": " + members.substring(0, members.length() - 1) + ", " + v + "]}";
            case 2 -> v;                                                  // not an object at the top
            default -> "[" + body(l) + "]";
          };
          return new Put(b, "application/json", 400, null, "wrong type " + where);
        });
    Arbitrary<Put> extraField = Combinators.combine(validList(), Arbitraries.of("force", "Members", "leader", ""))
        .as((l, f) -> new Put("{\"members\": " + new JsonArray(new ArrayList<>(l)).encode() + ", \"" + f + "\": 1}",
            "application/json", 400, null, "extra field " + f));
    Arbitrary<Put> duplicateKey = validList().map(l -> new Put("{\"members\": " + new JsonArray(new ArrayList<>(l)).encode()
        + ", \"members\": " + new JsonArray(new ArrayList<>(l)).encode() + "}", "application/json", 400, null, "key twice"));
    Arbitrary<Put> truncated = Combinators.combine(validList(), Arbitraries.doubles().between(0, 0.99))
        .as((l, f) -> {
          String b = body(l);
          return new Put(b.substring(0, (int) (b.length() * f)), "application/json", 400, null, "truncated");
        });
    Arbitrary<Put> garbage = Arbitraries.strings().all().ofMaxLength(200)
        .filter(s -> !s.isBlank() && !s.trim().startsWith("{"))
        .map(s -> new Put(s, "application/json", 400, null, "garbage"));
    Arbitrary<Put> mediaType = Combinators.combine(validList(), Arbitraries.of("text/plain",
            "application/x-www-form-urlencoded", "application/jsonx", "multipart/form-data; boundary=x"))
        .as((l, t) -> new Put(body(l), t, 415, null, "media type " + t));
    Arbitrary<Put> huge = Arbitraries.integers().between(16_400, 40_000)
        .map(n -> new Put("{\"members\": [\"" + "a".repeat(n) + ":1\"]}", "application/json", 413, null, "huge"));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, valid), net.jqwik.api.Tuple.of(8, oneBad), net.jqwik.api.Tuple.of(3, duplicate),
        net.jqwik.api.Tuple.of(2, tooMany), net.jqwik.api.Tuple.of(1, empty), net.jqwik.api.Tuple.of(3, wrongType),
        net.jqwik.api.Tuple.of(2, extraField), net.jqwik.api.Tuple.of(1, duplicateKey),
        net.jqwik.api.Tuple.of(3, truncated), net.jqwik.api.Tuple.of(3, garbage), net.jqwik.api.Tuple.of(2, mediaType),
        net.jqwik.api.Tuple.of(1, huge));
  }

  private static String body(List<String> members) {
    return new JsonObject().put("members", new JsonArray(new ArrayList<>(members))).encode();
  }

  @Property(tries = 400, seed = "20261206", shrinking = ShrinkingMode.BOUNDED)
  void aValidListIsAskedAsIsAndAnythingElseChangesNothing(@ForAll("puts") Put put) throws Exception {
    List<ClusterStatus.Member> before = CLUSTER.members;
    int calls = CLUSTER.setMembersCalls.size();
    HttpResponse<Buffer> r = gw.client.request(HttpMethod.PUT, "/api/cluster/members")
        .putHeader("content-type", put.contentType())
        .sendBuffer(Buffer.buffer(put.body().getBytes(StandardCharsets.UTF_8))).await(15, TimeUnit.SECONDS);
    Statistics.label("status").collect(r.statusCode());
    assertThat(r.statusCode()).as("%s: %s", put, r.bodyAsString()).isEqualTo(put.expected());
    assertThat(r.getHeader("content-type")).startsWith("application/json");
    JsonObject o = r.bodyAsJsonObject();
    if (put.expected() == 200) {
      assertThat(CLUSTER.setMembersCalls).hasSize(calls + 1);
      assertThat(CLUSTER.setMembersCalls.get(calls)).isEqualTo(put.members());
      assertThat(o.getJsonArray("members").stream().map(m -> ((JsonObject) m).getString("id")).toList())
          .isEqualTo(put.members());
      Set<String> distinct = new LinkedHashSet<>();
      put.members().forEach(m -> distinct.add(m.toLowerCase(Locale.ROOT)));
      assertThat(distinct).hasSameSizeAs(put.members());
    } else {
      assertThat(o.getInteger("status")).isEqualTo(put.expected());
      assertThat(o.getString("error")).isNotBlank();
      assertThat(CLUSTER.setMembersCalls).as("nothing asked of the group for %s", put).hasSize(calls);
      assertThat(CLUSTER.members).as("members after %s", put).isSameAs(before);
    }
  }
}
