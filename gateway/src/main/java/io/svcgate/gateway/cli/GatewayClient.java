package io.svcgate.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/**
 * The client side of the HTTP API for the commands: HTTP/1.1 to the members of
 * {@code --server}, the bearer token on every request, and
 * the mapping of every failure to a one-line message and an exit code (docs/cli.md):
 * 400 → 2 with the gateway's message; 401/403, other errors and an unreachable
 * gateway → 3. Blocking calls are for the command's own thread.
 *
 * <p>Failover (docs/cli.md, "Several gateways"): {@code --server} is a comma list
 * of members. A request goes to the member that answered last (the first one at
 * start) and moves to the next, in order and wrapping, on a connection failure
 * or a 503; any other answer is the answer. When every member failed once (a
 * round), another round follows only if some member answered 503 (up but not
 * ready: an election, a start), after the largest {@code Retry-After} of the
 * round ({@value #ROUND_PAUSE_MS} ms when none said, at most
 * {@value #MAX_RETRY_AFTER_MS} ms, never past {@link #until the caller's deadline}),
 * and at most {@value #MAX_ROUNDS} rounds in all; a round where no member
 * answered at all ends the command at once.
 *
 * <p>One-shot requests ({@link #send}, {@link #get}) go through the JDK's
 * {@link HttpURLConnection}: a command that makes one or two requests and exits
 * spends most of its life starting up, and the {@link HttpClient} (its selector
 * thread, its TLS context made even for plain HTTP) costs a client command about
 * as much as the JVM and the command line together (docs/benchmarks.md, P10).
 * The long-lived event stream uses the {@link HttpClient}, made on first use.
 */
final class GatewayClient {

  /** How long a connection attempt may take. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  /** The most rounds over the members a request makes when they answer 503. */
  static final int MAX_ROUNDS = 3;
  /** The pause between two rounds when no 503 said {@code Retry-After}. */
  static final long ROUND_PAUSE_MS = 1_000;
  /** The longest pause between two rounds, whatever {@code Retry-After} says. */
  static final long MAX_RETRY_AFTER_MS = 5_000;

  private final List<URI> members;
  private final String token;
  private int current;
  private long deadline;
  private boolean bounded;
  private PrintWriter notices;
  private HttpClient http;

  private GatewayClient(List<URI> members, String token) {
    this.members = members;
    this.token = token;
  }

  /**
   * A client of the gateways listed in {@code servers}: a comma list of
   * {@code http[s]://host[:port][/prefix]}.
   *
   * @param token the bearer token, or null or blank for none
   * @throws CliException (exit 2) when an item of {@code servers} is not such a URL, is empty or is repeated
   */
  static GatewayClient of(String servers, String token) {
    return new GatewayClient(parseServers(servers), token == null || token.isBlank() ? null : token.trim());
  }

  /** The members of a {@code --server} list, in order. @throws CliException (exit 2) */
  static List<URI> parseServers(String servers) {
    String s = servers == null ? "" : servers.trim();
    if (s.indexOf(',') < 0) {
      return List.of(parseServer(s));
    }
    String[] items = s.split(",", -1);
    List<URI> list = new ArrayList<>(items.length);
    for (int i = 0; i < items.length; i++) {
      String item = items[i].trim();
      String where = " (item " + (i + 1) + " of " + items.length + " in '" + s + "')";
      if (item.isEmpty()) {
        throw CliException.usage("--server: empty item" + where + "; expected URLs separated by commas");
      }
      URI u;
      try {
        u = parseServer(item);
      } catch (CliException e) {
        throw CliException.usage(e.getMessage() + where);
      }
      if (list.contains(u)) {
        throw CliException.usage("--server: " + u + " is listed twice" + where);
      }
      list.add(u);
    }
    return List.copyOf(list);
  }

