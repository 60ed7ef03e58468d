package io.svcgate.gateway.durable;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code svcgate serve} as a real child JVM (the test classpath, {@code io.svcgate.gateway.cli.Main}),
 * on an HTTP port of its choosing (port 0, read back from its "svcgate ready" log line).
 * Its stderr is collected line by line; tests wait for the lines that prove what they
 * need, never for a fixed time. Configuration goes through {@code SVCGATE_…} variables.
 */
final class ChildGateway implements AutoCloseable {

  /** The ready line, plain or JSON ({@code log.format=json} escapes {@code /} as {@code \/}). */
  private static final Pattern READY =
      Pattern.compile("svcgate ready in \\d+ ms: http:\\\\?/\\\\?/[^/\\\\]+:(\\d+)\\\\?/ , epoch ([0-9a-f-]+)");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  final Process process;
  final String epoch;
  final int port;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();
  private final Holder holder;
  private final Thread reader;

  private ChildGateway(Process process, int port, String epoch, Holder holder, Thread reader) {
    this.process = process;
    this.port = port;
    this.epoch = epoch;
    this.holder = holder;
    this.reader = reader;
  }

  /** The process, started: not yet ready. */
  private static Process spawn(Path data, Map<String, String> env) throws IOException {
    List<String> cmd = List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        "-Xmx384m", "-XX:+UseSerialGC",
        "-Dlogback.configurationFile=logback-durable-child.xml",
        "io.svcgate.gateway.cli.Main", "serve", "--http-port", "0", "--data", data.toString());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().keySet().removeIf(k -> k.startsWith("SVCGATE_"));
    Map<String, String> all = new LinkedHashMap<>();
    all.put("SVCGATE_NODENAME", "gw-test");
    all.put("SVCGATE_CLUSTER_NAME", "test");
    all.put("SVCGATE_HOOKS_FILE", data.resolveSibling(data.getFileName() + "-no-hooks.conf").toString());
    all.putAll(env);
    pb.environment().putAll(all);
    return pb.start();
  }

  /** Starts a gateway on {@code data} and returns once it serves; fails with its stderr if it does not. */
  static ChildGateway start(Path data, Map<String, String> env) throws Exception {
    Process p = spawn(data, env);
    Holder h = new Holder();
    Thread reader = readStderr(p, h);
    Matcher ready = null;
    synchronized (h) {
      long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
      while (ready == null) {
        for (String l : h.lines) {
          Matcher m = READY.matcher(l);
          if (m.find()) {
            ready = m;
          }
        }
        if (ready != null) {
          break;
        }
        if (h.ended) {
          p.waitFor(30, TimeUnit.SECONDS);
          throw new AssertionError("svcgate serve ended (exit " + p.exitValue() + ") before it was ready:\n"
              + String.join("\n", h.lines));
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          p.destroyForcibly();
          throw new AssertionError("svcgate serve not ready within " + START_TIMEOUT + ":\n" + String.join("\n", h.lines));
        }
        h.wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
      }
    }
    return new ChildGateway(p, Integer.parseInt(ready.group(1)), ready.group(2), h, reader);
  }

  /** Runs {@code svcgate serve} that is expected not to start: its exit code and stderr. */
  static Ended runToExit(Path data, Map<String, String> env) throws Exception {
    Process p = spawn(data, env);
    Holder h = new Holder();
    Thread reader = readStderr(p, h);
    if (!p.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      reader.join(10_000);
      throw new AssertionError("svcgate serve still runs after " + START_TIMEOUT + ":\n" + String.join("\n", h.lines));
    }
    reader.join(10_000);
    synchronized (h) {
      return new Ended(p.exitValue(), List.copyOf(h.lines));
    }
  }

  /** How a child ended: its exit code and every stderr line. */
  record Ended(int exitCode, List<String> stderr) {
    String text() {
      return String.join("\n", stderr);
    }
  }

  private static final class Holder {
    final List<String> lines = new ArrayList<>();
    boolean ended;
  }

  private static Thread readStderr(Process p, Holder h) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
        String l;
        while ((l = r.readLine()) != null) {
          synchronized (h) {
            h.lines.add(l);
            h.notifyAll();
          }
        }
      } catch (IOException e) {
        // the stream closed: the process ended
      } finally {
        synchronized (h) {
          h.ended = true;
          h.notifyAll();
        }
      }
    }, "child-stderr-" + p.pid());
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Every stderr line so far. */
  List<String> stderr() {
    synchronized (holder) {
      return List.copyOf(holder.lines);
    }
  }

  /** The first stderr line matching {@code p}, waiting for it up to 30 s. */
  String awaitLine(String what, Predicate<String> p) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    synchronized (holder) {
      while (true) {
        Optional<String> hit = holder.lines.stream().filter(p).findFirst();
        if (hit.isPresent()) {
          return hit.get();
        }
        long left = deadline - System.nanoTime();
        if (holder.ended || left <= 0) {
          throw new AssertionError("no stderr line " + what + (holder.ended ? " (the process ended)" : "") + ":\n"
              + String.join("\n", holder.lines));
        }
        holder.wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
      }
    }
  }

  /** SIGKILL: no shutdown hook, no flush. Returns the exit code (137). Our end of its stderr stays open. */
  int kill() throws Exception {
    process.toHandle().destroyForcibly();
    return awaitExit();
  }

  /**
   * SIGTERM (what {@code Process.destroy()} sends, but through the process handle, which
   * keeps our end of its stderr open to read its last lines): the graceful stop.
   * Returns the exit code.
   */
  int terminate() throws Exception {
    process.toHandle().destroy();
    return awaitExit();
  }

  /** Waits for the process to end (60 s at most) and for its last stderr lines; returns the exit code. */
  int awaitExit() throws Exception {
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the gateway did not exit within 60 s:\n" + String.join("\n", stderr()));
    }
    reader.join(10_000);
    return process.exitValue();
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String json) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(60, TimeUnit.SECONDS);
    }
  }
}
