package io.svcgate.gateway.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Passes immutable objects between verticles of one JVM as they are, without the
 * copy the default codecs make. Never crosses the wire: such messages only go to
 * local consumers.
 *
 * @param <T> the immutable type carried
 */
public final class LocalCodec<T> implements MessageCodec<T, T> {

  private final Class<T> type;

  public LocalCodec(Class<T> type) {
    this.type = type;
  }

  /** The codec name to register and to put in {@code DeliveryOptions}. */
  public static String nameOf(Class<?> type) {
    return "local:" + type.getName();
  }

  public Class<T> type() {
    return type;
  }

  @Override
  public void encodeToWire(Buffer buffer, T t) {
    throw new UnsupportedOperationException(type.getSimpleName() + " is a local-only message");
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    throw new UnsupportedOperationException(type.getSimpleName() + " is a local-only message");
  }

  @Override
  public T transform(T t) {
    return t;
  }

  @Override
  public String name() {
    return nameOf(type);
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
