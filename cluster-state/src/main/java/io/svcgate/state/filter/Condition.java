package io.svcgate.state.filter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.svcgate.state.Json;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A condition of the filter language (docs/filters.md, "Conditions"):
 * {@code ["!"] path [op value]} with op one of {@code >= <= != = > < ~ " in "}.
 *
 * <p>Immutable and thread-safe. Evaluation never fails: a value that cannot be
 * converted to a match's type does not match it, no match makes the condition
 * false (true with {@code !}).
 */
public final class Condition {

  /** The operators, in the order they are looked for. */
  private static final List<String> OPERATORS = List.of(">=", "<=", "!=", "=", ">", "<", "~", " in ");

  private static final Pattern NUMBER = Pattern.compile("[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");
  private static final Set<String> TRUE = Set.of("yes", "y", "true", "t", "1");
  private static final Set<String> FALSE = Set.of("no", "n", "false", "f", "0", "0.0", "", "none", "[]", "{}");

  /** Compares numbers by value (so {@code 0} equals {@code 0.0}), anything else with equals. */
  private static final Comparator<JsonNode> NUMERIC_EQUALITY = (a, b) -> {
    if (a.isNumber() && b.isNumber()) {
      BigDecimal x = decimal(a);
      BigDecimal y = decimal(b);
      return x != null && y != null && x.compareTo(y) == 0 ? 0 : 1;
    }
    return a.equals(b) ? 0 : 1;
  };

  private final String text;
  private final boolean negated;
  private final PathExpression path;
  private final String op;
  private final String value;
  private final Operand operand;
  private final List<Operand> members;
  private final RegexPattern pattern;

  private Condition(String text, boolean negated, PathExpression path, String op, String value,
                    Operand operand, List<Operand> members, RegexPattern pattern) {
    this.text = text;
    this.negated = negated;
    this.path = path;
    this.op = op;
    this.value = value;
    this.operand = operand;
    this.members = members;
    this.pattern = pattern;
  }

  /**
   * Parses a condition.
   *
   * @throws FilterSyntaxException naming the position (0-based, in {@code text}) and what was expected
   */
  public static Condition parse(String text) {
    int n = text.length();
    int start = 0;
    while (start < n && Character.isWhitespace(text.charAt(start))) {
      start++;
    }
    boolean negated = false;
    if (start < n && text.charAt(start) == '!') {
      negated = true;
      start++;
    } else {
      start = 0;
    }
    int p = start;
    while (p < n && Character.isWhitespace(text.charAt(p))) {
      p++;
    }
    boolean pointer = p < n && text.charAt(p) == '/';
    boolean[] quoted = pointer ? new boolean[n] : quotedKeys(text, p);
    String op = null;
    int at = -1;
    for (String candidate : OPERATORS) {
      at = "~".equals(candidate) && pointer ? lastOperatorTilde(text, start) : lastOperator(text, candidate, start, quoted);
      if (at >= start) {
        op = candidate;
        break;
      }
    }
    if (op == null) {
      PathExpression path = PathExpression.parse(text, start, n);
      return new Condition(text, negated, path, null, "", null, List.of(), null);
    }
    if (blank(text, start, at)) {
      throw new FilterSyntaxException(text, p, "expected a path before '" + op.trim() + "'");
    }
    PathExpression path = PathExpression.parse(text, start, at);
    int vs = at + op.length();
    int ve = n;
    while (vs < ve && Character.isWhitespace(text.charAt(vs))) {
      vs++;
    }
    while (ve > vs && Character.isWhitespace(text.charAt(ve - 1))) {
      ve--;
    }
    String value = text.substring(vs, ve);
    switch (op) {
      case "~": {
        return new Condition(text, negated, path, op, value, null, List.of(), RegexPattern.compile(text, value, vs));
      }
      case " in ":
        return new Condition(text, negated, path, op, value, null, members(text, value, vs), null);
      default:
        return new Condition(text, negated, path, op, value, Operand.of(value), List.of(), null);
    }
  }

  /**
   * The rightmost occurrence of {@code op} at or after {@code start} that is not
   * inside a quoted key; -1 when none. Skipping quoted occurrences only turns
   * what would be an "unterminated quoted key" error into the evident meaning.
   */
  private static int lastOperator(String text, String op, int start, boolean[] quoted) {
    int at = text.lastIndexOf(op);
    while (at >= start && quoted[at]) {
      at = text.lastIndexOf(op, at - 1);
    }
    return at;
  }

