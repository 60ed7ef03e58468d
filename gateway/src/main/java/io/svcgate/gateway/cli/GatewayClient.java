package io.svcgate.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.svcgate.state.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLException;

/**
 * The client side of the HTTP API for the commands: one JDK {@link HttpClient}
 * speaking HTTP/1.1 to {@code --server}, the bearer token on every request, and
 * the mapping of every failure to a one-line message and an exit code (docs/cli.md):
 * 400 → 2 with the gateway's message; 401/403, other errors and an unreachable
 * gateway → 3. Blocking calls are for the command's own thread.
 */
final class GatewayClient {

  /** How long a connection attempt may take. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final URI base;
  private final String token;
  private final HttpClient http;

  private GatewayClient(URI base, String token) {
    this.base = base;
    this.token = token;
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NEVER).build();
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

  /** The JDK client, for the event stream. */
  HttpClient http() {
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
        return Json.parse(body);
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
    HttpResponse<byte[]> r;
    try {
      r = http.send(request(path, query, timeout).build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw unreachable(e, timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CliException.unreachable("interrupted while talking to the gateway at " + base);
    }
    return new Answer(r.statusCode(), r.headers(), r.body());
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
      JsonNode j = Json.parse(body);
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
