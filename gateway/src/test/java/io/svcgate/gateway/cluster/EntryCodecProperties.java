package io.svcgate.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.svcgate.gateway.TestGateway;
import io.svcgate.gateway.state.ApplyReply;
import io.svcgate.state.HeartbeatMessage;
import io.vertx.core.json.JsonObject;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/**
 * The Raft entry codec: what it writes reads back the same, and no damaged entry is
 * ever read as a command (it is a {@link EntryCodec.CorruptEntryException}, never
 * another exception: a corrupt entry must not stop a member unannounced).
 */
class EntryCodecProperties {

  private static HeartbeatMessage message(String node, int n) {
    return HeartbeatMessage.parse(TestGateway.event(node, "e" + n, new JsonObject().put("n", n).put("s", "é\u2603"))
        .toBuffer().getBytes());
  }

  private static byte[] entry(Object command, long millis) {
    try {
      return EntryCodec.stamp(EntryCodec.request(command), millis);
    } catch (EntryCodec.CorruptEntryException e) {
      throw new AssertionError(e);
    }
  }

  @Provide
  Arbitrary<Object> commands() {
    Arbitrary<String> names = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(40);
    return Arbitraries.oneOf(
        names.map(n -> new Committed.Heartbeat(message(n, n.length()))),
        names.map(Committed.Forget::new),
        names.map(Committed.AskFull::new),
        Arbitraries.just(new Committed.Tick()),
        names.list().ofMinSize(1).ofMaxSize(20).map(Committed.Tick::new),
        names.list().ofMinSize(2).ofMaxSize(EntryCodec.MAX_BATCH_MESSAGES).map(ns -> new Committed.Batch(
            java.util.stream.IntStream.range(0, ns.size()).mapToObj(i -> message(ns.get(i), i)).toList())),
        names.map(n -> new EntryCodec.Announce("127.0.0.1:" + (1000 + n.length()), "http://" + n + ":1215")));
  }

  @Property(tries = 300, seed = "20261206", shrinking = ShrinkingMode.BOUNDED)
  void whatIsWrittenReadsBackTheSame(@ForAll("commands") Object command, @ForAll @LongRange(min = 1) long millis)
      throws Exception {
    EntryCodec.Entry e = EntryCodec.decode(EntryCodec.stamp(EntryCodec.request(command), millis));
    assertThat(e.leaderMillis()).isEqualTo(millis);
    assertThat(e.command()).isEqualTo(command);
  }

  @Property(tries = 1000, seed = "20261206", shrinking = ShrinkingMode.BOUNDED)
  void aDamagedEntryIsCorruptNeverAnythingElse(@ForAll("commands") Object command, @ForAll @IntRange(min = 0, max = 200) int at,
                                               @ForAll byte value, @ForAll @IntRange(min = 0, max = 3) int how) {
    byte[] entry = entry(command, 1_800_000_000_000L);
    byte[] damaged;
    switch (how) {
      case 0 -> { // one byte changed
        damaged = entry.clone();
        damaged[at % damaged.length] = value;
      }
      case 1 -> damaged = java.util.Arrays.copyOf(entry, at % entry.length); // cut short
      case 2 -> { // a byte inserted
        int i = at % entry.length;
        damaged = new byte[entry.length + 1];
        System.arraycopy(entry, 0, damaged, 0, i);
        damaged[i] = value;
        System.arraycopy(entry, i, damaged, i + 1, entry.length - i);
      }
      default -> damaged = new byte[at % 64]; // zeros
    }
    try {
      EntryCodec.decode(damaged);
    } catch (EntryCodec.CorruptEntryException expected) {
      return;
    }
    // some damage still reads as a valid entry (a changed letter in a name): that is a command, whole
  }

  @Test
  void anEntryOfANewerFormatIsSaidSo() throws Exception {
    byte[] entry = EntryCodec.stamp(EntryCodec.request(new Committed.Tick()), 1L);
    entry[0] = EntryCodec.VERSION + 1;
    assertThatThrownBy(() -> EntryCodec.decode(entry)).isInstanceOf(EntryCodec.NewerEntryException.class)
        .hasMessageContaining("newer");
  }

  @Test
  void aRequestThatIsNotAMessageIsRefusedBeforeItIsLogged() {
    byte[] req = EntryCodec.request(new Committed.Forget("n1"));
    byte[] bad = java.util.Arrays.copyOf(req, req.length);
    bad[1] = EntryCodec.HEARTBEAT;
    assertThatThrownBy(() -> EntryCodec.stamp(bad, 1L)).isInstanceOf(EntryCodec.CorruptEntryException.class)
        .hasMessageContaining("heartbeat");
  }

