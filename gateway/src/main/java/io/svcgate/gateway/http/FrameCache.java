package io.svcgate.gateway.http;

import io.svcgate.state.Event;
import io.vertx.core.buffer.Buffer;

/**
 * The frames of the most recent event, made once and shared by every subscriber of
 * one HTTP verticle (the live fan-out hands the same event to each in turn).
 * Event-loop confined.
 */
final class FrameCache {
  private Event event;
  private Buffer sse;
  private Buffer ndjson;

  Buffer frame(Event e, StreamFormat f) {
    if (e != event) {
      event = e;
      sse = null;
      ndjson = null;
    }
    if (f == StreamFormat.SSE) {
      if (sse == null) {
        sse = f.frame(e);
      }
      return sse;
    }
    if (ndjson == null) {
      ndjson = f.frame(e);
    }
    return ndjson;
  }
}