  /**
   * Which characters lie inside a quoted key of the path that starts at
   * {@code from}: a quote opens one where a step may start (at the start, after
   * '.' or '['), and the same quote closes it unless doubled.
   */
  private static boolean[] quotedKeys(String text, int from) {
    boolean[] quoted = new boolean[text.length()];
    char q = 0;
    for (int i = from; i < text.length(); i++) {
      char c = text.charAt(i);
      if (q != 0) {
        quoted[i] = true;
        if (c == q) {
          if (i + 1 < text.length() && text.charAt(i + 1) == q) {
            quoted[++i] = true;
          } else {
            q = 0;
          }
        }
      } else if ((c == '\'' || c == '"') && (i == from || text.charAt(i - 1) == '.' || text.charAt(i - 1) == '[')) {
        q = c;
        quoted[i] = true;
      }
    }
    return quoted;
  }

  /** The rightmost '~' not starting a JSON Pointer escape ({@code ~0}, {@code ~1}). */
  private static int lastOperatorTilde(String text, int start) {
    for (int i = text.length() - 1; i >= start; i--) {
      if (text.charAt(i) == '~') {
        char next = i + 1 < text.length() ? text.charAt(i + 1) : 0;
        if (next != '0' && next != '1') {
          return i;
        }
      }
    }
    return -1;
  }

  private static List<Operand> members(String text, String value, int at) {
    List<Operand> out = new ArrayList<>();
    if (value.startsWith("[")) {
      JsonNode list;
      try {
        list = Json.parse(value);
      } catch (JsonProcessingException e) {
        throw new FilterSyntaxException(text, at, "expected a JSON list after ' in ' (a value starting with '[' is read as JSON): "
            + e.getOriginalMessage());
      }
      if (!list.isArray()) {
        throw new FilterSyntaxException(text, at, "expected a JSON list after ' in '");
      }
      for (JsonNode m : list) {
        out.add(Operand.of(m.isTextual() ? m.textValue() : Json.compact(m)));
      }
    } else {
      for (String m : value.split(",", -1)) {
        out.add(Operand.of(m.strip()));
      }
    }
    return List.copyOf(out);
  }

  private static boolean blank(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!Character.isWhitespace(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** True when the condition holds on {@code root} (see docs/filters.md), whatever it costs. */
  public boolean test(JsonNode root) {
    return test(root, FilterBudget.unlimited());
  }

  /**
   * True when the condition holds on {@code root}, spending at most what
   * {@code budget} has left (see {@link FilterBudget}).
   *
   * @throws FilterBudgetException when it would cost more
   */
  public boolean test(JsonNode root, FilterBudget budget) {
    boolean any = false;
    for (Match m : path.select(root, budget)) {
      if (holds(m.value(), budget)) {
        any = true;
        break;
      }
    }
    return any != negated;
  }

  /**
   * The matches of the path that satisfy the operator (the truthy ones when there
   * is none), in document order. The negation {@code !} is not applied here: a
   * negated condition holds when this list is empty.
   */
  public List<Match> matches(JsonNode root) {
    return matches(root, FilterBudget.unlimited());
  }

  /**
   * As {@link #matches(JsonNode)}, spending at most what {@code budget} has left.
   *
   * @throws FilterBudgetException when it would cost more
   */
  public List<Match> matches(JsonNode root, FilterBudget budget) {
    List<Match> out = new ArrayList<>();
    for (Match m : path.select(root, budget)) {
      if (holds(m.value(), budget)) {
        out.add(m);
      }
    }
    return out;
  }

  /** The path the condition reads. */
  public PathExpression path() {
    return path;
  }

  /** The paths the condition reads: its one path (a list, so that callers can treat several conditions alike). */
  public List<PathExpression> paths() {
    return List.of(path);
  }

  /** True for a leading {@code !}. */
  public boolean negated() {
    return negated;
  }

  /** The operator ({@code ">="}, …, {@code "~"}, {@code "in"}); empty for a truthiness test. */
  public Optional<String> operator() {
    return Optional.ofNullable(op).map(String::trim);
  }

  /** The value after the operator, trimmed; empty without an operator. */
  public String value() {
    return value;
  }

  /** The text the condition was parsed from. */
  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Condition c && text.equals(c.text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  // ---- evaluation of one match

  private boolean holds(JsonNode v, FilterBudget budget) {
    if (op == null) {
      return truthy(v);
    }
    switch (op) {
      case "=":
        return isEqual(v, operand);
      case "!=":
        return !isEqual(v, operand);
      case "~":
        return pattern.find(v.isTextual() ? v.textValue() : compactWithin(v, budget), budget);
      case " in ":
        for (Operand m : members) {
          if (isEqual(v, m)) {
            return true;
          }
        }
        return false;
      default:
        Integer c = compare(v, operand);
        if (c == null) {
          return false;
        }
        switch (op) {
          case ">=":
            return c >= 0;
          case "<=":
            return c <= 0;
          case ">":
            return c > 0;
          default:
            return c < 0;
        }
    }
  }

  /**
   * The compact JSON of {@code v}, one unit of {@code budget} per character written:
   * the writing stops as soon as the budget is spent, so a match on a large object
   * costs no more than the budget allows.
   */
  private static String compactWithin(JsonNode v, FilterBudget budget) {
    if (!v.isContainerNode()) {
      String s = Json.compact(v);
      budget.charge(s.length());
      return s;
    }
    StringWriter out = new StringWriter() {
      @Override
      public void write(int c) {
        budget.charge(1);
        super.write(c);
      }

      @Override
      public void write(char[] buf, int off, int len) {
        budget.charge(len);
        super.write(buf, off, len);
      }

      @Override
      public void write(String str, int off, int len) {
        budget.charge(len);
        super.write(str, off, len);
      }
    };
    try {
      Json.MAPPER.writeValue(out, v);
    } catch (java.io.IOException | RuntimeException e) {
      // Jackson wraps what the writer throws: the budget running out is the usual cause
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof FilterBudgetException spent) {
          throw spent;
        }
      }
      throw new IllegalStateException("writing JSON to memory failed", e);
    }
    return out.toString();
  }

  /** Truthiness as docs/filters.md says: not 0, "", [], {}, null, false. */
  static boolean truthy(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return false;
    }
    if (v.isNumber()) {
      BigDecimal d = decimal(v);
      return d == null || d.signum() != 0;
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isTextual()) {
      return !v.textValue().isEmpty();
    }
    if (v.isContainerNode()) {
      return v.size() > 0;
    }
    return true;
  }

