package io.svcgate.gateway.bus;

import io.svcgate.state.Event;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The codec of {@link Event} on {@code svcgate.events}: local consumers get the
 * same immutable object (no copy); on the wire (clustered event bus) it travels as
 * its envelope JSON bytes, which were made once.
 */
public final class EventCodec implements MessageCodec<Event, Event> {

  public static final String NAME = "svcgate.event";

  @Override
  public void encodeToWire(Buffer buffer, Event event) {
    byte[] json = event.json();
    buffer.appendInt(json.length).appendBytes(json);
  }

  @Override
  public Event decodeFromWire(int pos, Buffer buffer) {
    int len = buffer.getInt(pos);
    try {
      return Event.fromJson(buffer.getBytes(pos + 4, pos + 4 + len));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Event transform(Event event) {
    return event;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
