package io.svcgate.gateway.raw;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.crypto.spec.SecretKeySpec;

/**
 * An AES key made from an OpenSVC secret string (docs/opensvc.md, "Secrets"). The
 * cluster secret is its UTF-8 bytes cut to the first 32; a relay secret is used
 * exactly as written. Either way the key must end up 16, 24 or 32 bytes long
 * (AES-128, -192, -256), as OpenSVC requires: nothing is hashed or padded.
 * Immutable and thread-safe.
 */
public final class RawKey {

  private final SecretKeySpec spec;
  private final int length;

  private RawKey(byte[] key) {
    this.spec = new SecretKeySpec(key, "AES");
    this.length = key.length;
  }

  /**
   * The key of a cluster secret ({@code [cluster] secret}): the first 32 bytes of its UTF-8 form.
   *
   * @throws IllegalArgumentException when that is not 16, 24 or 32 bytes long
   */
  public static RawKey cluster(String secret) {
    byte[] b = bytes(secret);
    return of(b.length > 32 ? Arrays.copyOf(b, 32) : b, "the cluster secret");
  }

  /**
   * The key of a relay secret ({@code [hb#N] secret}), used as written.
   *
   * @throws IllegalArgumentException when it is not 16, 24 or 32 bytes long
   */
  public static RawKey relay(String secret) {
    return of(bytes(secret), "the relay secret");
  }

  private static byte[] bytes(String secret) {
    if (secret == null || secret.isEmpty()) {
      throw new IllegalArgumentException("a secret must not be empty");
    }
    return secret.getBytes(StandardCharsets.UTF_8);
  }

  private static RawKey of(byte[] key, String what) {
    if (key.length != 16 && key.length != 24 && key.length != 32) {
      throw new IllegalArgumentException(what + " makes a key of " + key.length
          + " bytes; OpenSVC needs 16, 24 or 32 (a secret of 32 hex characters, as OpenSVC generates, works)");
    }
    return new RawKey(key);
  }

  SecretKeySpec spec() {
    return spec;
  }

  /** The key length in bytes: 16, 24 or 32. */
  public int length() {
    return length;
  }

  @Override
  public String toString() {
    return "RawKey[AES-" + length * 8 + "]";
  }
}
