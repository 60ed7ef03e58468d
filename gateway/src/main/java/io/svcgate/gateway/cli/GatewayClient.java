package io.svcgate.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLException;

/**
 * The client side of the HTTP API for the commands: HTTP/1.1 to {@code --server},
 * the bearer token on every request, and
 * the mapping of every failure to a one-line message and an exit code (docs/cli.md):
 * 400 → 2 with the gateway's message; 401/403, other errors and an unreachable
 * gateway → 3. Blocking calls are for the command's own thread.
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

  private final URI base;
  private final String token;
  private HttpClient http;

  private GatewayClient(URI base, String token) {
    this.base = base;
    this.token = token;
  }

  /**
   * A client of the gateway at {@code server} ({@code http[s]://host[:port][/prefix]}).
   *
   * @param token the bearer token, or null or blank for none
   * @throws CliException (exit 2) when {@code server} is not such a URL
   */
  static GatewayClient of(String server, String token) {
    return new GatewayClient(parseServer(server), token == null || token.isBlank() ? null : token.trim());
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

  /** The gateway's base URL, as messages show it. */
  URI base() {
    return base;
  }

  /** The JDK client, for the event stream; made on first use. */
  synchronized HttpClient http() {
    if (http == null) {
      http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT)
          .followRedirects(HttpClient.Redirect.NEVER).build();
    }
    return http;
  }

  /** A GET request of {@code path} with the query and the token; {@code timeout} null for none. */
  HttpRequest.Builder request(String path, Query query, Duration timeout) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path + query.encoded())).GET()
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
   * GETs {@code path} and returns the answer when it is a 200; any other status
   * becomes a {@link CliException} (see {@link #refused}).
   *
   * @param timeout the longest wait for the answer, or null for none
   * @throws CliException exit 3 when the gateway cannot be reached or refuses, exit 2 on 400
   */
  Answer get(String path, Query query, Duration timeout) {
    Answer a = send(path, query, timeout);
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
    HttpURLConnection c = null;
    boolean connected = false;
    try {
      c = (HttpURLConnection) URI.create(base + path + query.encoded()).toURL().openConnection(Proxy.NO_PROXY);
      c.setRequestMethod("GET");
      c.setInstanceFollowRedirects(false);
      c.setUseCaches(false);
      c.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
      c.setReadTimeout(timeout == null ? 0 : (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())));
      c.setRequestProperty("Accept", "application/json");
      c.setRequestProperty("User-Agent", "svcgate-cli");
      if (token != null) {
        c.setRequestProperty("Authorization", "Bearer " + token);
      }
      c.connect();
      connected = true;
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
      throw CliException.unreachable("cannot reach the gateway at " + base + ": "
          + (connected ? "no answer within " + (timeout == null ? "the time allowed" : timeout.toSeconds() + " s")
              : "no connection within " + CONNECT_TIMEOUT.toSeconds() + " s"));
    } catch (UnknownHostException e) {
      throw CliException.unreachable("cannot reach the gateway at " + base + ": unknown host");
    } catch (IOException | IllegalArgumentException e) {
      throw unreachable(e, timeout);
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
    return CliException.unreachable("cannot reach the gateway at " + base + ": " + why(t, timeout));
  }

  /** Why a request failed, in a few words. */
  static String why(Throwable t, Duration timeout) {
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
      case 404 -> CliException.unreachable("the gateway at " + base + " answered 404: " + error
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
