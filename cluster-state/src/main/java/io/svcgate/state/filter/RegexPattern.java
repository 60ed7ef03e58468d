package io.svcgate.state.filter;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * The regular expression of a {@code ~} condition, compiled by RE2/J: matching
 * takes time linear in the text searched (no backtracking, so no pattern can make
 * a search take exponential time), at a cost per character that grows with the
 * size of the expression. docs/filters.md, "Regular expressions".
 *
 * <p>Bounded before it is compiled: at most {@link #MAX_LENGTH} characters, and an
 * estimated size (its characters, classes and groups, with each counted
 * repetition {@code {n,m}} multiplying what it repeats) of at most
 * {@link #MAX_SIZE}: {@code (a{1000}){1000}} is refused instead of compiling a
 * million-state program. Immutable and thread-safe.
 */
final class RegexPattern {

  /** The longest pattern, in characters. */
  static final int MAX_LENGTH = 1_000;
  /** The largest estimated size of a pattern (about the states of its automaton). */
  static final int MAX_SIZE = 10_000;

  private final Pattern pattern;
  private final long costPerChar;

  private RegexPattern(Pattern pattern, long costPerChar) {
    this.pattern = pattern;
    this.costPerChar = costPerChar;
  }

  /**
   * Compiles {@code value}, the text after {@code ~} in {@code condition}, which starts
   * at index {@code at} there.
   *
   * @throws FilterSyntaxException when it is too long, too large or not valid RE2 syntax
   */
  static RegexPattern compile(String condition, String value, int at) {
    if (value.length() > MAX_LENGTH) {
      throw new FilterSyntaxException(condition, at, "regular expression after '~' too long: " + value.length()
          + " characters, at most " + MAX_LENGTH);
    }
    long size = new SizeEstimate(value).total();
    if (size > MAX_SIZE) {
      throw new FilterSyntaxException(condition, at, "regular expression after '~' too large: its repetitions make "
          + "about " + size + " states, at most " + MAX_SIZE + " (repeat less, e.g. {1,50} instead of {1,5000})");
    }
    try {
      return new RegexPattern(Pattern.compile(value), Math.max(1, size));
    } catch (PatternSyntaxException e) {
      int idx = value.indexOf(e.getPattern() == null ? "" : e.getPattern());
      throw new FilterSyntaxException(condition, at + Math.max(0, idx),
          "invalid regular expression after '~': " + e.getDescription()
              + (e.getPattern() == null || e.getPattern().isEmpty() ? "" : " at '" + e.getPattern() + "'")
              + " (RE2 syntax: docs/filters.md)");
    }
  }

  /** True when the pattern matches somewhere in {@code text}, after charging its search to {@code budget}. */
  boolean find(String text, FilterBudget budget) {
    budget.charge(Math.max(1, (long) text.length()) * costPerChar);
    return pattern.matcher(text).find();
  }

  /** What searching one character costs: the estimated size of the pattern. */
  long costPerChar() {
    return costPerChar;
  }

  /**
   * An upper estimate of the size of a pattern's automaton, read from its text:
   * each character, class or escape counts 1, a group its content plus 2, a
   * quantifier 1 more, and a counted repetition multiplies what it repeats by its
   * largest count. Invalid syntax is left to the compiler; the estimate only has to
   * be large when the program would be.
   */
  private static final class SizeEstimate {
    private static final long CAP = 1L << 40;
    private final String s;
    private int pos;

    SizeEstimate(String s) {
      this.s = s;
    }

    long total() {
      long t = 0;
      while (pos < s.length()) {
        t = add(t, alternation());
        if (pos < s.length()) {
          pos++; // an unbalanced ')': the compiler will say so
        }
      }
      return t;
    }

    private long alternation() {
      long t = sequence();
      while (pos < s.length() && s.charAt(pos) == '|') {
        pos++;
        t = add(t, add(sequence(), 1));
      }
      return t;
    }

    private long sequence() {
      long t = 0;
      while (pos < s.length() && s.charAt(pos) != '|' && s.charAt(pos) != ')') {
        t = add(t, quantified(atom()));
      }
      return t;
    }

    private long atom() {
      char c = s.charAt(pos++);
      switch (c) {
        case '(': {
          if (pos < s.length() && s.charAt(pos) == '?') {
            while (pos < s.length() && s.charAt(pos) != ':' && s.charAt(pos) != ')' && s.charAt(pos) != '>') {
              pos++;
            }
            if (pos < s.length() && s.charAt(pos) == ')') {
              pos++;
              return 0; // flags only, as in (?i)
            }
            pos++;
          }
          long inner = alternation();
          if (pos < s.length() && s.charAt(pos) == ')') {
            pos++;
          }
          return add(inner, 2);
        }
        case '[': {
          if (pos < s.length() && s.charAt(pos) == '^') {
            pos++;
          }
          if (pos < s.length() && s.charAt(pos) == ']') {
            pos++;
          }
          while (pos < s.length() && s.charAt(pos) != ']') {
            if (s.charAt(pos) == '\\') {
              pos++;
            } else if (s.startsWith("[:", pos)) {
              int end = s.indexOf(":]", pos + 2);
              pos = end < 0 ? pos : end + 1;
            }
            pos++;
          }
          pos++;
          return 1;
        }
        case '\\': {
          if (pos >= s.length()) {
            return 1;
          }
          char e = s.charAt(pos++);
          if (e == 'Q') {
            int end = s.indexOf("\\E", pos);
            int stop = end < 0 ? s.length() : end;
            long literal = stop - pos;
            pos = end < 0 ? s.length() : end + 2;
            return Math.max(1, literal);
          }
          if ((e == 'p' || e == 'P' || e == 'x') && pos < s.length() && s.charAt(pos) == '{') {
            int end = s.indexOf('}', pos);
            pos = end < 0 ? s.length() : end + 1;
          } else if (e == 'p' || e == 'P') {
            pos = Math.min(s.length(), pos + 1);
          }
          return 1;
        }
        default:
          return 1;
      }
    }

    private long quantified(long atom) {
      long t = atom;
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c == '*' || c == '+' || c == '?') {
          pos++;
          t = add(t, 1);
        } else if (c == '{') {
          long count = repeatCount();
          if (count < 0) {
            return t; // a literal '{', read as the next atom
          }
          t = add(mul(t, Math.max(1, count)), 1);
        } else {
          return t;
        }
        if (pos < s.length() && s.charAt(pos) == '?') {
          pos++; // non-greedy
        }
      }
      return t;
    }

    /** At a '{': the largest count of {n}, {n,} (n+1) or {n,m}, consumed; -1 (nothing consumed) when it is no repetition. */
    private long repeatCount() {
      int p = pos + 1;
      long n = 0;
      int digits = 0;
      while (p < s.length() && Character.isDigit(s.charAt(p)) && digits < 12) {
        n = n * 10 + (s.charAt(p++) - '0');
        digits++;
      }
      if (digits == 0 || p >= s.length()) {
        return -1;
      }
      long max = n;
      if (s.charAt(p) == ',') {
        p++;
        long m = 0;
        int mDigits = 0;
        while (p < s.length() && Character.isDigit(s.charAt(p)) && mDigits < 12) {
          m = m * 10 + (s.charAt(p++) - '0');
          mDigits++;
        }
        max = mDigits == 0 ? n + 1 : Math.max(n, m);
      }
      if (p >= s.length() || s.charAt(p) != '}') {
        return -1;
      }
      pos = p + 1;
      return max;
    }

    private static long add(long a, long b) {
      return Math.min(CAP, a + b);
    }

    private static long mul(long a, long b) {
      return a >= CAP / Math.max(1, b) ? CAP : a * b;
    }
  }
}
