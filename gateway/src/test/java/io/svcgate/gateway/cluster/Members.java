package io.svcgate.gateway.cluster;

import io.svcgate.gateway.Awaits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Raft members as real child JVMs ({@code svcgate serve --cluster}) on loopback, for
 * tests. Raft ports are picked free; HTTP ports are the members' own choice (port 0,
 * read back from their ready line). Each member's data directory is under the test's
 * temporary directory and its output goes to a file there, printed when the test
 * fails. Register it with {@code @RegisterExtension}: every member still running is
 * killed after each test.
 */
final class Members implements AfterEachCallback {

  private static final Pattern READY =
      Pattern.compile("svcgate ready in \\d+ ms: http://[^/]+:(\\d+)/ , epoch ([0-9a-f-]+)");
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private final List<Member> all = new ArrayList<>();
  private Path dir;

  /** Where data directories and logs go (the test's {@code @TempDir}). */
  Members in(Path dir) {
    this.dir = dir;
    return this;
  }

  /** {@code n} free Raft addresses on loopback, the member list of a new group. */
  static List<String> addresses(int n) throws IOException {
    List<String> out = new ArrayList<>();
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0);
        held.add(s);
        out.add("127.0.0.1:" + s.getLocalPort());
      }
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
    return out;
  }

  /** Starts the member {@code self} of {@code members} (not waiting for it to serve). */
  Member start(String self, List<String> members, Map<String, String> env) throws IOException {
    Member m = new Member(self, members, dir.resolve("m-" + self.replace(':', '-')), env);
    all.add(m);
    m.spawn();
    return m;
  }

  /** Starts every member of {@code members} and waits until each serves and a leader is known to all. */
  List<Member> startAll(List<String> members, Map<String, String> env) throws IOException {
    List<Member> out = new ArrayList<>();
    for (String s : members) {
      out.add(start(s, members, env));
    }
    for (Member m : out) {
      m.awaitReady();
    }
    Awaits.until("every member knows the leader", () -> out.stream().allMatch(m -> m.leader() != null));
    return out;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    boolean failed = context.getExecutionException().isPresent();
    for (Member m : all) {
      m.kill();
      if (failed) {
        System.err.println("===== member " + m.self + " (" + m.log + ") =====");
        System.err.println(m.output());
      }
    }
    all.clear();
  }

  /** One member: its process (null while down), data directory, ports and output file. */
  static final class Member {
    final String self;
    final List<String> members;
    final Path data;
    final Path log;
    final Map<String, String> env;
    private Process process;
    private int httpPort = -1;
    private int runs;

    Member(String self, List<String> members, Path data, Map<String, String> env) {
      this.self = self;
      this.members = members;
      this.data = data;
      this.log = data.resolveSibling(data.getFileName() + ".log");
      this.env = env;
    }

    private void spawn() throws IOException {
      Files.createDirectories(data);
      List<String> cmd = List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"),
          "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
          "-Dlogback.configurationFile=logback-durable-child.xml",
          "io.svcgate.gateway.cli.Main", "serve", "--http-port", "0", "--data", data.toString(),
          "--cluster", "--cluster-host", "127.0.0.1", "--cluster-port", self.substring(self.indexOf(':') + 1),
          "--cluster-members", String.join(",", members));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      pb.environment().keySet().removeIf(k -> k.startsWith("SVCGATE_"));
      Map<String, String> all = new LinkedHashMap<>();
      all.put("SVCGATE_HOOKS_FILE", data.resolveSibling("no-hooks.conf").toString());
      all.putAll(env);
      pb.environment().putAll(all);
      Files.writeString(log, "----- start " + (++runs) + ": " + String.join(" ", cmd.subList(cmd.indexOf("serve"), cmd.size()))
          + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      httpPort = -1;
      process = pb.start();
    }

    /** Waits for the ready line of the current run; fails with the output if the process ended. */
    Member awaitReady() {
      Awaits.until("member " + self + " serves", () -> {
        if (!process.isAlive()) {
          throw new AssertionError("member " + self + " ended (exit " + process.exitValue() + "):\n" + output());
        }
        String out = output();
        int start = out.lastIndexOf("----- start ");
        Matcher m = READY.matcher(out.substring(Math.max(0, start)));
        if (m.find()) {
          httpPort = Integer.parseInt(m.group(1));
          return true;
        }
        return false;
      });
      return this;
    }

    String output() {
      try {
        return Files.readString(log, StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "(no output: " + e + ")";
      }
    }

    boolean alive() {
      return process != null && process.isAlive();
    }

    /** SIGKILL; waits for the process to end. */
    void kill() {
      if (process != null) {
        process.destroyForcibly();
        try {
          process.waitFor(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    /** Starts this member again on its data directory and waits until it serves. */
    Member restart() throws IOException {
      kill();
      spawn();
      return awaitReady();
    }

    String url(String path) {
      return "http://127.0.0.1:" + httpPort + path;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> send(String method, String path, String json) throws IOException, InterruptedException {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30))
          .header("content-type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
      return send("POST", path, json);
    }

    /** {@code GET /api/cluster}, or null when the member does not answer. */
    JsonObject cluster() {
      try {
        HttpResponse<String> r = get("/api/cluster");
        return r.statusCode() == 200 ? new JsonObject(r.body()) : null;
      } catch (IOException e) {
        return null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }

    /** The leader this member knows, or null. */
    String leader() {
      JsonObject c = alive() ? cluster() : null;
      return c == null ? null : c.getString("leader");
    }

    String role() {
      JsonObject c = cluster();
      return c == null ? null : c.getString("role");
    }

    long applied() {
      JsonObject c = cluster();
      return c == null ? -1 : c.getLong("applied", -1L);
    }

    List<String> memberIds() {
      JsonObject c = cluster();
      List<String> ids = new ArrayList<>();
      if (c != null) {
        for (Object o : c.getJsonArray("members", new JsonArray())) {
          ids.add(((JsonObject) o).getString("id"));
        }
      }
      return ids;
    }

    int health() {
      try {
        return get("/health").statusCode();
      } catch (IOException e) {
        return -1;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
    }

    /** Every event of the history, by id (paged). */
    Map<Long, JsonObject> events() throws IOException, InterruptedException {
      Map<Long, JsonObject> out = new LinkedHashMap<>();
      long after = 0;
      while (true) {
        JsonObject page = new JsonObject(get("/api/events?limit=10000&after=" + after).body());
        JsonArray events = page.getJsonArray("events");
        for (Object o : events) {
          JsonObject e = (JsonObject) o;
          out.put(e.getLong("id"), e);
        }
        if (events.isEmpty() || page.getLong("next", after) >= page.getLong("last")) {
          return out;
        }
        after = page.getLong("next");
      }
    }

    String epoch() throws IOException, InterruptedException {
      return new JsonObject(get("/api/events?limit=1").body()).getString("epoch");
    }

    long lastId() throws IOException, InterruptedException {
      return new JsonObject(get("/api/events?limit=1").body()).getLong("last");
    }
  }
}
