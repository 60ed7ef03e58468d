package io.svcgate.gateway.raw;

import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.gateway.Awaits;
import io.svcgate.gateway.TestGateway;
import io.svcgate.gateway.config.ConfigKey;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The raw port under a mutating fuzzer: valid frames truncated, with bytes flipped,
 * bad base64, wrong padding, no NUL, NULs inside, huge frames, random bytes, valid
 * ciphers around plaintexts that are not requests. Every connection ends (answered or
 * closed) within the read timeout, no answer is ever a 500, the listener keeps serving,
 * and no connection or buffered byte is left behind.
 */
class RawFuzzProperties {

  static final String SECRET = "0123456789abcdef0123456789abcdef";
  static final int MAX_FRAME = 64 * 1024;
  static Path dir;
  static TestGateway gw;
  static RawClient om;

  @BeforeContainer
  static void start() throws Exception {
    dir = Files.createTempDirectory("raw-fuzz");
    gw = TestGateway.start(dir, Map.of(ConfigKey.RAW_PORT, "0", ConfigKey.RAW_HOST, "127.0.0.1",
        ConfigKey.CLUSTER_SECRET, SECRET, ConfigKey.RAW_READ_TIMEOUT, "300ms",
        ConfigKey.RAW_MAX_FRAME, Integer.toString(MAX_FRAME), ConfigKey.RAW_BLACKLIST_THRESHOLD, "1000000000"));
    om = new RawClient(gw.gateway.rawPort(), "test", "n1", RawClient.clusterKey(SECRET));
  }

  @AfterContainer
  static void stop() throws Exception {
    try {
      // still serving, nothing left behind
      assertThat(om.request("daemon_status", "GET", null).getJsonObject("cluster").getString("name")).isEqualTo("test");
      Awaits.until("every fuzzed connection is closed", () -> gw.gateway.metrics().registry()
          .find("svcgate.raw.connections").gauge().value() == 0);
    } finally {
      gw.close();
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** One mutation of a valid request frame. */
  record Mutation(String kind, int position, int value, boolean closeEarly) {
  }

  @Provide
  Arbitrary<Mutation> mutations() {
    return Combinators.combine(
        Arbitraries.of("truncate", "flip", "bad_base64", "repad", "no_nul", "nul_inside", "huge", "random",
            "not_json_plaintext", "not_object_plaintext", "garbage_zlib", "short_iv", "valid"),
        Arbitraries.integers().between(0, 1 << 16), Arbitraries.integers().between(0, 255),
        Arbitraries.of(true, false)).as(Mutation::new);
  }

  @Property(tries = 150, seed = "20261206")
  void theRawPortSurvives(@ForAll("mutations") Mutation m) throws Exception {
    byte[] bytes = mutate(m);
    byte[] reply = send(bytes, m.closeEarly());
    List<byte[]> frames = split(reply);
    for (byte[] f : frames) {
      JsonObject o = RawClient.open(om.key, f);
      if (o != null && o.containsKey("status")) {
        assertThat(o.getValue("status")).as(m + " answered " + o).isNotEqualTo(500);
      }
    }
    if (m.kind().equals("valid")) {
      assertThat(frames).hasSize(1);
      assertThat(RawClient.open(om.key, frames.get(0)).getJsonObject("cluster")).isNotNull();
    }
  }

  byte[] mutate(Mutation m) throws Exception {
    String request = "{\"action\": \"daemon_status\", \"options\": {}, \"method\": \"GET\"}";
    byte[] valid = om.frame(request);
    byte[] env = Arrays.copyOf(valid, valid.length - 1);
    String text = new String(env, StandardCharsets.UTF_8);
    int at = m.position() % Math.max(1, env.length);
    return switch (m.kind()) {
      case "truncate" -> nul(Arrays.copyOf(env, at));
      case "flip" -> {
        byte[] b = env.clone();
        b[at] = (byte) (b[at] ^ (1 + m.value() % 254));
        yield nul(b);
      }
      case "bad_base64" -> nul(text.replace("\"data\": \"", "\"data\": \"*%$").getBytes(StandardCharsets.UTF_8));
      case "repad" -> nul(text.replace("=\"", "\"").replace("\"}", "==\"}").getBytes(StandardCharsets.UTF_8));
      case "no_nul" -> env;
      case "nul_inside" -> {
        byte[] b = env.clone();
        b[at] = 0;
        yield nul(b);
      }
      case "huge" -> {
        byte[] b = new byte[MAX_FRAME + 1 + m.position()];
        Arrays.fill(b, (byte) 'x');
        yield nul(b);
      }
      case "random" -> {
        byte[] b = new byte[at];
        new java.util.Random(m.value()).nextBytes(b);
        yield nul(b);
      }
      case "not_json_plaintext" -> nul(RawClient.envelope("test", "n1", om.key, new byte[16], "not json at all")
          .getBytes(StandardCharsets.UTF_8));
      case "not_object_plaintext" -> nul(RawClient.envelope("test", "n1", om.key, new byte[16], "[1, 2, 3]")
          .getBytes(StandardCharsets.UTF_8));
      case "garbage_zlib" -> {
        byte[] data = RawClient.aes(javax.crypto.Cipher.ENCRYPT_MODE, om.key, new byte[16],
            ("zlib? no" + m.value()).getBytes(StandardCharsets.UTF_8));
        yield nul(("{\"clustername\": \"test\", \"nodename\": \"n1\", \"iv\": \"AAAAAAAAAAAAAAAAAAAAAA==\", \"data\": \""
            + java.util.Base64.getUrlEncoder().encodeToString(data) + "\"}").getBytes(StandardCharsets.UTF_8));
      }
      case "short_iv" -> nul(text.replaceFirst("\"iv\": \"[^\"]*\"", "\"iv\": \"AAAA\"").getBytes(StandardCharsets.UTF_8));
      default -> valid;
    };
  }

  static byte[] nul(byte[] b) {
    return Arrays.copyOf(b, b.length + 1);
  }

  /** Sends, then reads until the server closes (the socket times out after 30 s: a hang fails). */
  static byte[] send(byte[] bytes, boolean closeEarly) throws IOException {
    try (Socket s = om.connect()) {
      try {
        s.getOutputStream().write(bytes);
        if (closeEarly) {
          s.shutdownOutput();
        }
      } catch (SocketException closedByServer) {
        // a huge frame: the gateway closed while it was being written
      }
      InputStream in = s.getInputStream();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try {
        in.transferTo(out);
      } catch (SocketException reset) {
        // closed with our unread bytes pending: a reset is an end too
      }
      return out.toByteArray();
    }
  }

  static List<byte[]> split(byte[] reply) {
    List<byte[]> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < reply.length; i++) {
      if (reply[i] == 0) {
        out.add(Arrays.copyOfRange(reply, start, i));
        start = i + 1;
      }
    }
    return out;
  }
}
