package io.svcgate.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.svcgate.state.Path;
import io.svcgate.state.Stanza;
import io.svcgate.state.filter.Values;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How the client commands show things to people (docs/cli.md): event
 * envelopes as a header line and one line per change, times in local time,
 * values on one line, freeze times.
 */
final class HumanFormat {

  /** The time of an event header, local time to the microsecond. */
  static final DateTimeFormatter EVENT_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS", Locale.ROOT);
  /** Times in tables, local time to the second. */
  static final DateTimeFormatter TABLE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

  private static final List<String> FIRST_EVENT_KEYS = List.of("id", "reason", "path");

  private final ZoneId zone;

  HumanFormat(ZoneId zone) {
    this.zone = zone;
  }

  /**
   * One stream message as lines (each ending with a newline): a header
   * {@code <ts> <nodename> <kind>}, then for a patch one line per stanza
   * ({@code <path> => <value>} or {@code <path> deleted}), for an event
   * {@code KEY=value} per data member ({@code ID}, {@code REASON}, {@code PATH}
   * first), for the initial {@code full} one line per leaf of the document.
   *
   * @param receivedAt the time shown for a message without {@code ts} (the initial full)
   */
  String render(JsonNode envelope, Instant receivedAt) {
    StringBuilder b = new StringBuilder();
    String kind = envelope.path("kind").asText("");
    JsonNode data = envelope.path("data");
    String nodename = envelope.path("nodename").isTextual() ? envelope.get("nodename").textValue()
        : data.path("gateway").path("nodename").isTextual() ? data.get("gateway").get("nodename").textValue() : "-";
    JsonNode ts = envelope.path("ts");
    String time = ts.isNumber() ? eventTime(ts.decimalValue()) : EVENT_TIME.format(LocalDateTime.ofInstant(receivedAt, zone));
    b.append(time).append(' ').append(nodename).append(' ').append(kind).append('\n');
    switch (kind) {
      case "patch" -> {
        for (JsonNode s : data) {
          Stanza st = Stanza.fromJson(s);
          b.append("  ").append(path(st.path()));
          if (st.isDelete()) {
            b.append(" deleted\n");
          } else {
            b.append(" => ").append(inline(st.value())).append('\n');
          }
        }
      }
      case "event" -> {
        for (String k : FIRST_EVENT_KEYS) {
          if (data.has(k)) {
            b.append("  ").append(key(k)).append('=').append(inline(data.get(k))).append('\n');
          }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = data.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          if (!FIRST_EVENT_KEYS.contains(e.getKey())) {
            b.append("  ").append(key(e.getKey())).append('=').append(inline(e.getValue())).append('\n');
          }
        }
      }
      case "full" -> {
        List<String> lines = new ArrayList<>();
        leaves(data, Path.ROOT, lines);
        lines.forEach(l -> b.append("  ").append(l).append('\n'));
      }
      default -> {
        if (!data.isMissingNode()) {
          b.append("  ").append(CliJson.compact(data)).append('\n');
        }
      }
    }
    return b.toString();
  }

  /** Epoch seconds as the event header shows them. */
  String eventTime(BigDecimal epochSeconds) {
    return EVENT_TIME.format(LocalDateTime.ofInstant(instant(epochSeconds), zone));
  }

  /** Epoch seconds as tables show them. */
  String tableTime(BigDecimal epochSeconds) {
    return TABLE_TIME.format(LocalDateTime.ofInstant(instant(epochSeconds), zone));
  }

  /**
   * A {@code frozen} value for tables: {@code no} when 0, {@code since <time>} for
   * a freeze time, {@code -} when absent, anything else as is.
   */
  String frozen(JsonNode frozen) {
    if (frozen == null || frozen.isMissingNode() || frozen.isNull()) {
      return "-";
    }
    if (frozen.isNumber()) {
      BigDecimal d = frozen.decimalValue();
      return d.signum() == 0 ? "no" : d.signum() > 0 ? "since " + tableTime(d) : inline(frozen);
    }
    if (frozen.isBoolean()) {
      return frozen.booleanValue() ? "yes" : "no";
    }
    return inline(frozen);
  }

  private static Instant instant(BigDecimal epochSeconds) {
    long micros = epochSeconds.movePointRight(6).setScale(0, RoundingMode.HALF_UP).longValue();
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
  }

  /** A path in filter syntax, so that it can be pasted into {@code --filter}; the root is {@code $}. */
  static String path(Path p) {
    return p.isEmpty() ? "$" : p.toFilterSyntax();
  }

  /**
   * A value on one line: a string as is (JSON-quoted when empty or holding control
   * characters, so a line stays a line), a number in plain decimal notation,
   * {@code true}/{@code false}/{@code null}, an object or list as compact JSON.
   */
  static String inline(JsonNode v) {
    if (v == null || v.isMissingNode()) {
      return "null";
    }
    if (v.isTextual()) {
      String s = v.textValue();
      return s.isEmpty() || s.chars().anyMatch(c -> c < 0x20 || c == 0x7f) ? CliJson.compact(TextNode.valueOf(s)) : s;
    }
    if (v.isContainerNode()) {
      return CliJson.compact(v);
    }
    return Values.plain(v);
  }

  /** An event data key as shown: upper case, characters other than letters, digits and {@code _} as {@code _}. */
  static String key(String k) {
    StringBuilder b = new StringBuilder(k.length());
    k.toUpperCase(Locale.ROOT).codePoints().forEach(c ->
        b.appendCodePoint(c < 128 && (Character.isLetterOrDigit(c) || c == '_') ? c : '_'));
    return b.toString();
  }

  private static void leaves(JsonNode n, Path at, List<String> out) {
    if (n.isObject() && n.size() > 0) {
      n.fields().forEachRemaining(e -> leaves(e.getValue(), at.child(e.getKey()), out));
    } else if (n.isArray() && n.size() > 0) {
      for (int i = 0; i < n.size(); i++) {
        leaves(n.get(i), at.child(i), out);
      }
    } else {
      out.add(path(at) + " => " + inline(n));
    }
  }
}