  @Property(tries = 200, seed = "20261206")
  void repliesReadBackTheSame(@ForAll @IntRange(min = 100, max = 599) int status, @ForAll @LongRange(min = 0) long id,
                              @ForAll @LongRange(min = -1) long merged, @ForAll("maybe") String node,
                              @ForAll("maybe") String error) throws Exception {
    ApplyReply r = new ApplyReply(status, id, node, merged, error);
    assertThat(EntryCodec.reply(EntryCodec.reply(r))).isEqualTo(r);
  }

  private static Committed.Batch batch(int size) {
    return new Committed.Batch(java.util.stream.IntStream.range(0, size).mapToObj(i -> message("n" + i, i)).toList());
  }

  @Property(tries = 300, seed = "20261206", shrinking = ShrinkingMode.BOUNDED)
  void aBatchCutShortAnywhereIsCorrupt(@ForAll @IntRange(min = 2, max = 12) int size, @ForAll @IntRange(min = 0) int at) {
    byte[] entry = entry(batch(size), 1_800_000_000_000L);
    byte[] cut = java.util.Arrays.copyOf(entry, at % entry.length);
    assertThatThrownBy(() -> EntryCodec.decode(cut)).isInstanceOf(EntryCodec.CorruptEntryException.class);
  }

  @Test
  void aBatchIsValidatedWhole() throws Exception {
    byte[] ok = EntryCodec.heartbeatRequest(io.svcgate.state.Json.bytes(message("a", 1).toJson()));
    byte[] json = java.util.Arrays.copyOfRange(ok, 2, ok.length);
    byte[] notAMessage = "{\"nodename\":\"b\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] req = EntryCodec.batchRequest(java.util.List.of(json, notAMessage, json));
    assertThatThrownBy(() -> EntryCodec.stamp(req, 1L)).isInstanceOf(EntryCodec.CorruptEntryException.class)
        .hasMessageContaining("message 1");
    // a batch in the format of the other entries is refused, and so is a heartbeat in the batch's
    byte[] batch = EntryCodec.request(batch(3));
    batch[0] = EntryCodec.V1;
    assertThatThrownBy(() -> EntryCodec.stamp(batch, 1L)).isInstanceOf(EntryCodec.CorruptEntryException.class);
    byte[] hb = ok.clone();
    hb[0] = EntryCodec.BATCH_VERSION;
    assertThatThrownBy(() -> EntryCodec.stamp(hb, 1L)).isInstanceOf(EntryCodec.CorruptEntryException.class);
    // bounded: more than the most messages, or fewer than two, is no batch
    byte[] one = EntryCodec.request(batch(2));
    java.nio.ByteBuffer.wrap(one, 2, 4).putInt(1);
    assertThatThrownBy(() -> EntryCodec.stamp(one, 1L)).isInstanceOf(EntryCodec.CorruptEntryException.class);
    assertThatThrownBy(() -> EntryCodec.request(batch(EntryCodec.MAX_BATCH_MESSAGES + 1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(EntryCodec.decode(EntryCodec.stamp(EntryCodec.request(batch(EntryCodec.MAX_BATCH_MESSAGES)), 1L))
        .command()).isEqualTo(batch(EntryCodec.MAX_BATCH_MESSAGES));
  }

  @Property(tries = 100, seed = "20261206")
  void batchRepliesReadBackTheSame(@ForAll @IntRange(min = 0, max = EntryCodec.MAX_BATCH_MESSAGES) int size,
                                   @ForAll("maybe") String error) throws Exception {
    ApplyReply.Batch b = new ApplyReply.Batch(java.util.stream.IntStream.range(0, size)
        .mapToObj(i -> new ApplyReply(i % 2 == 0 ? 202 : 409, i, "n" + i, i - 1, i % 2 == 0 ? null : error)).toList());
    byte[] bytes = EntryCodec.replies(b);
    assertThat(EntryCodec.replies(bytes)).isEqualTo(b);
    assertThatThrownBy(() -> EntryCodec.replies(java.util.Arrays.copyOf(bytes, bytes.length - 1)))
        .isInstanceOf(EntryCodec.CorruptEntryException.class);
    assertThatThrownBy(() -> EntryCodec.reply(bytes)).isInstanceOf(EntryCodec.CorruptEntryException.class);
  }

  @Provide
  Arbitrary<String> maybe() {
    return Arbitraries.strings().ofMaxLength(30).injectNull(0.3);
  }
}
