package io.svcgate.gateway.raw;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.svcgate.state.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;

/**
 * The message format of OpenSVC's raw listener (docs/opensvc.md, "The wire"): an
 * <em>envelope</em> JSON object {@code {"clustername", "nodename", "iv", "data"}} whose
 * {@code data} is the payload JSON, zlib-compressed, padded (PKCS#7) and encrypted with
 * AES-CBC under the 16-byte {@code iv}; both in URL-safe base64 with padding. On a
 * connection an envelope is followed by one NUL byte (a <em>frame</em>); inside relay
 * messages the same envelope travels as a JSON string.
 *
 * <p>Stateless and thread-safe. Decoding never trusts its input: every failure is a
 * {@link RawException} with a reason, and inflating stops at {@code maxPlain} bytes, so
 * a small frame cannot expand into an unbounded one.
 */
public final class RawCodec {

  /** The NUL byte that ends a frame. */
  public static final byte NUL = 0;
  /** The length of an AES-CBC initialisation vector. */
  public static final int IV_LENGTH = 16;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder();

  /**
   * A decoded envelope, still encrypted.
   *
   * @param clustername the sender's cluster name as sent (or {@code join})
   * @param nodename    the sender's node name
   * @param iv          the initialisation vector, 16 bytes
   * @param data        the ciphertext, a whole number of 16-byte blocks
   */
  public record Envelope(String clustername, String nodename, byte[] iv, byte[] data) {
  }

  private RawCodec() {
  }

  /** A fresh random IV. */
  public static byte[] randomIv() {
    byte[] iv = new byte[IV_LENGTH];
    RANDOM.nextBytes(iv);
    return iv;
  }

  /** The payload compressed with zlib (default level) and encrypted with AES-CBC/PKCS#7 under {@code iv}. */
  public static byte[] encrypt(RawKey key, byte[] iv, byte[] plaintext) {
    byte[] compressed = deflate(plaintext);
    try {
      Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
      c.init(Cipher.ENCRYPT_MODE, key.spec(), new IvParameterSpec(iv));
      return c.doFinal(compressed);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/CBC is not available in this JVM: " + e.getMessage(), e);
    }
  }

  /** The envelope JSON (no NUL) carrying {@code payload} encrypted under {@code iv}. */
  public static byte[] envelope(String clustername, String nodename, RawKey key, byte[] iv, byte[] payload) {
    ObjectNode o = Json.NODES.objectNode();
    o.put("clustername", clustername);
    o.put("nodename", nodename);
    o.put("iv", B64.encodeToString(iv));
    o.put("data", B64.encodeToString(encrypt(key, iv, payload)));
    return Json.bytes(o);
  }

  /** One frame: the envelope of {@code payload} under a fresh IV, then NUL. */
  public static byte[] frame(String clustername, String nodename, RawKey key, byte[] payload) {
    byte[] env = envelope(clustername, nodename, key, randomIv(), payload);
    byte[] out = new byte[env.length + 1];
    System.arraycopy(env, 0, out, 0, env.length);
    out[env.length] = NUL;
    return out;
  }

  /**
   * Parses an envelope (trailing NULs ignored).
   *
   * @throws RawException {@link RawException#BAD_FRAME} when the bytes are not an
   *                      envelope with string {@code clustername}, {@code nodename},
   *                      {@code iv} (16 bytes) and {@code data} (whole AES blocks)
   */
  public static Envelope parseEnvelope(byte[] bytes) throws RawException {
    int end = bytes.length;
    while (end > 0 && bytes[end - 1] == NUL) {
      end--;
    }
    JsonNode n;
    try {
      n = Json.MAPPER.readTree(bytes, 0, end);
    } catch (IOException | RuntimeException e) {
      throw new RawException(RawException.BAD_FRAME, "the envelope is not JSON: " + brief(e));
    }
    return envelopeOf(n);
  }

  /** An envelope given as a JSON string (the form inside relay messages). */
  public static Envelope parseEnvelope(String json) throws RawException {
    return parseEnvelope(json.getBytes(StandardCharsets.UTF_8));
  }

