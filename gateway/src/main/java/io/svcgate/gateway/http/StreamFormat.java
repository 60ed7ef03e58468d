package io.svcgate.gateway.http;

import io.svcgate.state.Event;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/** How envelopes are framed on a stream: Server-Sent Events or one JSON per line. */
enum StreamFormat {
  SSE("text/event-stream", "sse"),
  NDJSON("application/x-ndjson", "ndjson");

  final String contentType;
  final String label;

  StreamFormat(String contentType, String label) {
    this.contentType = contentType;
    this.label = label;
  }

  /** One frame: {@code id:}, {@code event:} and {@code data:} lines in SSE; the JSON and a newline in ndjson. */
  Buffer frame(long id, String kind, byte[] json) {
    if (this == NDJSON) {
      return Buffer.buffer(json.length + 1).appendBytes(json).appendByte((byte) '\n');
    }
    String head = (id >= 0 ? "id: " + id + "\n" : "") + "event: " + kind + "\ndata: ";
    byte[] h = head.getBytes(StandardCharsets.US_ASCII);
    return Buffer.buffer(h.length + json.length + 2).appendBytes(h).appendBytes(json).appendString("\n\n");
  }

  Buffer frame(Event e) {
    return frame(e.id(), e.kind(), e.json());
  }
}