  private static boolean isEqual(JsonNode v, Operand o) {
    if (v.isNumber()) {
      BigDecimal d = decimal(v);
      return d != null && o.number != null && d.compareTo(o.number) == 0;
    }
    if (v.isBoolean()) {
      return o.bool != null && v.booleanValue() == o.bool;
    }
    if (v.isTextual()) {
      return v.textValue().equals(o.text);
    }
    if (v.isNull()) {
      return o.isNull;
    }
    if (v.isContainerNode()) {
      return o.json != null && v.equals(NUMERIC_EQUALITY, o.json);
    }
    return false;
  }

  /** Sign of (match - value) after conversion; null when they do not compare. */
  private static Integer compare(JsonNode v, Operand o) {
    if (v.isNumber()) {
      BigDecimal d = decimal(v);
      return d != null && o.number != null ? d.compareTo(o.number) : null;
    }
    if (v.isBoolean()) {
      return o.bool != null ? Boolean.compare(v.booleanValue(), o.bool) : null;
    }
    if (v.isTextual()) {
      return compareCodePoints(v.textValue(), o.text);
    }
    return null;
  }

  static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Boolean.compare(i < a.length(), j < b.length());
  }

  /** The exact value of a number node; null for a non-finite double. */
  static BigDecimal decimal(JsonNode v) {
    if ((v.isDouble() || v.isFloat()) && !Double.isFinite(v.doubleValue())) {
      return null;
    }
    return v.decimalValue();
  }

  /** A value converted, once, to each type a match may have; null where it does not convert. */
  private static final class Operand {
    final String text;
    final BigDecimal number;
    final Boolean bool;
    final boolean isNull;
    final JsonNode json;

    private Operand(String text, BigDecimal number, Boolean bool, boolean isNull, JsonNode json) {
      this.text = text;
      this.number = number;
      this.bool = bool;
      this.isNull = isNull;
      this.json = json;
    }

    static Operand of(String text) {
      BigDecimal number = null;
      if (NUMBER.matcher(text).matches()) {
        try {
          number = new BigDecimal(text);
        } catch (NumberFormatException | ArithmeticException e) {
          number = null;
        }
      }
      String lower = text.toLowerCase(Locale.ROOT);
      Boolean bool = TRUE.contains(lower) ? Boolean.TRUE : FALSE.contains(lower) ? Boolean.FALSE : null;
      boolean isNull = "null".equals(lower) || "none".equals(lower);
      JsonNode json = null;
      if (text.startsWith("{") || text.startsWith("[")) {
        try {
          json = Json.parse(text);
        } catch (JsonProcessingException e) {
          json = null;
        }
      }
      return new Operand(text, number, bool, isNull, json);
    }
  }
}
