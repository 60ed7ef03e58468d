package io.svcgate.gateway.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.svcgate.gateway.TestGateway;
import io.svcgate.gateway.http.HttpVerticle;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Holds {@code openapi.yaml} (the classpath resource the gateway serves) to the API
 * the gateway really serves, and docs/api.md to {@code openapi.yaml}:
 * <ul>
 *   <li>the operations of the file are exactly the routes of the running gateway's
 *       router (method and path), no more, no less;</li>
 *   <li>each operation, called on a real gateway, answers a status the file
 *       documents for it, with the documented content type; methods the file does
 *       not list on a path answer the router's 404;</li>
 *   <li>every {@code $ref} resolves and every path parameter is declared;</li>
 *   <li>{@code GET /openapi.yaml} serves the file byte for byte;</li>
 *   <li>docs/api.md names every operation as {@code `METHOD /path`}.</li>
 * </ul>
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OpenApiTest {

  private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch", "head", "options");
  private static final String NO_SUCH_RESOURCE = "no such resource";

  @TempDir
  static Path dir;
  static TestGateway gw;
  static byte[] yaml;
  static JsonNode api;

  @BeforeAll
  static void start() throws Exception {
    gw = TestGateway.start(dir, Map.of());
    try (InputStream in = HttpVerticle.class.getResourceAsStream("/openapi.yaml")) {
      assertThat(in).as("openapi.yaml on the classpath").isNotNull();
      yaml = in.readAllBytes();
    }
    api = new YAMLMapper().readTree(yaml);
  }

  @AfterAll
  static void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
  }

  /** "GET /api/nodes/{nodename}" for every operation of the file. */
  private static TreeSet<String> documented() {
    TreeSet<String> ops = new TreeSet<>();
    api.get("paths").fields().forEachRemaining(p -> p.getValue().fieldNames().forEachRemaining(m -> {
      if (METHODS.contains(m)) {
        ops.add(m.toUpperCase() + " " + p.getKey());
      }
    }));
    return ops;
  }

  /** The same for every route of every HTTP verticle of the running gateway. */
  private static TreeSet<String> served() {
    TreeSet<String> ops = new TreeSet<>();
    List<HttpVerticle> verticles = gw.gateway.httpVerticles();
    assertThat(verticles).isNotEmpty();
    for (HttpVerticle v : verticles) {
      for (Route r : v.routes()) {
        if (r.getPath() == null) {
          continue; // the access check and the not-found fallback
        }
        assertThat(r.methods()).as("route %s names its methods", r.getPath()).isNotEmpty();
        String path = r.getPath().replaceAll(":([A-Za-z_][A-Za-z0-9_]*)", "{$1}");
        for (HttpMethod m : r.methods()) {
          ops.add(m.name() + " " + path);
        }
      }
    }
    return ops;
  }

  @Test
  void everyRouteIsDocumentedAndEveryDocumentedRouteIsServed() {
    TreeSet<String> served = served();
    TreeSet<String> documented = documented();
    assertThat(served).as("routes of the router").isNotEmpty();
    TreeSet<String> undocumented = new TreeSet<>(served);
    undocumented.removeAll(documented);
    TreeSet<String> unserved = new TreeSet<>(documented);
    unserved.removeAll(served);
    assertThat(undocumented).as("routes the gateway serves that openapi.yaml does not describe").isEmpty();
    assertThat(unserved).as("operations of openapi.yaml the gateway does not serve").isEmpty();
  }

  /** A request that proves an operation is served, and the status it must get. */
  private record Probe(String uri, String body, int status) {
  }

  /** One probe per operation, in the order they run (the node is created first, forgotten last). */
  private static Map<String, Probe> probes() {
    Map<String, Probe> p = new LinkedHashMap<>();
    p.put("POST /api/heartbeats", new Probe("/api/heartbeats",
        "{\"nodename\":\"probe-n1\",\"kind\":\"full\",\"gen\":{\"probe-n1\":1},\"data\":{\"frozen\":0}}", 202));
    p.put("POST /api/events", new Probe("/api/events",
        "{\"nodename\":\"probe-n1\",\"kind\":\"event\",\"data\":{\"id\":\"node_freeze\",\"reason\":\"target\"}}", 202));
    p.put("GET /health", new Probe("/health", null, 200));
    p.put("GET /metrics", new Probe("/metrics", null, 200));
    p.put("GET /openapi.yaml", new Probe("/openapi.yaml", null, 200));
    p.put("GET /api/daemon/status", new Probe("/api/daemon/status?filter=monitor.nodes.*.frozen", null, 200));
    p.put("GET /api/nodes", new Probe("/api/nodes", null, 200));
    p.put("GET /api/events", new Probe("/api/events?after=0&limit=2", null, 200));
    p.put("GET /api/events/stream", new Probe("/api/events/stream?after=0&limit=2&format=ndjson", null, 200));
    p.put("GET /api/events/catalogue", new Probe("/api/events/catalogue", null, 200));
    p.put("GET /api/wait", new Probe("/api/wait?filter=monitor.nodes.probe-n1.frozen=0&duration=1s", null, 200));
    p.put("POST /api/nodes/{nodename}/ask-full", new Probe("/api/nodes/probe-n1/ask-full", null, 202));
    p.put("DELETE /api/nodes/{nodename}", new Probe("/api/nodes/probe-n1", null, 200));
    // a single gateway: the cluster routes are served, and say it is not a member
    p.put("GET /api/cluster", new Probe("/api/cluster", null, 404));
    p.put("PUT /api/cluster/members", new Probe("/api/cluster/members", "{\"members\": [\"127.0.0.1:7101\"]}", 404));
    return p;
  }

  private static HttpResponse<Buffer> call(String method, String uri, String body) throws Exception {
    HttpRequest<Buffer> req = gw.client.request(HttpMethod.valueOf(method), uri);
    if (body == null) {
      return req.send().await(30, TimeUnit.SECONDS);
    }
    return req.putHeader("content-type", "application/json").sendBuffer(Buffer.buffer(body)).await(30, TimeUnit.SECONDS);
  }

  @Test
  void everyOperationAnswersAsDocumented() throws Exception {
    Map<String, Probe> probes = probes();
    assertThat(new TreeSet<>(probes.keySet())).as("a probe for every documented operation").isEqualTo(documented());
    for (Map.Entry<String, Probe> e : probes.entrySet()) {
      String[] op = e.getKey().split(" ", 2);
      Probe probe = e.getValue();
      HttpResponse<Buffer> r = call(op[0], probe.uri(), probe.body());
      assertThat(r.statusCode()).as("%s %s: %s", op[0], probe.uri(), r.bodyAsString()).isEqualTo(probe.status());
      JsonNode responses = api.get("paths").get(op[1]).get(op[0].toLowerCase()).get("responses");
      JsonNode doc = resolve(responses.get(Integer.toString(r.statusCode())));
      assertThat(doc).as("%s documents status %s", e.getKey(), r.statusCode()).isNotNull();
      String type = r.getHeader("content-type");
      assertThat(type).as("%s content type", e.getKey()).isNotNull();
      String bare = type.split(";")[0].trim();
      assertThat(doc.path("content").has(bare)).as("%s documents content %s for %s", e.getKey(), bare, r.statusCode())
          .isTrue();
    }
  }

  @Test
  void errorsAreDocumentedWithTheirStatus() throws Exception {
    // A few real errors, each must be a documented response of its operation and carry the error shape.
    String[][] cases = {
        {"GET", "/api/events?limit=x", "/api/events", "400"},
        {"GET", "/api/daemon/status?filter=monitor.nodes.%5B", "/api/daemon/status", "400"},
        {"GET", "/api/wait", "/api/wait", "400"},
        {"DELETE", "/api/nodes/nobody", "/api/nodes/{nodename}", "404"},
        {"POST", "/api/nodes/nobody/ask-full", "/api/nodes/{nodename}/ask-full", "404"},
        {"GET", "/api/events/stream?format=xml", "/api/events/stream", "400"},
    };
    for (String[] c : cases) {
      HttpResponse<Buffer> r = call(c[0], c[1], null);
      assertThat(r.statusCode()).as("%s %s", c[0], c[1]).isEqualTo(Integer.parseInt(c[3]));
      JsonNode body = io.svcgate.state.Json.parse(r.body().getBytes());
      assertThat(body.path("error").isTextual()).isTrue();
      assertThat(body.path("status").asInt()).isEqualTo(r.statusCode());
      JsonNode doc = resolve(api.get("paths").get(c[2]).get(c[0].toLowerCase()).get("responses").get(c[3]));
      assertThat(doc).as("%s %s documents %s", c[0], c[2], c[3]).isNotNull();
    }
  }

  @Test
  void methodsNotDocumentedOnAPathAreNotServed() throws Exception {
    Iterator<Map.Entry<String, JsonNode>> paths = api.get("paths").fields();
    int checked = 0;
    while (paths.hasNext()) {
      Map.Entry<String, JsonNode> p = paths.next();
      String uri = p.getKey().replace("{nodename}", "probe-absent");
      for (String m : List.of("get", "post", "put", "delete", "patch")) {
        if (p.getValue().has(m)) {
          continue;
        }
        HttpResponse<Buffer> r = call(m.toUpperCase(), uri, m.equals("get") ? null : "{}");
        assertThat(r.statusCode()).as("%s %s", m, uri).isEqualTo(404);
        assertThat(r.bodyAsJsonObject().getString("error")).startsWith(NO_SUCH_RESOURCE);
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(10);
    HttpResponse<Buffer> r = call("GET", "/api/undocumented", null);
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.bodyAsJsonObject().getString("error")).startsWith(NO_SUCH_RESOURCE);
  }

  @Test
  void theGatewayServesThisFile() throws Exception {
    HttpResponse<Buffer> r = call("GET", "/openapi.yaml", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.getHeader("content-type")).startsWith("application/yaml");
    assertThat(r.body().getBytes()).isEqualTo(yaml);
  }

  @Test
  void theFileIsWellFormed() {
    assertThat(api.path("openapi").asText()).startsWith("3.0.");
    assertThat(api.path("info").path("title").asText()).isNotBlank();
    List<String> refs = new ArrayList<>();
    collectRefs(api, refs);
    assertThat(refs).isNotEmpty();
    for (String ref : refs) {
      assertThat(ref).startsWith("#/");
      assertThat(api.at(ref.substring(1)).isMissingNode()).as("$ref %s resolves", ref).isFalse();
    }
    Pattern param = Pattern.compile("\\{([^}]+)}");
    api.get("paths").fields().forEachRemaining(p -> p.getValue().fields().forEachRemaining(op -> {
      if (!METHODS.contains(op.getKey())) {
        return;
      }
      String where = op.getKey() + " " + p.getKey();
      assertThat(op.getValue().path("operationId").asText()).as("%s operationId", where).isNotBlank();
      assertThat(op.getValue().path("responses").size()).as("%s responses", where).isGreaterThan(0);
      Matcher m = param.matcher(p.getKey());
      while (m.find()) {
        boolean declared = false;
        for (JsonNode prm : op.getValue().path("parameters")) {
          JsonNode d = resolve(prm);
          declared |= "path".equals(d.path("in").asText()) && m.group(1).equals(d.path("name").asText())
              && d.path("required").asBoolean();
        }
        assertThat(declared).as("%s declares path parameter %s", where, m.group(1)).isTrue();
      }
      op.getValue().path("responses").fields().forEachRemaining(resp -> {
        JsonNode d = resolve(resp.getValue());
        assertThat(d.path("description").asText()).as("%s %s description", where, resp.getKey()).isNotBlank();
        if (resp.getKey().startsWith("4") || resp.getKey().startsWith("5")) {
          if (!p.getKey().equals("/health")) {
            JsonNode schema = d.path("content").path("application/json").path("schema");
            assertThat(isErrorSchema(schema)).as("%s %s is a JSON error {error, status}", where, resp.getKey()).isTrue();
          }
        }
      });
    }));
  }

  @Test
  void apiGuideNamesEveryOperation() throws IOException {
    Path guide = Path.of("..", "docs", "api.md");
    assertThat(guide).as("docs/api.md (the test runs in the gateway module)").exists();
    String text = Files.readString(guide, StandardCharsets.UTF_8);
    for (String op : documented()) {
      assertThat(text).as("docs/api.md names `%s`", op).contains("`" + op + "`");
    }
    // and names no operation that does not exist
    Matcher m = Pattern.compile("`(GET|POST|PUT|DELETE|PATCH) (/[^`?\\s]*)").matcher(text);
    TreeSet<String> named = new TreeSet<>();
    while (m.find()) {
      named.add(m.group(1) + " " + m.group(2));
    }
    named.removeAll(documented());
    assertThat(named).as("operations docs/api.md names that openapi.yaml does not have").isEmpty();
  }

  private static JsonNode resolve(JsonNode n) {
    if (n != null && n.has("$ref")) {
      return api.at(n.get("$ref").asText().substring(1));
    }
    return n;
  }

  /** True when the schema requires {@code error} and {@code status}, itself or through {@code allOf}. */
  private static boolean isErrorSchema(JsonNode schema) {
    JsonNode s = resolve(schema);
    if (s == null || s.isMissingNode()) {
      return false;
    }
    List<String> required = new ArrayList<>();
    s.path("required").forEach(r -> required.add(r.asText()));
    if (required.containsAll(List.of("error", "status"))) {
      return true;
    }
    for (JsonNode part : s.path("allOf")) {
      if (isErrorSchema(part)) {
        return true;
      }
    }
    return false;
  }

  private static void collectRefs(JsonNode n, List<String> out) {
    if (n.isObject()) {
      n.fields().forEachRemaining(f -> {
        if (f.getKey().equals("$ref")) {
          out.add(f.getValue().asText());
        } else {
          collectRefs(f.getValue(), out);
        }
      });
    } else if (n.isArray()) {
      n.forEach(c -> collectRefs(c, out));
    }
  }
}