  static URI parseServer(String server) {
    String s = server == null ? "" : server.trim();
    String bad = "--server: expected a URL such as http://127.0.0.1:1215, got '" + s + "'";
    URI u;
    try {
      u = new URI(s);
    } catch (URISyntaxException e) {
      throw CliException.usage(bad);
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || u.getHost() == null || u.getRawQuery() != null
        || u.getRawFragment() != null || u.getRawUserInfo() != null) {
      throw CliException.usage(bad);
    }
    String path = u.getRawPath() == null ? "" : u.getRawPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return URI.create(scheme + "://" + u.getRawAuthority() + path);
  }

  /** The member requests go to now (the one that answered last), as messages show it. */
  URI base() {
    return members.get(current);
  }

  /** How many members {@code --server} lists. */
  int size() {
    return members.size();
  }

  /** Moves to the next member of the list, wrapping; returns it. */
  URI next() {
    current = (current + 1) % members.size();
    return base();
  }

  /** Pauses between rounds never go past {@code deadlineNanos} ({@link System#nanoTime}). */
  void until(long deadlineNanos) {
    this.deadline = deadlineNanos;
    this.bounded = true;
  }

  /** Where to say, one line each, that a request moves to another member; null for silence. */
  void notices(PrintWriter err) {
    this.notices = err;
  }

