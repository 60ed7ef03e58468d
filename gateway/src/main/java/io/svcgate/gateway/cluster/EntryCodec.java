package io.svcgate.gateway.cluster;

import io.svcgate.gateway.state.ApplyReply;
import io.svcgate.state.HeartbeatMessage;
import io.svcgate.state.InvalidMessageException;
import io.svcgate.state.Json;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The bytes of a Raft entry, of the request that proposes it, and of the reply a
 * member gives once it applied it (docs/clustering.md, "The Raft log").
 *
 * <p>A request is {@code [version][type][payload]}; the leader turns it into a log
 * entry {@code [version][type][leader's clock, 8 bytes][payload]} (its time, decided
 * once). Payloads: a heartbeat message as its JSON, a node name in UTF-8, nothing for
 * a tick, {@code member\nurl} for an announcement, and for a batch of heartbeats
 * {@code [count:4]} then {@code [length:4][JSON]} per message. A batch is written in
 * format {@value #BATCH_VERSION} (the others in format 1), so a member of an older
 * svcgate stops at the first batch rather than apply the log differently. Every decode validates all of it:
 * a wrong byte is a {@link CorruptEntryException}, never a half-read command; an
 * entry of a newer format is a {@link NewerEntryException}.
 */
public final class EntryCodec {

  /** The newest format read; the format of a batch entry and of its reply. */
  static final byte VERSION = 2;
  /** The format of every entry but a batch, and of a single reply. */
  static final byte V1 = 1;
  /** The format of a batch entry and of its reply. */
  static final byte BATCH_VERSION = 2;

  static final byte HEARTBEAT = 1;
  static final byte FORGET = 2;
  static final byte ASK_FULL = 3;
  static final byte TICK = 4;
  static final byte ANNOUNCE = 5;
  static final byte BATCH = 6;

  /** The most heartbeat messages one batch entry holds. */
  public static final int MAX_BATCH_MESSAGES = 64;
  /**
   * The most bytes of messages' JSON one batch entry holds; a message alone larger than
   * this goes in its own heartbeat entry.
   */
  public static final int MAX_BATCH_BYTES = 1 << 20;

  /**
   * Bounds of a message decoded from the log: none beyond the fixed JSON ones. The
   * proposing member held it to its own ingest bounds; every member must apply the
   * same entry the same way whatever its own configuration.
   */
  private static final HeartbeatMessage.Limits LOG_LIMITS =
      new HeartbeatMessage.Limits(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE);
  private static final int MAX_NAME_BYTES = 4 * HeartbeatMessage.MAX_NODENAME_LENGTH;
  /** The most nodes one tick marks stale; the leader marks the others with its next tick. */
  public static final int MAX_TICK_NODES = 1000;
  private static final int MAX_TICK_BYTES = MAX_TICK_NODES * (MAX_NAME_BYTES + 1);
  private static final int MAX_URL_BYTES = 2048;

  private EntryCodec() {
  }

  /** A member's HTTP base URL, replicated so that every member lists it (not a state change). */
  public record Announce(String member, String http) {
  }

  /** A decoded log entry: the leader's clock and the command (a {@link Committed.Command} or an {@link Announce}). */
  public record Entry(long leaderMillis, Object command) {
  }

  /** A log entry or request that cannot be read. */
  public static class CorruptEntryException extends Exception {
    CorruptEntryException(String message) {
      super(message);
    }

    CorruptEntryException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** An entry written by a newer svcgate, in a format this one does not know. */
  public static final class NewerEntryException extends CorruptEntryException {
    NewerEntryException(int version) {
      super("the entry is of format " + version + ", newer than this svcgate's (" + VERSION
          + "): upgrade this member to the version of the others");
    }
  }

  /** The request that proposes {@code command} ({@link Committed.Command} or {@link Announce}). */
  public static byte[] request(Object command) {
    byte type;
    byte[] payload;
    if (command instanceof Committed.Heartbeat h) {
      return heartbeatRequest(Json.bytes(h.message().toJson()));
    } else if (command instanceof Committed.Batch b) {
      return batchRequest(b.messages().stream().map(m -> Json.bytes(m.toJson())).toList());
    } else if (command instanceof Committed.Forget f) {
      type = FORGET;
      payload = f.nodename().getBytes(StandardCharsets.UTF_8);
    } else if (command instanceof Committed.AskFull a) {
      type = ASK_FULL;
      payload = a.nodename().getBytes(StandardCharsets.UTF_8);
    } else if (command instanceof Committed.Tick t) {
      type = TICK;
      payload = String.join("\n", t.stale()).getBytes(StandardCharsets.UTF_8);
    } else if (command instanceof Announce a) {
      type = ANNOUNCE;
      payload = (a.member() + "\n" + a.http()).getBytes(StandardCharsets.UTF_8);
    } else {
      throw new IllegalArgumentException("not a Raft command: " + command);
    }
    return frame(V1, type, payload);
  }

  /** The request for one heartbeat message, given as its JSON bytes. */
  public static byte[] heartbeatRequest(byte[] json) {
    return frame(V1, HEARTBEAT, json);
  }

  /**
   * The request for a batch of heartbeat messages, given as their JSON bytes, in order.
   *
   * @throws IllegalArgumentException when it is not 2 to {@link #MAX_BATCH_MESSAGES} messages
   *                                  of at most {@link #MAX_BATCH_BYTES} together
   */
  public static byte[] batchRequest(java.util.List<byte[]> jsons) {
    int bytes = 0;
    for (byte[] j : jsons) {
      bytes += j.length;
    }
    if (jsons.size() < 2 || jsons.size() > MAX_BATCH_MESSAGES || bytes > MAX_BATCH_BYTES) {
      throw new IllegalArgumentException("a batch of " + jsons.size() + " messages, " + bytes + " bytes");
    }
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * jsons.size() + bytes);
    b.putInt(jsons.size());
    for (byte[] j : jsons) {
      b.putInt(j.length).put(j);
    }
    return frame(BATCH_VERSION, BATCH, b.array());
  }

  private static byte[] frame(byte version, byte type, byte[] payload) {
    byte[] b = new byte[2 + payload.length];
    b[0] = version;
    b[1] = type;
    System.arraycopy(payload, 0, b, 2, payload.length);
    return b;
  }

  /**
   * The log entry for a request, with the leader's clock; validates the request first.
   *
   * @throws CorruptEntryException when the request is not one {@link #request} makes
   */
  public static byte[] stamp(byte[] request, long leaderMillis) throws CorruptEntryException {
    if (request.length < 2) {
      throw new CorruptEntryException("request of " + request.length + " bytes: too short");
    }
    checkVersion(request[0], request[1]);
    decodePayload(request[1], Arrays.copyOfRange(request, 2, request.length));
    ByteBuffer b = ByteBuffer.allocate(request.length + 8);
    b.put(request[0]).put(request[1]).putLong(leaderMillis).put(request, 2, request.length - 2);
    return b.array();
  }

  /**
   * Reads a log entry.
   *
   * @throws NewerEntryException   when a newer svcgate wrote it
   * @throws CorruptEntryException when it is not an entry {@link #stamp} makes
   */
  public static Entry decode(byte[] entry) throws CorruptEntryException {
    if (entry.length < 10) {
      throw new CorruptEntryException("entry of " + entry.length + " bytes: too short");
    }
    checkVersion(entry[0], entry[1]);
    long millis = ByteBuffer.wrap(entry, 2, 8).getLong();
    if (millis <= 0) {
      throw new CorruptEntryException("entry with a leader clock of " + millis);
    }
    return new Entry(millis, decodePayload(entry[1], Arrays.copyOfRange(entry, 10, entry.length)));
  }

  /** A batch is of format 2 exactly, every other entry of format 1. */
  private static void checkVersion(byte v, byte type) throws CorruptEntryException {
    checkVersion(v);
    if ((type == BATCH) != (v == BATCH_VERSION)) {
      throw new CorruptEntryException("entry of type " + type + " in format " + v);
    }
  }

  private static void checkVersion(byte v) throws CorruptEntryException {
    if (v > VERSION) {
      throw new NewerEntryException(v);
    }
    if (v < 1) {
      throw new CorruptEntryException("entry of format " + v + ": no such format");
    }
  }

  private static Object decodePayload(byte type, byte[] p) throws CorruptEntryException {
    switch (type) {
      case HEARTBEAT -> {
        try {
          return new Committed.Heartbeat(HeartbeatMessage.parse(p, LOG_LIMITS));
        } catch (InvalidMessageException e) {
          throw new CorruptEntryException("heartbeat entry that is not a valid message: " + e.getMessage(), e);
        }
      }
      case BATCH -> {
        return batch(p);
      }
      case FORGET -> {
        return new Committed.Forget(name(p));
      }
      case ASK_FULL -> {
        return new Committed.AskFull(name(p));
      }
      case TICK -> {
        if (p.length == 0) {
          return new Committed.Tick();
        }
        if (p.length > MAX_TICK_BYTES) {
          throw new CorruptEntryException("tick entry with a payload of " + p.length + " bytes: too long");
        }
        java.util.List<String> stale = new java.util.ArrayList<>();
        for (String n : utf8(p).split("\n", -1)) {
          stale.add(name(n.getBytes(StandardCharsets.UTF_8)));
        }
        return new Committed.Tick(stale);
      }
      case ANNOUNCE -> {
        if (p.length > MAX_URL_BYTES + MAX_NAME_BYTES) {
          throw new CorruptEntryException("announcement of " + p.length + " bytes: too long");
        }
        String s = utf8(p);
        int nl = s.indexOf('\n');
        if (nl <= 0 || nl == s.length() - 1 || s.indexOf('\n', nl + 1) >= 0) {
          throw new CorruptEntryException("announcement that is not member\\nurl");
        }
        return new Announce(s.substring(0, nl), s.substring(nl + 1));
      }
      default -> throw new CorruptEntryException("entry of unknown type " + type);
    }
  }

  private static Committed.Batch batch(byte[] p) throws CorruptEntryException {
    try {
      ByteBuffer b = ByteBuffer.wrap(p);
      int count = b.getInt();
      if (count < 2 || count > MAX_BATCH_MESSAGES) {
        throw new CorruptEntryException("batch entry of " + count + " messages");
      }
      java.util.List<HeartbeatMessage> messages = new java.util.ArrayList<>(count);
      long bytes = 0;
      for (int i = 0; i < count; i++) {
        int n = b.getInt();
        bytes += n;
        if (n <= 0 || n > b.remaining() || bytes > MAX_BATCH_BYTES) {
          throw new CorruptEntryException("batch entry with a message " + i + " of " + n + " bytes");
        }
        try {
          messages.add(HeartbeatMessage.parse(Arrays.copyOfRange(p, b.position(), b.position() + n), LOG_LIMITS));
        } catch (InvalidMessageException e) {
          throw new CorruptEntryException("batch entry whose message " + i + " is not valid: " + e.getMessage(), e);
        }
        b.position(b.position() + n);
      }
      if (b.hasRemaining()) {
        throw new CorruptEntryException("batch entry with " + b.remaining() + " trailing bytes");
      }
      return new Committed.Batch(messages);
    } catch (BufferUnderflowException e) {
      throw new CorruptEntryException("batch entry too short", e);
    }
  }

  private static String name(byte[] p) throws CorruptEntryException {
    if (p.length == 0 || p.length > MAX_NAME_BYTES) {
      throw new CorruptEntryException("node name of " + p.length + " bytes");
    }
    String s = utf8(p);
    if (s.length() > HeartbeatMessage.MAX_NODENAME_LENGTH || s.isBlank()) {
      throw new CorruptEntryException("node name that is blank or too long");
    }
    return s;
  }

  private static String utf8(byte[] p) throws CorruptEntryException {
    try {
      CharBuffer c = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(p));
      return c.toString();
    } catch (CharacterCodingException e) {
      throw new CorruptEntryException("text that is not UTF-8", e);
    }
  }

  // --- replies ------------------------------------------------------------

  /** What a member answers for an applied entry: {@code [version][status:4][id:8][merged:8][nodename][error]}. */
  public static byte[] reply(ApplyReply r) {
    byte[] node = r.nodename() == null ? null : r.nodename().getBytes(StandardCharsets.UTF_8);
    byte[] err = r.error() == null ? null : r.error().getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(1 + 4 + 8 + 8 + 4 + (node == null ? 0 : node.length) + 4
        + (err == null ? 0 : err.length));
    b.put(V1).putInt(r.status()).putLong(r.id()).putLong(r.merged());
    putBytes(b, node);
    putBytes(b, err);
    return b.array();
  }

  /** Reads a reply {@link #reply(ApplyReply)} made. */
  public static ApplyReply reply(byte[] bytes) throws CorruptEntryException {
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      if (b.get() != V1) {
        throw new CorruptEntryException("not a single reply");
      }
      ApplyReply r = reply(b);
      if (b.hasRemaining()) {
        throw new CorruptEntryException("reply with trailing bytes");
      }
      return r;
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw new CorruptEntryException("reply too short", e);
    }
  }

  /** The reply to a batch entry: {@code [2][count:4]} then each reply as {@link #reply(ApplyReply)} without its version. */
  public static byte[] replies(ApplyReply.Batch replies) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(BATCH_VERSION);
    out.writeBytes(ByteBuffer.allocate(4).putInt(replies.replies().size()).array());
    for (ApplyReply r : replies.replies()) {
      byte[] one = reply(r);
      out.write(one, 1, one.length - 1);
    }
    return out.toByteArray();
  }

  /** Reads a reply {@link #replies} made. */
  public static ApplyReply.Batch replies(byte[] bytes) throws CorruptEntryException {
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      if (b.get() != BATCH_VERSION) {
        throw new CorruptEntryException("not the reply to a batch");
      }
      int count = b.getInt();
      if (count < 0 || count > MAX_BATCH_MESSAGES) {
        throw new CorruptEntryException("batch reply of " + count + " replies");
      }
      java.util.List<ApplyReply> rs = new java.util.ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        rs.add(reply(b));
      }
      if (b.hasRemaining()) {
        throw new CorruptEntryException("batch reply with trailing bytes");
      }
      return new ApplyReply.Batch(rs);
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw new CorruptEntryException("batch reply too short", e);
    }
  }

  private static ApplyReply reply(ByteBuffer b) throws CorruptEntryException {
    {
      int status = b.getInt();
      long id = b.getLong();
      long merged = b.getLong();
      String node = getString(b);
      String err = getString(b);
      if (status < 100 || status > 599) {
        throw new CorruptEntryException("reply with status " + status);
      }
      return new ApplyReply(status, id, node, merged, err);
    }
  }

  private static void putBytes(ByteBuffer b, byte[] s) {
    if (s == null) {
      b.putInt(-1);
    } else {
      b.putInt(s.length).put(s);
    }
  }

  private static String getString(ByteBuffer b) throws CorruptEntryException {
    int n = b.getInt();
    if (n == -1) {
      return null;
    }
    if (n < 0 || n > b.remaining()) {
      throw new CorruptEntryException("reply with a string of " + n + " bytes");
    }
    byte[] s = new byte[n];
    b.get(s);
    return utf8(s);
  }
}
