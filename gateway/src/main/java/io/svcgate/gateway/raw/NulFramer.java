package io.svcgate.gateway.raw;

import io.vertx.core.buffer.Buffer;

/**
 * Collects the bytes of one request frame, up to and including its NUL, at most
 * {@code max} bytes. Bytes after the NUL are dropped (one request per connection).
 * Not thread-safe: one per connection, on its event loop.
 */
public final class NulFramer {

  private final int max;
  private Buffer pending = Buffer.buffer();
  private byte[] frame;

  /** @param max the most bytes a frame may have, NUL excluded */
  public NulFramer(int max) {
    this.max = max;
  }

  /**
   * Takes the next chunk read.
   *
   * @return the frame (without its NUL) once complete, else null
   * @throws RawException {@link RawException#TOO_LARGE} once more than {@code max}
   *                      bytes came without a NUL
   */
  public byte[] feed(Buffer chunk) throws RawException {
    if (frame != null) {
      return null;
    }
    int len = chunk.length();
    for (int i = 0; i < len; i++) {
      if (chunk.getByte(i) == RawCodec.NUL) {
        if (pending.length() + i > max) {
          throw tooLarge();
        }
        pending.appendBuffer(chunk, 0, i);
        frame = pending.getBytes();
        pending = null;
        return frame;
      }
    }
    if (pending.length() + len > max) {
      throw tooLarge();
    }
    pending.appendBuffer(chunk);
    return null;
  }

  /** Bytes held, waiting for the NUL. */
  public int buffered() {
    return pending == null ? 0 : pending.length();
  }

  /** True once a frame is complete. */
  public boolean done() {
    return frame != null;
  }

  private RawException tooLarge() {
    pending = Buffer.buffer();
    return new RawException(RawException.TOO_LARGE, "no NUL within " + max + " bytes");
  }
}
