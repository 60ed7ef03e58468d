package io.svcgate.state.filter;

import com.fasterxml.jackson.databind.JsonNode;
import io.svcgate.state.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A path of the filter language (docs/filters.md, "Paths"): dotted keys, quoted keys,
 * {@code *}, {@code [n]}, {@code [*]}, {@code ..name}, or a JSON Pointer.
 *
 * <p>Immutable and thread-safe. {@link #select} never fails: what is absent, of
 * another type or out of range simply matches nothing.
 *
 * <p>Accepted forms, beyond the grammar of docs/filters.md: a lone {@code $} selects the
 * root itself; {@code ['key']} and {@code ["key"]} are accepted as bracketed keys.
 * In a JSON Pointer, a segment that reads as a list index ({@code 0} or
 * {@code [1-9][0-9]*}) matches a list element or an object key of that name,
 * {@code *} is a plain key, and {@code ~0}/{@code ~1} are the only escapes.
 */
public final class PathExpression {

  /** The most steps an expression may have. */
  public static final int MAX_STEPS = 63;

  private final String text;
  private final List<Step> steps;
  private final long accept;
  private final Path fixedPrefix;
  private final Path literalPath;

  private PathExpression(String text, List<Step> steps) {
    this.text = text;
    this.steps = Collections.unmodifiableList(steps);
    this.accept = 1L << steps.size();
    List<Object> prefix = new ArrayList<>();
    boolean literal = true;
    for (Step s : steps) {
      if (s instanceof Key k) {
        prefix.add(k.name());
      } else if (s instanceof Index i && i.index() >= 0) {
        prefix.add(i.index());
      } else {
        literal = false;
        break;
      }
    }
    this.fixedPrefix = Path.of(prefix);
    this.literalPath = literal ? fixedPrefix : null;
  }

  /**
   * Parses a path; surrounding whitespace is ignored.
   *
   * @throws FilterSyntaxException naming the position and what was expected
   */
  public static PathExpression parse(String text) {
    return parse(text, 0, text.length());
  }

  /** Parses {@code text[from, to)}; positions in errors are indexes into the whole {@code text}. */
  static PathExpression parse(String text, int from, int to) {
    return new Parser(text, from, to).parse();
  }

  /**
   * The values this path selects in {@code root}, in document order (pre-order,
   * object members in their order, list elements by index), each location once.
   */
  public List<Match> select(JsonNode root) {
    return select(root, FilterBudget.unlimited());
  }

  /**
   * As {@link #select(JsonNode)}, charging one unit of {@code budget} for each value
   * the walk goes through (the values selected and those it passes on the way).
   *
   * @throws FilterBudgetException as soon as the walk would visit more values than the budget has left
   */
  public List<Match> select(JsonNode root, FilterBudget budget) {
    List<Match> out = new ArrayList<>();
    if (root != null && !root.isMissingNode()) {
      walk(root, new ArrayList<>(), 1L, out, budget);
    }
    return out;
  }

  /** True when {@link #select} finds at least one value. */
  public boolean matches(JsonNode root) {
    return !select(root).isEmpty();
  }

  /**
   * The longest leading path of literal steps (keys and non-negative indexes):
   * every value this expression can select lies under it. The root when the
   * expression starts with {@code *}, {@code ..} or a negative index.
   */
  public Path fixedPrefix() {
    return fixedPrefix;
  }

  /** The one location this expression names, when all its steps are literal keys and non-negative indexes. */
  public Optional<Path> literalPath() {
    return Optional.ofNullable(literalPath);
  }

  /** True when every step is a literal key or non-negative index (see {@link #literalPath()}). */
  public boolean isLiteral() {
    return literalPath != null;
  }

  /** True when some step is a negative index (its meaning depends on a list's length). */
  public boolean hasNegativeIndex() {
    for (Step s : steps) {
      if (s instanceof Index i && i.index() < 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * True when a change at {@code changed} may change what this expression selects:
   * some location it can select is {@code changed}, under it or above it.
   * Conservative about lists: an index step is taken to match any index, since a
   * list delete shifts the elements after it and an append moves {@code [-1]}.
   */
  public boolean touchedBy(Path changed) {
    long states = 1L;
    for (int i = 0, n = changed.size(); i < n; i++) {
      if ((states & accept) != 0) {
        return true;
      }
      states = advance(states, changed.get(i), -1, true);
      if (states == 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * True when {@code path} or one of its ancestors is a location this expression
   * selects, judged from the path alone: keys and {@code *} match as in
   * {@link #select}, index steps match that index, {@code ..} spans any depth. A
   * negative index never matches (it needs the list's length).
   */
  public boolean selectsPrefixOf(Path path) {
    long states = 1L;
    for (Object step : path.steps()) {
      if ((states & accept) != 0) {
        return true;
      }
      states = advance(states, step, -1, false);
      if (states == 0) {
        return false;
      }
    }
    return (states & accept) != 0;
  }

  /** The text this expression was parsed from, without surrounding whitespace. */
  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PathExpression p && steps.equals(p.steps);
  }

  @Override
  public int hashCode() {
    return steps.hashCode();
  }

  List<Step> steps() {
    return steps;
  }

  // ---- evaluation: an NFA over the steps, states as a bit set (bit i = "step i comes next")

  private void walk(JsonNode node, List<Object> trail, long states, List<Match> out, FilterBudget budget) {
    budget.charge(1);
    if ((states & accept) != 0) {
      out.add(new Match(Path.of(trail), node));
    }
    long active = states & ~accept;
    if (active == 0 || !node.isContainerNode()) {
      return;
    }
    if (Long.bitCount(active) == 1) {
      int i = Long.numberOfTrailingZeros(active);
      Step st = steps.get(i);
      long next = 1L << (i + 1);
      if (st instanceof Key k) {
        if (node.isObject()) {
          descend(node.get(k.name()), k.name(), trail, next, out, budget);
        }
        return;
      }
      if (st instanceof Index ix) {
        if (node.isArray()) {
          int j = ix.index() < 0 ? node.size() + ix.index() : ix.index();
          if (j >= 0 && j < node.size()) {
            descend(node.get(j), j, trail, next, out, budget);
          }
        }
        return;
      }
      if (st instanceof NumericSegment ns) {
        if (node.isObject()) {
          descend(node.get(ns.key()), ns.key(), trail, next, out, budget);
        } else if (ns.index() < node.size()) {
          descend(node.get(ns.index()), ns.index(), trail, next, out, budget);
        }
        return;
      }
    }
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = node.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        long next = advance(active, e.getKey(), -1, false);
        if (next != 0) {
          descend(e.getValue(), e.getKey(), trail, next, out, budget);
        }
      }
    } else {
      int size = node.size();
      for (int j = 0; j < size; j++) {
        long next = advance(active, j, size, false);
        if (next != 0) {
          descend(node.get(j), j, trail, next, out, budget);
        }
      }
    }
  }

  private void descend(JsonNode child, Object step, List<Object> trail, long states, List<Match> out,
                       FilterBudget budget) {
    if (child == null) {
      return;
    }
    trail.add(step);
    walk(child, trail, states, out, budget);
    trail.remove(trail.size() - 1);
  }

  /**
   * The states after taking {@code step} (a String key or Integer index) from
   * {@code states}. {@code listSize} resolves negative indexes (-1: unknown);
   * {@code anyIndex} lets index steps match every index.
   */
  private long advance(long states, Object step, int listSize, boolean anyIndex) {
    long out = 0;
    long s = states & ~accept;
    while (s != 0) {
      int i = Long.numberOfTrailingZeros(s);
      s &= s - 1;
      Step st = steps.get(i);
      long next = 1L << (i + 1);
      if (st instanceof Descent d) {
        out |= 1L << i;
        if (d.name() == null || d.name().equals(step)) {
          out |= next;
        }
      } else if (st instanceof AnyChild) {
        out |= next;
      } else if (st instanceof Key k) {
        if (k.name().equals(step)) {
          out |= next;
        }
      } else if (st instanceof Index ix) {
        if (step instanceof Integer j) {
          if (anyIndex) {
            out |= next;
          } else if (ix.index() >= 0 ? ix.index() == j : listSize >= 0 && listSize + ix.index() == j) {
            out |= next;
          }
        }
      } else if (st instanceof NumericSegment ns) {
        if (ns.key().equals(step) || step instanceof Integer j && (anyIndex || j == ns.index())) {
          out |= next;
        }
      }
    }
    return out;
  }

  // ---- steps

  sealed interface Step permits Key, Index, NumericSegment, AnyChild, Descent {
  }

  /** An object member by name. */
  record Key(String name) implements Step {

    /** Keys already made, shared by every expression that names them (bounded). */
    private static final ConcurrentHashMap<String, Key> SHARED = new ConcurrentHashMap<>();
    private static final int MAX_SHARED = 16_384;

    /**
     * The key of that name. Thousands of waits name the same few keys
     * ({@code monitor}, {@code nodes}, node names…): one immutable instance each, up to
     * {@link #MAX_SHARED} names, saves their memory.
     */
    static Key of(String name) {
      Key k = SHARED.get(name);
      if (k != null) {
        return k;
      }
      k = new Key(name);
      if (SHARED.size() < MAX_SHARED) {
        Key prev = SHARED.putIfAbsent(name, k);
        return prev != null ? prev : k;
      }
      return k;
    }
  }

  /** A list element; negative counts from the end. */
  record Index(int index) implements Step {
  }

  /** A JSON Pointer segment that reads as an index: the list element or the object member of that name. */
  record NumericSegment(String key, int index) implements Step {
  }

  /** {@code *} or {@code [*]}: every member or element. */
  record AnyChild() implements Step {
  }

  /** {@code ..name} (or {@code ..*} when name is null): matching members at any depth below. */
  record Descent(String name) implements Step {
  }

  // ---- parser

  private static final class Parser {

    private final String s;
    private final int end;
    private int pos;
    private final List<Step> steps = new ArrayList<>();

    Parser(String s, int from, int to) {
      this.s = s;
      while (from < to && Character.isWhitespace(s.charAt(from))) {
        from++;
      }
      while (to > from && Character.isWhitespace(s.charAt(to - 1))) {
        to--;
      }
      this.pos = from;
      this.end = to;
    }

    PathExpression parse() {
      int start = pos;
      if (pos == end) {
        throw error(pos, "expected a path");
      }
      if (peek() == '/') {
        pointer();
      } else {
        dotted();
      }
      return new PathExpression(s.substring(start, end), new ArrayList<>(steps));
    }

    private void dotted() {
      boolean dollar = false;
      if (peek() == '$') {
        dollar = true;
        pos++;
        if (pos == end) {
          return;
        }
      }
      char c = peek();
      if (c == '.') {
        dot(dollar ? "'$.'" : "'.'");
      } else if (c == '[') {
        bracket();
      } else if (dollar) {
        throw unexpected("'.', '[' or the end of the path after '$'");
      } else {
        add(step("a key, a quoted key or '*'", null));
      }
      while (pos < end) {
        c = peek();
        if (c == '.') {
          dot("'.'");
        } else if (c == '[') {
          bracket();
        } else {
          throw unexpected("'.', '[' or the end of the path");
        }
      }
    }

    /** At a '.': a step, or a '..' descent. */
    private void dot(String what) {
      pos++;
      if (pos < end && peek() == '.') {
        pos++;
        if (pos < end && peek() == '.') {
          throw error(pos, "expected a key, a quoted key or '*' after '..', got '.'");
        }
        Step st = step("a key, a quoted key or '*'", "'..'");
        add(new Descent(st instanceof Key k ? k.name() : null));
      } else {
        add(step("a key, a quoted key or '*'", what));
      }
    }

    /** A key, a quoted key or '*'. */
    private Step step(String expected, String after) {
      String suffix = after == null ? "" : " after " + after;
      if (pos == end) {
        throw error(pos, "expected " + expected + suffix);
      }
      char c = peek();
      if (c == '*') {
        pos++;
        return new AnyChild();
      }
      if (c == '\'' || c == '"') {
        return Key.of(quoted());
      }
      if (isIdentStart(c)) {
        int start = pos;
        while (pos < end && isIdentPart(peek())) {
          pos++;
        }
        return Key.of(s.substring(start, pos));
      }
      if (c >= '0' && c <= '9') {
        throw error(pos, "expected " + expected + suffix + ", got '" + c
            + "' (quote a key that starts with a digit, as in '" + c + "…'; a list index is written [" + c + "])");
      }
      if (c == '[') {
        throw error(pos, "expected " + expected + suffix + ", got '[' (write an index as a[0], without a dot)");
      }
      throw error(pos, "expected " + expected + suffix + ", got " + describe(c)
          + " (quote keys holding other characters, as in 'ns1/svc/web')");
    }

    /** At a quote: the key, with the doubled quote as the escape. */
    private String quoted() {
      int start = pos;
      char q = peek();
      pos++;
      StringBuilder b = new StringBuilder();
      while (true) {
        if (pos >= end) {
          throw error(start, "unterminated quoted key: no closing " + q);
        }
        char c = s.charAt(pos);
        if (c == q) {
          if (pos + 1 < end && s.charAt(pos + 1) == q) {
            b.append(q);
            pos += 2;
            continue;
          }
          pos++;
          return b.toString();
        }
        b.append(c);
        pos++;
      }
    }

    /** At a '[': an index, '*' or a quoted key, then ']'. */
    private void bracket() {
      pos++;
      if (pos == end) {
        throw error(pos, "expected an index, '*' or a quoted key after '['");
      }
      char c = peek();
      if (c == '*') {
        pos++;
        closeBracket();
        add(new AnyChild());
      } else if (c == '\'' || c == '"') {
        String k = quoted();
        closeBracket();
        add(Key.of(k));
      } else if (c == '-' || c >= '0' && c <= '9') {
        int start = pos;
        if (c == '-') {
          pos++;
        }
        int digits = pos;
        while (pos < end && peek() >= '0' && peek() <= '9') {
          pos++;
        }
        if (pos == digits) {
          if (pos < end && peek() == ':') {
            throw error(pos, "slices ([start:end]) are not supported");
          }
          throw error(pos, "expected digits after '-'");
        }
        int index;
        try {
          index = Integer.parseInt(s, start, pos, 10);
        } catch (NumberFormatException e) {
          throw error(start, "index out of range: " + s.substring(start, pos));
        }
        closeBracket();
        add(new Index(index));
      } else if (c == ':') {
        throw error(pos, "slices ([start:end]) are not supported");
      } else if (c == '?') {
        throw error(pos, "filter expressions ([?(...)]) are not supported; use a condition instead");
      } else if (c == '(') {
        throw error(pos, "script expressions ([(...)]) are not supported");
      } else {
        throw error(pos, "expected an index, '*' or a quoted key after '[', got " + describe(c));
      }
    }

    private void closeBracket() {
      if (pos < end && peek() == ']') {
        pos++;
        return;
      }
      if (pos < end && peek() == ':') {
        throw error(pos, "slices ([start:end]) are not supported");
      }
      if (pos < end && peek() == ',') {
        throw error(pos, "unions ([a,b]) are not supported");
      }
      throw pos < end ? error(pos, "expected ']', got " + describe(peek())) : error(pos, "expected ']'");
    }

    /** A JSON Pointer (RFC 6901), at its first '/'. */
    private void pointer() {
      while (pos < end) {
        pos++;
        StringBuilder b = new StringBuilder();
        while (pos < end && peek() != '/') {
          char c = peek();
          if (c == '~') {
            char n = pos + 1 < end ? s.charAt(pos + 1) : 0;
            if (n == '0') {
              b.append('~');
            } else if (n == '1') {
              b.append('/');
            } else {
              throw error(pos, "expected 0 or 1 after '~' in a JSON Pointer (~0 stands for '~', ~1 for '/')");
            }
            pos += 2;
          } else {
            b.append(c);
            pos++;
          }
        }
        String seg = b.toString();
        int index = pointerIndex(seg);
        add(index >= 0 ? new NumericSegment(seg, index) : Key.of(seg));
      }
    }

    private static int pointerIndex(String seg) {
      if (seg.isEmpty() || seg.length() > 10 || seg.charAt(0) == '0' && seg.length() > 1) {
        return -1;
      }
      for (int i = 0; i < seg.length(); i++) {
        if (seg.charAt(i) < '0' || seg.charAt(i) > '9') {
          return -1;
        }
      }
      long v = Long.parseLong(seg);
      return v <= Integer.MAX_VALUE ? (int) v : -1;
    }

    private void add(Step st) {
      if (steps.size() >= MAX_STEPS) {
        throw error(pos, "path too long: more than " + MAX_STEPS + " steps");
      }
      steps.add(st);
    }

    private char peek() {
      return s.charAt(pos);
    }

    private FilterSyntaxException unexpected(String expected) {
      char c = peek();
      String hint = "=<>!~".indexOf(c) >= 0
          ? " (a condition has one operator, split at its last occurrence; quote keys that hold operator characters)"
          : "";
      return error(pos, "expected " + expected + ", got " + describe(c) + hint);
    }

    private FilterSyntaxException error(int at, String reason) {
      return new FilterSyntaxException(s, at, reason);
    }
  }

  static boolean isIdentStart(char c) {
    return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_' || c == '@';
  }

  static boolean isIdentPart(char c) {
    return isIdentStart(c) || c >= '0' && c <= '9' || c == '-';
  }

  static String describe(char c) {
    if (Character.isWhitespace(c)) {
      return "a space";
    }
    if (Character.isISOControl(c)) {
      return String.format("U+%04X", (int) c);
    }
    return "'" + c + "'";
  }
}
