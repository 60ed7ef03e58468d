package io.svcgate.gateway.raw;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * An OpenSVC raw-protocol client written for the tests from the protocol's description
 * (docs/opensvc.md), independently of the gateway's codec: it checks the gateway
 * rather than agreeing with it. Blocking sockets; for the JUnit thread only.
 */
final class RawClient {

  private static final SecureRandom RANDOM = new SecureRandom();

  final int port;
  final String clustername;
  final String nodename;
  final byte[] key;

  RawClient(int port, String clustername, String nodename, byte[] key) {
    this.port = port;
    this.clustername = clustername;
    this.nodename = nodename;
    this.key = key;
  }

  /** The key of a cluster secret: its UTF-8 bytes, at most the first 32. */
  static byte[] clusterKey(String secret) {
    byte[] b = secret.getBytes(StandardCharsets.UTF_8);
    return b.length > 32 ? Arrays.copyOf(b, 32) : b;
  }

  RawClient as(String clustername, String nodename, byte[] key) {
    return new RawClient(port, clustername, nodename, key);
  }

  // --- the cipher ------------------------------------------------------------

  static byte[] zlib(byte[] in) {
    Deflater d = new Deflater();
    d.setInput(in);
    d.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    while (!d.finished()) {
      out.write(buf, 0, d.deflate(buf));
    }
    d.end();
    return out.toByteArray();
  }

  static byte[] aes(int mode, byte[] key, byte[] iv, byte[] in) throws Exception {
    Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
    c.init(mode, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
    return c.doFinal(in);
  }

  /** The envelope JSON of {@code payload}, as OpenSVC writes it (Python's separators). */
  static String envelope(String clustername, String nodename, byte[] key, byte[] iv, String payload) throws Exception {
    byte[] data = aes(Cipher.ENCRYPT_MODE, key, iv, zlib(payload.getBytes(StandardCharsets.UTF_8)));
    Base64.Encoder b64 = Base64.getUrlEncoder();
    return "{\"clustername\": \"" + clustername + "\", \"nodename\": \"" + nodename + "\", \"iv\": \""
        + b64.encodeToString(iv) + "\", \"data\": \"" + b64.encodeToString(data) + "\"}";
  }

  String envelope(String payload) throws Exception {
    byte[] iv = new byte[16];
    RANDOM.nextBytes(iv);
    return envelope(clustername, nodename, key, iv, payload);
  }

  /** The decrypted payload of one envelope, or null when it does not decrypt with {@code key}. */
  static JsonObject open(byte[] key, byte[] envelope) {
    try {
      JsonObject env = new JsonObject(new String(envelope, StandardCharsets.UTF_8));
      byte[] iv = Base64.getUrlDecoder().decode(env.getString("iv"));
      byte[] data = Base64.getUrlDecoder().decode(env.getString("data"));
      Inflater inf = new Inflater();
      inf.setInput(aes(Cipher.DECRYPT_MODE, key, iv, data));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[4096];
      while (!inf.finished()) {
        int n = inf.inflate(buf);
        if (n == 0 && inf.needsInput()) {
          return null;
        }
        out.write(buf, 0, n);
      }
      inf.end();
      JsonObject o = new JsonObject(out.toString(StandardCharsets.UTF_8));
      o.put("_envelope", env.copy().put("data", (String) null));
      return o;
    } catch (Exception e) {
      return null;
    }
  }

  // --- the wire ----------------------------------------------------------------

  /** One request: its frame, then everything until the server closes; returns the raw reply bytes. */
  byte[] exchange(byte[] frame) throws IOException {
    try (Socket s = connect()) {
      s.getOutputStream().write(frame);
      s.getOutputStream().flush();
      return s.getInputStream().readAllBytes();
    }
  }

  Socket connect() throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
    s.setSoTimeout(30_000);
    return s;
  }

  /** The frame of {@code payload}: envelope then NUL. */
  byte[] frame(String payload) throws Exception {
    byte[] env = envelope(payload).getBytes(StandardCharsets.UTF_8);
    byte[] f = Arrays.copyOf(env, env.length + 1);
    return f;
  }

  /** Sends {@code payload}, reads the reply frame and decrypts it with this client's key. */
  JsonObject request(String payload) throws Exception {
    return decryptReply(exchange(frame(payload)), key);
  }

  JsonObject request(String action, String method, JsonObject options) throws Exception {
    JsonObject r = new JsonObject().put("action", action).put("method", method);
    if (options != null) {
      r.put("options", options);
    }
    return request(r.encode());
  }

  /** The first frame of a reply, decrypted with {@code key}; fails when the reply is not exactly one frame. */
  static JsonObject decryptReply(byte[] reply, byte[] key) {
    if (reply.length == 0 || reply[reply.length - 1] != 0) {
      throw new AssertionError("the reply is not one frame ended by NUL: " + reply.length + " bytes");
    }
    for (int i = 0; i < reply.length - 1; i++) {
      if (reply[i] == 0) {
        throw new AssertionError("the reply holds more than one frame");
      }
    }
    return open(key, Arrays.copyOf(reply, reply.length - 1));
  }

  /** An {@code events} stream: frames read one at a time. */
  final class Stream implements AutoCloseable {
    final Socket socket;
    final InputStream in;

    Stream(Socket socket) throws IOException {
      this.socket = socket;
      this.in = socket.getInputStream();
    }

    /** The next frame's bytes (without NUL), or null at end of stream. */
    byte[] nextFrame() throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      while (true) {
        int c = in.read();
        if (c < 0) {
          return null;
        }
        if (c == 0) {
          return b.toByteArray();
        }
        b.write(c);
      }
    }

    /** The next message, decrypted. */
    JsonObject next() throws IOException {
      byte[] f = nextFrame();
      if (f == null) {
        throw new AssertionError("the server ended the events stream");
      }
      JsonObject o = open(key, f);
      if (o == null) {
        throw new AssertionError("an events frame does not decrypt: " + new String(f, StandardCharsets.UTF_8));
      }
      return o;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  Stream events(boolean full) throws Exception {
    Socket s = connect();
    s.getOutputStream().write(frame(new JsonObject().put("action", "events").put("method", "GET")
        .put("options", new JsonObject().put("selector", (String) null).put("namespace", (String) null)
            .put("full", full)).encode()));
    s.getOutputStream().flush();
    return new Stream(s);
  }
}
