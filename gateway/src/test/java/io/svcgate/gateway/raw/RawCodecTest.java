package io.svcgate.gateway.raw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The framing and cipher of the raw protocol, against OpenSVC's known-answer vector (docs/opensvc.md). */
class RawCodecTest {

  static final String SECRET = "0123456789abcdef0123456789abcdef";
  static final byte[] IV = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f");
  static final String PLAIN = "{\"action\": \"daemon_status\", \"options\": {}, \"method\": \"GET\"}";
  static final String ZLIB = "789cab564a4c2ec9cccf53b252504a494ccdcdcf8b2f2e492c292d56d25150ca2f00491503e5aa6b81dcdcd"
      + "4928cfc14904a77d710a55a005b80134d";
  static final String DATA = "DtRJkTEFkDyjQiROudaV9LPO42N59dIknVE2KSMxcESBMDbYld9fKmUu8DYQ8sOy0jdva2tcspMXmB6Fr3Lvvg==";

  @Test
  void knownAnswerVectorByteForByte() throws Exception {
    byte[] plain = PLAIN.getBytes(StandardCharsets.UTF_8);
    assertThat(HexFormat.of().formatHex(RawCodec.deflate(plain))).isEqualTo(ZLIB);
    RawKey key = RawKey.cluster(SECRET);
    assertThat(key.length()).isEqualTo(32);
    assertThat(Base64.getUrlEncoder().encodeToString(IV)).isEqualTo("AAECAwQFBgcICQoLDA0ODw==");
    assertThat(Base64.getUrlEncoder().encodeToString(RawCodec.encrypt(key, IV, plain))).isEqualTo(DATA);
    // the test client, written apart from the codec, makes the same bytes
    String env = RawClient.envelope("demo", "n1", RawClient.clusterKey(SECRET), IV, PLAIN);
    assertThat(env).contains("\"data\": \"" + DATA + "\"");
  }

  @Test
  void decryptsTheVectorAndRoundTrips() throws Exception {
    String env = "{\"clustername\": \"demo\", \"nodename\": \"n1\", \"iv\": \"AAECAwQFBgcICQoLDA0ODw==\", \"data\": \""
        + DATA + "\"}";
    RawCodec.Envelope e = RawCodec.parseEnvelope((env + "\0").getBytes(StandardCharsets.UTF_8));
    assertThat(e.clustername()).isEqualTo("demo");
    assertThat(e.nodename()).isEqualTo("n1");
    JsonNode p = RawCodec.decryptJson(RawKey.cluster(SECRET), e, 1 << 20);
    assertThat(p.path("action").asText()).isEqualTo("daemon_status");
    assertThat(p.path("method").asText()).isEqualTo("GET");

    byte[] frame = RawCodec.frame("demo", "gw", RawKey.cluster(SECRET), "{\"status\":0}".getBytes(StandardCharsets.UTF_8));
    assertThat(frame[frame.length - 1]).isZero();
    assertThat(RawClient.decryptReply(frame, RawClient.clusterKey(SECRET)).getInteger("status")).isZero();
  }

