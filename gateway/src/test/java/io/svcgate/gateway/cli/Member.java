package io.svcgate.gateway.cli;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in member of a {@code --server} list for the client tests: a small Vert.x
 * HTTP server on a loopback port that records every request it gets (method, URI,
 * headers) and then either forwards it to a real gateway ({@link #proxy}), streaming
 * the answer back, or answers it itself ({@link #answering}). A forwarded request
 * whose gateway is gone gets its connection closed, as the gateway's own would.
 */
final class Member implements AutoCloseable {

  /** A request as the member received it. */
  record Seen(String method, String uri, MultiMap headers) {

    String path() {
      return URI.create(uri).getPath();
    }

    /** The first value of query parameter {@code name}, or null. */
    String param(String name) {
      String q = URI.create(uri).getRawQuery();
      if (q == null) {
        return null;
      }
      for (String part : q.split("&")) {
        int eq = part.indexOf('=');
        if (eq > 0 && part.substring(0, eq).equals(name)) {
          return URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
        }
      }
      return null;
    }
  }

  final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;

  private Member(Handler<HttpServerRequest> handler) throws Exception {
    server = vertx.createHttpServer().requestHandler(req -> {
      seen.add(new Seen(req.method().name(), req.uri(), MultiMap.caseInsensitiveMultiMap().addAll(req.headers())));
      handler.handle(req);
    }).listen(0, "127.0.0.1").await(30, TimeUnit.SECONDS);
  }

  /** A member that forwards everything to the gateway at {@code port}. */
  static Member proxy(int port) throws Exception {
    HttpClient[] client = new HttpClient[1];
    Member m = new Member(req -> {
      req.pause();
      HttpServerResponse resp = req.response();
      client[0].request(new RequestOptions().setMethod(req.method()).setHost("127.0.0.1").setPort(port)
              .setURI(req.uri()))
          .compose(out -> {
            out.headers().setAll(req.headers()).remove(HttpHeaders.HOST);
            return out.send(req);
          })
          .onSuccess(in -> {
            resp.setStatusCode(in.statusCode());
            in.headers().forEach((k, val) -> {
              if (!k.equalsIgnoreCase("content-length") && !k.equalsIgnoreCase("transfer-encoding")
                  && !k.equalsIgnoreCase("connection")) {
                resp.headers().add(k, val);
              }
            });
            resp.setChunked(true);
            resp.writeHead(); // at once: a stream's first line may come much later
            in.pipeTo(resp).onFailure(e -> req.connection().close());
          })
          .onFailure(e -> req.connection().close());
    });
    client[0] = m.vertx.createHttpClient();
    return m;
  }

  /** A member that answers every request with {@code status}, {@code Retry-After} (null for none) and {@code body}. */
  static Member answering(int status, String retryAfter, String body) throws Exception {
    return new Member(req -> {
      HttpServerResponse r = req.response().setStatusCode(status).putHeader("Content-Type", "application/json");
      if (retryAfter != null) {
        r.putHeader("Retry-After", retryAfter);
      }
      r.end(body);
    });
  }

  /** A member that answers as {@code handler} says (after recording the request). */
  static Member handling(Handler<HttpServerRequest> handler) throws Exception {
    return new Member(handler);
  }

  /** Its {@code --server} URL. */
  String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** The requests seen on {@code path}. */
  List<Seen> on(String path) {
    return seen.stream().filter(s -> s.path().equals(path)).toList();
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }
}