  private static Envelope envelopeOf(JsonNode n) throws RawException {
    if (n == null || !n.isObject()) {
      throw new RawException(RawException.BAD_FRAME, "the envelope is not a JSON object");
    }
    String cluster = text(n, "clustername");
    String node = text(n, "nodename");
    byte[] iv = base64(text(n, "iv"), "iv");
    byte[] data = base64(text(n, "data"), "data");
    if (iv.length != IV_LENGTH) {
      throw new RawException(RawException.BAD_FRAME, "iv is " + iv.length + " bytes, not " + IV_LENGTH);
    }
    if (data.length == 0 || data.length % 16 != 0) {
      throw new RawException(RawException.BAD_FRAME, "data is " + data.length + " bytes, not whole AES blocks");
    }
    return new Envelope(cluster, node, iv, data);
  }

  private static String text(JsonNode n, String field) throws RawException {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new RawException(RawException.BAD_FRAME, "the envelope has no string '" + field + "'");
    }
    return v.textValue();
  }

  private static byte[] base64(String s, String field) throws RawException {
    try {
      return Base64.getUrlDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      try {
        // what OpenSVC's own decoder also takes: the standard alphabet
        return Base64.getDecoder().decode(s);
      } catch (IllegalArgumentException e2) {
        throw new RawException(RawException.BAD_FRAME, field + " is not base64: " + e.getMessage());
      }
    }
  }

  /**
   * The plaintext of an envelope: AES-CBC decrypted, unpadded, inflated.
   *
   * @param maxPlain the most bytes the payload may inflate to
   * @throws RawException {@link RawException#DECRYPT} when the key does not fit (bad
   *                      padding, not a zlib stream, a bad checksum), {@link RawException#TOO_LARGE}
   *                      past {@code maxPlain}
   */
  public static byte[] decrypt(RawKey key, Envelope env, int maxPlain) throws RawException {
    byte[] compressed;
    try {
      Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
      c.init(Cipher.DECRYPT_MODE, key.spec(), new IvParameterSpec(env.iv()));
      compressed = c.doFinal(env.data());
    } catch (GeneralSecurityException e) {
      throw new RawException(RawException.DECRYPT, "does not decrypt with the secret (" + e.getClass().getSimpleName() + ")");
    }
    return inflate(compressed, maxPlain);
  }

  /**
   * The decrypted payload as JSON.
   *
   * @throws RawException as {@link #decrypt}, and {@link RawException#BAD_REQUEST} when the
   *                      plaintext is not JSON (a wrong key does not get that far: its padding
   *                      or its zlib stream fails first)
   */
  public static JsonNode decryptJson(RawKey key, Envelope env, int maxPlain) throws RawException {
    byte[] plain = decrypt(key, env, maxPlain);
    try {
      return Json.parse(plain);
    } catch (IOException | RuntimeException e) {
      throw new RawException(RawException.BAD_REQUEST, "the decrypted payload is not JSON: " + brief(e));
    }
  }

  static byte[] deflate(byte[] in) {
    Deflater d = new Deflater();
    try {
      d.setInput(in);
      d.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, in.length / 2));
      byte[] buf = new byte[8192];
      while (!d.finished()) {
        out.write(buf, 0, d.deflate(buf));
      }
      return out.toByteArray();
    } finally {
      d.end();
    }
  }

  static byte[] inflate(byte[] in, int max) throws RawException {
    Inflater inf = new Inflater();
    try {
      inf.setInput(in);
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(max, Math.max(256, in.length * 4)));
      byte[] buf = new byte[8192];
      while (!inf.finished()) {
        int n = inf.inflate(buf);
        if (n == 0 && (inf.needsInput() || inf.needsDictionary())) {
          throw new RawException(RawException.DECRYPT, "the decrypted bytes are not a whole zlib stream");
        }
        if (out.size() + n > max) {
          throw new RawException(RawException.TOO_LARGE, "the payload inflates to more than " + max + " bytes");
        }
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      throw new RawException(RawException.DECRYPT, "the decrypted bytes are not zlib (" + e.getMessage() + ")");
    } finally {
      inf.end();
    }
  }

  private static String brief(Exception e) {
    String m = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    if (m == null) {
      return e.getClass().getSimpleName();
    }
    return m.length() > 200 ? m.substring(0, 200) + "…" : m;
  }
}
