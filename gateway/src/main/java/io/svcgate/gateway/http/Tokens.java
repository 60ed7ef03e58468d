package io.svcgate.gateway.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The configured bearer tokens, kept only as SHA-256 digests with their roles. A
 * presented token is hashed and compared with every stored digest in constant time
 * ({@link MessageDigest#isEqual}), all of them, whatever matches: how long the check
 * takes says nothing about the tokens. Immutable, thread-safe.
 */
public final class Tokens {

  private record Entry(byte[] digest, String role) {
  }

  private final List<Entry> entries;

  private Tokens(List<Entry> entries) {
    this.entries = entries;
  }

  /** The tokens of {@code tokenToRole}, hashed; the map can be dropped afterwards. */
  public static Tokens of(Map<String, String> tokenToRole) {
    List<Entry> out = new ArrayList<>();
    tokenToRole.forEach((t, r) -> out.add(new Entry(sha256(t), r)));
    return new Tokens(List.copyOf(out));
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** The role of {@code presented}, or null when it matches no token. */
  String roleOf(String presented) {
    byte[] d = sha256(presented);
    String role = null;
    for (Entry e : entries) {
      if (MessageDigest.isEqual(d, e.digest) & role == null) {
        role = e.role;
      }
    }
    return role;
  }

  /** A name for the client holding {@code presented} that reveals nothing of it (for per-client limits). */
  static String clientKey(String presented) {
    return "token:" + HexFormat.of().formatHex(sha256(presented), 0, 8);
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }
}
