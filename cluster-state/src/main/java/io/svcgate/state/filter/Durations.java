package io.svcgate.state.filter;

import java.time.Duration;

/**
 * Durations as people write them (docs/filters.md, "Durations"): {@code 1s},
 * {@code 500ms}, {@code 1m30s}, {@code 1m 30s}, {@code 2h}, {@code 1d}, {@code 1w};
 * a bare integer is seconds.
 *
 * <p>Units {@code ms s m h d w}, case-insensitive, combinable in any order and
 * summed (a unit may repeat), spaces allowed between parts and around the whole,
 * not between a number and its unit. Everything else is an error, never a guess.
 */
public final class Durations {

  private static final long MS = 1;
  private static final long S = 1000;
  private static final long M = 60 * S;
  private static final long H = 60 * M;
  private static final long D = 24 * H;
  private static final long W = 7 * D;

  private Durations() {
  }

  /**
   * Parses a duration.
   *
   * @throws DurationSyntaxException saying where and what is wrong
   */
  public static Duration parse(String text) {
    if (text == null) {
      throw new DurationSyntaxException("", 0, "no duration given");
    }
    int n = text.length();
    int i = 0;
    while (i < n && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    int last = n;
    while (last > i && Character.isWhitespace(text.charAt(last - 1))) {
      last--;
    }
    if (i == last) {
      throw new DurationSyntaxException(text, i, "empty duration: expected a number and a unit, such as 30s, 1m30s or 500ms");
    }
    if (allDigits(text, i, last)) {
      return Duration.ofMillis(times(text, i, number(text, i, last), S));
    }
    long total = 0;
    while (i < last) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
        continue;
      }
      if (c == '-' || c == '+') {
        throw new DurationSyntaxException(text, i, "signs are not allowed");
      }
      if (!isDigit(c)) {
        throw new DurationSyntaxException(text, i, "expected a number, got " + PathExpression.describe(c));
      }
      int start = i;
      while (i < last && isDigit(text.charAt(i))) {
        i++;
      }
      long count = number(text, start, i);
      if (i == last || Character.isWhitespace(text.charAt(i))) {
        throw new DurationSyntaxException(text, i, "the number " + text.substring(start, i)
            + " needs a unit right after it (ms, s, m, h, d or w); a bare number means seconds only when it is alone");
      }
      c = text.charAt(i);
      if (c == '.' || c == ',') {
        throw new DurationSyntaxException(text, i, "fractions are not allowed; use a smaller unit, as in 1m30s or 1500ms");
      }
      if (c == '_') {
        throw new DurationSyntaxException(text, i, "underscores are not allowed in numbers");
      }
      int unitStart = i;
      while (i < last && Character.isLetter(text.charAt(i))) {
        i++;
      }
      String unit = text.substring(unitStart, i);
      long factor = switch (unit.toLowerCase(java.util.Locale.ROOT)) {
        case "ms" -> MS;
        case "s" -> S;
        case "m" -> M;
        case "h" -> H;
        case "d" -> D;
        case "w" -> W;
        default -> throw new DurationSyntaxException(text, unitStart, unit.isEmpty()
            ? "expected a unit (ms, s, m, h, d or w) after " + text.substring(start, unitStart) + ", got "
              + PathExpression.describe(c)
            : "unknown unit '" + unit + "': expected ms, s, m, h, d or w");
      };
      try {
        total = Math.addExact(total, times(text, start, count, factor));
      } catch (ArithmeticException e) {
        throw new DurationSyntaxException(text, start, "duration too large");
      }
    }
    return Duration.ofMillis(total);
  }

  /**
   * Prints a duration so that {@link #parse} reads it back: its parts from weeks to
   * milliseconds, zero parts left out ({@code 1m30s}, {@code 500ms}); zero is
   * {@code 0s}. Below a millisecond is dropped.
   *
   * @throws IllegalArgumentException for a negative duration
   */
  public static String format(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("negative duration " + d);
    }
    long ms = d.toMillis();
    if (ms == 0) {
      return "0s";
    }
    StringBuilder b = new StringBuilder();
    long[] factors = {W, D, H, M, S, MS};
    String[] units = {"w", "d", "h", "m", "s", "ms"};
    for (int k = 0; k < factors.length; k++) {
      long q = ms / factors[k];
      if (q > 0) {
        b.append(q).append(units[k]);
        ms -= q * factors[k];
      }
    }
    return b.toString();
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean allDigits(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!isDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static long number(String text, int from, int to) {
    long v = 0;
    for (int i = from; i < to; i++) {
      v = v * 10 + (text.charAt(i) - '0');
      if (v > Long.MAX_VALUE / 10) {
        throw new DurationSyntaxException(text, from, "duration too large");
      }
    }
    return v;
  }

  private static long times(String text, int at, long count, long factor) {
    try {
      return Math.multiplyExact(count, factor);
    } catch (ArithmeticException e) {
      throw new DurationSyntaxException(text, at, "duration too large");
    }
  }
}