  @Test
  void keysFollowOpenSvc() {
    // the cluster secret is cut to 32 bytes; the relay secret is used as written
    assertThat(RawKey.cluster(SECRET + "tail-that-is-ignored").length()).isEqualTo(32);
    assertThat(RawKey.cluster("0123456789abcdef").length()).isEqualTo(16);
    assertThat(RawKey.relay("0123456789abcdef01234567").length()).isEqualTo(24);
    assertThatThrownBy(() -> RawKey.relay("123123123124325543565")).hasMessageContaining("21 bytes");
    assertThatThrownBy(() -> RawKey.relay(SECRET + "x")).hasMessageContaining("33 bytes");
    assertThatThrownBy(() -> RawKey.cluster("short")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aWrongKeyIsADecryptFailureNeverACrash() throws Exception {
    byte[] env = RawCodec.envelope("demo", "n1", RawKey.cluster(SECRET), IV, PLAIN.getBytes(StandardCharsets.UTF_8));
    RawCodec.Envelope e = RawCodec.parseEnvelope(env);
    for (String other : new String[] {"fedcba9876543210fedcba9876543210", "0123456789abcdef", "0123456789abcdef01234567"}) {
      assertThatThrownBy(() -> RawCodec.decryptJson(RawKey.cluster(other), e, 1 << 20))
          .isInstanceOfSatisfying(RawException.class, x -> assertThat(x.reason()).isEqualTo(RawException.DECRYPT));
    }
  }

  @Test
  void badEnvelopesAreBadFrames() {
    for (String bad : new String[] {"", "nope", "[]", "{}", "{\"clustername\": \"demo\"}",
        "{\"clustername\": \"demo\", \"nodename\": null, \"iv\": \"AAECAwQFBgcICQoLDA0ODw==\", \"data\": \"" + DATA + "\"}",
        "{\"clustername\": \"demo\", \"nodename\": \"n1\", \"iv\": \"AAEC\", \"data\": \"" + DATA + "\"}",
        "{\"clustername\": \"demo\", \"nodename\": \"n1\", \"iv\": \"AAECAwQFBgcICQoLDA0ODw==\", \"data\": \"!!!\"}",
        "{\"clustername\": \"demo\", \"nodename\": \"n1\", \"iv\": \"AAECAwQFBgcICQoLDA0ODw==\", \"data\": \"AAEC\"}"}) {
      assertThatThrownBy(() -> RawCodec.parseEnvelope(bad.getBytes(StandardCharsets.UTF_8))).as(bad)
          .isInstanceOfSatisfying(RawException.class, x -> assertThat(x.reason()).isEqualTo(RawException.BAD_FRAME));
    }
  }

  @Test
  void inflatingIsBounded() throws Exception {
    byte[] big = new byte[1 << 20];
    java.util.Arrays.fill(big, (byte) ' ');
    big[0] = '"';
    big[big.length - 1] = '"';
    byte[] env = RawCodec.envelope("demo", "n1", RawKey.cluster(SECRET), IV, big);
    assertThat(env.length).isLessThan(10_000);
    RawCodec.Envelope e = RawCodec.parseEnvelope(env);
    assertThatThrownBy(() -> RawCodec.decrypt(RawKey.cluster(SECRET), e, 64 * 1024))
        .isInstanceOfSatisfying(RawException.class, x -> assertThat(x.reason()).isEqualTo(RawException.TOO_LARGE));
    assertThat(RawCodec.decrypt(RawKey.cluster(SECRET), e, 2 << 20)).hasSize(big.length);
  }

  @Test
  void framerCutsAtTheFirstNulAndIsBounded() throws Exception {
    NulFramer f = new NulFramer(10);
    assertThat(f.feed(Buffer.buffer("abc"))).isNull();
    assertThat(f.buffered()).isEqualTo(3);
    assertThat(new String(f.feed(Buffer.buffer("de\0after")), StandardCharsets.UTF_8)).isEqualTo("abcde");
    assertThat(f.done()).isTrue();
    assertThat(f.feed(Buffer.buffer("more\0"))).isNull();
    assertThat(f.buffered()).isZero();

    NulFramer g = new NulFramer(10);
    assertThat(g.feed(Buffer.buffer("0123456789"))).isNull();
    assertThatThrownBy(() -> g.feed(Buffer.buffer("x")))
        .isInstanceOfSatisfying(RawException.class, x -> assertThat(x.reason()).isEqualTo(RawException.TOO_LARGE));
    assertThat(new NulFramer(10).feed(Buffer.buffer("0123456789\0"))).hasSize(10);
    assertThatThrownBy(() -> new NulFramer(10).feed(Buffer.buffer("0123456789x\0")))
        .isInstanceOf(RawException.class);
  }
}
