package io.svcgate.gateway.log;

/**
 * Makes text that came from outside (a node name, an error message quoting a
 * client's input, an event id) safe to put in one log line: control characters
 * are written as escapes ({@code \n}, {@code \r}, {@code \t}, {@code \u001b}…),
 * so a client cannot start a forged line, move the cursor or color a terminal,
 * and the text is cut at {@link #MAX_LENGTH} characters (docs/security.md, "Log
 * lines from outside"). Escaping is idempotent: escaped text has no control
 * character left. Thread-safe, stateless.
 */
public final class LogText {

  /** The most characters of one piece of outside text a log line shows. */
  public static final int MAX_LENGTH = 2_000;

  private LogText() {
  }

  /** {@code text} escaped and cut at {@link #MAX_LENGTH}; "null" for null. */
  public static String escape(Object text) {
    return escape(text, MAX_LENGTH);
  }

  /** {@code text} escaped and cut at {@code max} characters; "null" for null. */
  public static String escape(Object text, int max) {
    String s = String.valueOf(text);
    int n = s.length();
    int i = 0;
    while (i < n && !needsEscape(s.charAt(i))) {
      i++;
    }
    if (i == n && n <= max) {
      return s;
    }
    StringBuilder b = new StringBuilder(Math.min(n, max) + 16);
    i = Math.min(i, max);
    b.append(s, 0, i);
    for (; i < n && b.length() < max; i++) {
      char c = s.charAt(i);
      if (!needsEscape(c)) {
        b.append(c);
        continue;
      }
      switch (c) {
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> b.append(String.format("\\u%04x", (int) c));
      }
    }
    if (i < n) {
      b.append("…(").append(n - i).append(" more characters)");
    }
    return b.toString();
  }

  /**
   * C0 and C1 controls, DEL, and the Unicode line and paragraph separators
   * (some log viewers break lines at them).
   */
  static boolean needsEscape(char c) {
    return Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
  }
}
