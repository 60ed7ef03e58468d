package io.svcgate.gateway.hooks;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Splits a command line into words the way a POSIX shell does, and quotes words back.
 *
 * <p>Only the word splitting and quote removal of the shell are done: blanks separate
 * words, {@code '...'} is literal, {@code "..."} is literal except that a backslash
 * escapes {@code $ ` " \} and newline, and outside quotes a backslash makes the next
 * character literal. Nothing is expanded: {@code $HOME}, {@code *}, {@code ~},
 * {@code |}, {@code ;}, {@code >} are ordinary characters. Stateless and thread-safe.
 */
final class CommandLine {

  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

  private CommandLine() {
  }

  /**
   * The words of {@code line}; empty when the line is blank.
   *
   * @throws SyntaxException for an unterminated quote or a trailing backslash
   */
  static List<String> split(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    int i = 0;
    int n = line.length();
    while (i < n) {
      char c = line.charAt(i);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
        i++;
      } else if (c == '\'') {
        int end = line.indexOf('\'', i + 1);
        if (end < 0) {
          throw new SyntaxException("unterminated single quote", i);
        }
        word.append(line, i + 1, end);
        inWord = true;
        i = end + 1;
      } else if (c == '"') {
        int start = i;
        i++;
        while (true) {
          if (i >= n) {
            throw new SyntaxException("unterminated double quote", start);
          }
          char d = line.charAt(i);
          if (d == '"') {
            i++;
            break;
          }
          if (d == '\\' && i + 1 < n && "$`\"\\\n".indexOf(line.charAt(i + 1)) >= 0) {
            if (line.charAt(i + 1) != '\n') {
              word.append(line.charAt(i + 1));
            }
            i += 2;
          } else {
            word.append(d);
            i++;
          }
        }
        inWord = true;
      } else if (c == '\\') {
        if (i + 1 >= n) {
          throw new SyntaxException("a backslash at the end escapes nothing", i);
        }
        char d = line.charAt(i + 1);
        if (d != '\n') {
          word.append(d);
          inWord = true;
        }
        i += 2;
      } else {
        word.append(c);
        inWord = true;
        i++;
      }
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }

  /** One word quoted so that {@link #split} (and a shell) reads it back unchanged. */
  static String quote(String word) {
    if (SAFE.matcher(word).matches()) {
      return word;
    }
    return "'" + word.replace("'", "'\\''") + "'";
  }

  /** The words joined by spaces, each quoted where needed: a line a shell would run as is. */
  static String join(List<String> words) {
    StringBuilder b = new StringBuilder();
    for (String w : words) {
      if (b.length() > 0) {
        b.append(' ');
      }
      b.append(quote(w));
    }
    return b.toString();
  }

  /** A command line a shell would not accept; {@link #index()} is where the problem starts. */
  static final class SyntaxException extends IllegalArgumentException {
    private final String reason;
    private final int index;

    SyntaxException(String reason, int index) {
      super(reason + " at index " + index);
      this.reason = reason;
      this.index = index;
    }

    /** What is wrong, without the position. */
    String reason() {
      return reason;
    }

    /** The 0-based index in the line where the problem starts. */
    int index() {
      return index;
    }
  }
}
