package io.svcgate.gateway.fuzz;

import io.vertx.core.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One request the fuzzer sends: what a hostile or broken client could put on the
 * wire. {@code toString} is what jqwik prints for a failing try.
 */
record FuzzRequest(HttpMethod method, String uri, String contentType, Map<String, String> headers, byte[] body,
                   String how) {

  boolean write() {
    return method != HttpMethod.GET && method != HttpMethod.HEAD && method != HttpMethod.OPTIONS;
  }

  @Override
  public String toString() {
    String b = body == null ? "" : new String(body, 0, Math.min(body.length, 600), StandardCharsets.UTF_8);
    return method + " " + uri + " [" + how + "] content-type=" + contentType + " headers=" + headers
        + (body == null ? "" : " body(" + body.length + ")=" + b);
  }
}