  /** The JDK client, for the event stream; made on first use. */
  synchronized HttpClient http() {
    if (http == null) {
      http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT)
          .followRedirects(HttpClient.Redirect.NEVER).build();
    }
    return http;
  }

  /** A GET request of {@code path} at the current member with the query and the token; {@code timeout} null for none. */
  HttpRequest.Builder request(String path, Query query, Duration timeout) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path + query.encoded())).GET()
        .header("Accept", "application/json").header("User-Agent", "svcgate-cli");
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (timeout != null) {
      b.timeout(timeout);
    }
    return b;
  }

  /** One answer: the status, the headers and the whole body. */
  record Answer(int status, HttpHeaders headers, byte[] body) {

    /** The body as JSON. @throws CliException (exit 3) when it is not JSON */
    JsonNode json() {
      try {
        return CliJson.parse(body);
      } catch (IOException e) {
        throw CliException.unreachable("the gateway answered something that is not JSON: "
            + firstLine(new String(body, StandardCharsets.UTF_8)));
      }
    }

    /** A header, or null. */
    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  /**
   * One request: {@code body} null for none (it is sent as JSON).
   *
   * @param timeout the longest wait for the answer, or null for none
   */
  record Request(String method, String path, Query query, byte[] body, Duration timeout) {

    static Request get(String path, Query query, Duration timeout) {
      return new Request("GET", path, query, null, timeout);
    }
  }

  /**
   * GETs {@code path} and returns the answer when it is a 200; any other status
   * becomes a {@link CliException} (see {@link #refused}).
   *
   * @param timeout the longest wait for the answer, or null for none
   * @throws CliException exit 3 when the gateway cannot be reached or refuses, exit 2 on 400
   */
  Answer get(String path, Query query, Duration timeout) {
    return get(() -> Request.get(path, query, timeout));
  }

  /** As {@link #get(String, Query, Duration)}, the request made anew for each member asked. */
  Answer get(Supplier<Request> request) {
    Answer a = send(request);
    if (a.status() != 200) {
      throw refused(a.status(), a.body());
    }
    return a;
  }

  /**
   * GETs {@code path} and returns the answer, whatever its status.
   *
   * @throws CliException exit 3 when the gateway cannot be reached
   */
  Answer send(String path, Query query, Duration timeout) {
    return send(() -> Request.get(path, query, timeout));
  }

  /**
   * Sends the request to the members as the class says, and returns the first
   * answer other than 503. When all failed: with one member, its 503 answer or
   * the failure to reach it, as without a list; with several, one message that
   * says what each did.
   *
   * <p>Only for requests that may be sent twice (reads, setting a value): a
   * connection that fails after the request left may have had it applied, and
   * the next member gets it again.
   *
   * @param request called before each attempt (a wait asks for the time left)
   * @throws CliException exit 3 when no member answered other than 503
   */
  Answer send(Supplier<Request> request) {
    int n = members.size();
    List<String> failures = new ArrayList<>();
    Answer last503 = null;
    CliException lastFailure = null;
    for (int round = 1; ; round++) {
      failures.clear();
      long retryAfterMs = -1;
      boolean answered = false;
      for (int i = 0; i < n; i++) {
        if (i > 0) {
          URI from = base();
          next();
          notice(from + ": " + failures.get(failures.size() - 1) + "; trying " + base());
        }
        Request r = request.get();
        try {
          Answer a = sendOnce(r);
          if (a.status() != 503) {
            return a;
          }
          answered = true;
          last503 = a;
          lastFailure = null;
          retryAfterMs = Math.max(retryAfterMs, retryAfterMs(a.header("Retry-After")));
          failures.add("not ready: " + errorMessage(a.status(), a.body()) + " (HTTP 503)");
        } catch (NoAnswer e) {
          lastFailure = CliException.unreachable("cannot reach the gateway at " + base() + ": " + e.getMessage());
          failures.add(e.getMessage());
        }
      }
      long pauseMs = Math.min(MAX_RETRY_AFTER_MS, retryAfterMs < 0 ? ROUND_PAUSE_MS : retryAfterMs);
      if (bounded) {
        pauseMs = Math.min(pauseMs, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
      }
      if (!answered || round >= MAX_ROUNDS || pauseMs < 0) {
        break;
      }
      URI from = base();
      next();
      notice(from + ": " + failures.get(failures.size() - 1) + "; every member of --server failed, asking "
          + base() + " again in " + pauseMs + " ms");
      pause(pauseMs);
    }
    if (n == 1) {
      if (lastFailure != null) {
        throw lastFailure;
      }
      return last503;
    }
    StringBuilder m = new StringBuilder("no gateway of --server answered:");
    for (int i = 0; i < n; i++) {
      m.append(i == 0 ? " " : "; ").append(members.get((current + 1 + i) % n)).append(": ").append(failures.get(i));
    }
    throw CliException.unreachable(m.toString());
  }

  private void notice(String text) {
    if (notices != null) {
      notices.println(Main.program() + ": " + text);
      notices.flush();
    }
  }

  private static void pause(long ms) {
    try {
      TimeUnit.MILLISECONDS.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CliException.unreachable("interrupted");
    }
  }

  /**
   * The pause a {@code Retry-After} asks for (delta-seconds or an HTTP date), in ms;
   * -1 when there is none or it cannot be read.
   */
  static long retryAfterMs(String value) {
    if (value == null || value.isBlank()) {
      return -1;
    }
    String v = value.trim();
    try {
      long s = Long.parseLong(v);
      return s < 0 ? -1 : s > MAX_RETRY_AFTER_MS / 1000 ? MAX_RETRY_AFTER_MS : s * 1000;
    } catch (NumberFormatException e) {
      try {
        long at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
        return Math.max(0, Math.min(MAX_RETRY_AFTER_MS, at - System.currentTimeMillis()));
      } catch (DateTimeParseException ignored) {
        return -1;
      }
    }
  }

  /** No answer from a member: why, in a few words. */
  private static final class NoAnswer extends Exception {
    NoAnswer(String why) {
      super(why, null, false, false);
    }
  }

  /** One attempt at the current member. */
  private Answer sendOnce(Request r) throws NoAnswer {
    HttpURLConnection c = null;
    boolean connected = false;
    Duration timeout = r.timeout();
    try {
      c = (HttpURLConnection) URI.create(base() + r.path() + r.query().encoded()).toURL()
          .openConnection(Proxy.NO_PROXY);
      c.setRequestMethod(r.method());
      c.setInstanceFollowRedirects(false);
      c.setUseCaches(false);
      c.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
      c.setReadTimeout(timeout == null ? 0 : (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())));
      c.setRequestProperty("Accept", "application/json");
      c.setRequestProperty("User-Agent", "svcgate-cli");
      if (token != null) {
        c.setRequestProperty("Authorization", "Bearer " + token);
      }
      if (r.body() != null) {
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "application/json");
        c.setFixedLengthStreamingMode(r.body().length);
      }
      c.connect();
      connected = true;
      if (r.body() != null) {
        try (OutputStream o = c.getOutputStream()) {
          o.write(r.body());
        }
      }
      int status = c.getResponseCode();
      byte[] body;
      try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
        body = in == null ? new byte[0] : in.readAllBytes();
      }
      Map<String, List<String>> fields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      c.getHeaderFields().forEach((k, v) -> {
        if (k != null) {
          fields.put(k, v);
        }
      });
      return new Answer(status, HttpHeaders.of(fields, (k, v) -> true), body);
    } catch (SocketTimeoutException e) {
      throw new NoAnswer(connected ? "no answer within " + (timeout == null ? "the time allowed" : timeout.toSeconds() + " s")
          : "no connection within " + CONNECT_TIMEOUT.toSeconds() + " s");
    } catch (UnknownHostException e) {
      throw new NoAnswer("unknown host");
    } catch (IOException | IllegalArgumentException e) {
      throw new NoAnswer(why(e, timeout));
    } finally {
      if (c != null) {
        c.disconnect();
      }
    }
  }

  /** The exception for a request that did not get an answer. */
  CliException unreachable(Throwable t, Duration timeout) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return CliException.unreachable("cannot reach the gateway at " + base() + ": " + why(t, timeout));
  }

  /** Why a request failed, in a few words. */
  static String why(Throwable t, Duration timeout) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof HttpConnectTimeoutException) {
      return "no connection within " + CONNECT_TIMEOUT.toSeconds() + " s";
    }
    if (t instanceof HttpTimeoutException) {
      return "no answer within " + (timeout == null ? "the time allowed" : timeout.toSeconds() + " s");
    }
    if (t instanceof ConnectException) {
      if (t.getCause() instanceof UnresolvedAddressException) {
        return "unknown host";
      }
      return t.getMessage() == null || t.getMessage().isBlank() ? "connection refused"
          : t.getMessage().toLowerCase(Locale.ROOT);
    }
    if (t instanceof SSLException) {
      return "TLS failed: " + t.getMessage();
    }
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : firstLine(m);
  }

  /**
   * The exception for a status other than 200: 400 is a bad argument (exit 2, the
   * gateway's message as is); 401 and 403 a refused token, 503 a gateway not
   * ready, anything else an unusable answer (exit 3).
   */
  CliException refused(int status, byte[] body) {
    String error = errorMessage(status, body);
    return switch (status) {
      case 400 -> CliException.usage(error);
      case 401, 403 -> CliException.unreachable("the gateway refused the request: " + error + " (HTTP " + status + ")"
          + (token == null ? "; give a token with --token or $SVCGATE_TOKEN" : ""));
      case 404 -> CliException.unreachable("the gateway at " + base() + " answered 404: " + error
          + "; is --server a svcgate gateway?");
      case 503 -> CliException.unreachable("the gateway is not ready: " + error + " (HTTP 503)");
      default -> CliException.unreachable("the gateway answered HTTP " + status + ": " + error);
    };
  }

  /** The {@code error} of an error body, or the start of the body, or the status. */
  static String errorMessage(int status, byte[] body) {
    try {
      JsonNode j = CliJson.parse(body);
      if (j.path("error").isTextual()) {
        return j.get("error").textValue();
      }
    } catch (IOException | RuntimeException e) {
      // not JSON: use the text
    }
    String text = firstLine(new String(body, StandardCharsets.UTF_8)).trim();
    return text.isEmpty() ? "HTTP " + status : text;
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return line.length() > 200 ? line.substring(0, 200) + "…" : line;
  }

  /** An ordered query string; repeated names are kept. */
  static final class Query {
    private final List<String> parts = new ArrayList<>();

    /** Adds {@code name=value}; a null value adds nothing. */
    Query add(String name, Object value) {
      if (value != null) {
        parts.add(encode(name) + "=" + encode(value.toString()));
      }
      return this;
    }

    /** Adds {@code name=v} for each value. */
    Query addAll(String name, List<String> values) {
      if (values != null) {
        values.forEach(v -> add(name, v));
      }
      return this;
    }

    String encoded() {
      return parts.isEmpty() ? "" : "?" + String.join("&", parts);
    }

    private static String encode(String s) {
      return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
  }
}
