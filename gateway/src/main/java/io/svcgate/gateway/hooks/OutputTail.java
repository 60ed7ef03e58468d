package io.svcgate.gateway.hooks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The last {@link #LIMIT} bytes of a hook's output, read to the end so that a chatty hook
 * never blocks on a full pipe. One thread drains; any thread may read the tail.
 */
final class OutputTail {

  /** Bytes of output kept for the log. */
  static final int LIMIT = 4096;

  private final byte[] ring = new byte[LIMIT];
  private long total;

  /** Reads {@code in} until end of stream or a read error, keeping the tail. */
  void drain(InputStream in) {
    byte[] buf = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        append(buf, n);
      }
    } catch (IOException e) {
      // The stream was closed under us (the run is over): the tail so far is what we keep.
    }
  }

  private synchronized void append(byte[] buf, int n) {
    int from = Math.max(0, n - LIMIT);
    total += from;
    for (int i = from; i < n; i++) {
      ring[(int) (total % LIMIT)] = buf[i];
      total++;
    }
  }

  /** Bytes of output seen so far. */
  synchronized long total() {
    return total;
  }

  /**
   * The kept tail as one log-safe line: UTF-8 (bad bytes replaced), line breaks, tabs and
   * other control characters escaped; empty when there was no output.
   */
  synchronized String text() {
    int kept = (int) Math.min(total, LIMIT);
    byte[] bytes = new byte[kept];
    long start = total - kept;
    for (int i = 0; i < kept; i++) {
      bytes[i] = ring[(int) ((start + i) % LIMIT)];
    }
    String s = new String(bytes, StandardCharsets.UTF_8).strip();
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '\\' -> b.append("\\\\");
        default -> {
          if (Character.isISOControl(c)) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }
}
