package io.svcgate.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A location in a JSON document: object keys ({@link String}) and list indexes
 * ({@link Integer}), from some root. Immutable and thread-safe.
 */
public final class Path implements Comparable<Path> {

  /** The empty path: the root itself. */
  public static final Path ROOT = new Path(List.of());

  private static final Pattern IDENT = Pattern.compile("[A-Za-z_@][A-Za-z0-9_@-]*");

  private final List<Object> steps;
  private int hash;

  private Path(List<Object> steps) {
    this.steps = steps;
  }

  /** A path of keys (String) and indexes (Integer); anything else is rejected. */
  public static Path of(Object... steps) {
    return of(Arrays.asList(steps));
  }

  /** A path of keys (String) and indexes (Integer); anything else is rejected. */
  public static Path of(List<?> steps) {
    List<Object> copy = new ArrayList<>(steps.size());
    for (Object s : steps) {
      if (s instanceof String) {
        copy.add(s);
      } else if (s instanceof Integer i) {
        if (i < 0) {
          throw new IllegalArgumentException("negative list index " + i);
        }
        copy.add(i);
      } else {
        throw new IllegalArgumentException("path step is neither a key nor an index: " + s);
      }
    }
    return new Path(List.copyOf(copy));
  }

  /**
   * Reads a path given as a JSON array of strings and non-negative integers.
   *
   * @throws IllegalArgumentException naming the bad element
   */
  public static Path fromJson(JsonNode node) {
    if (node == null || !node.isArray()) {
      throw new IllegalArgumentException("path must be a JSON array");
    }
    List<Object> steps = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      JsonNode s = node.get(i);
      if (s.isTextual()) {
        steps.add(s.textValue());
      } else if (s.isIntegralNumber() && s.canConvertToInt() && s.intValue() >= 0) {
        steps.add(s.intValue());
      } else {
        throw new IllegalArgumentException("path element " + i + " must be a string key or a non-negative integer index, got " + s);
      }
    }
    return new Path(List.copyOf(steps));
  }

  /** The steps, unmodifiable. */
  public List<Object> steps() {
    return steps;
  }

  public int size() {
    return steps.size();
  }

  public boolean isEmpty() {
    return steps.isEmpty();
  }

  public Object get(int i) {
    return steps.get(i);
  }

  /** The last step, or null for the root. */
  public Object last() {
    return steps.isEmpty() ? null : steps.get(steps.size() - 1);
  }

  /** This path without its last step; the root's parent is the root. */
  public Path parent() {
    return steps.isEmpty() ? this : new Path(steps.subList(0, steps.size() - 1));
  }

  public Path child(String key) {
    return append(key);
  }

  public Path child(int index) {
    if (index < 0) {
      throw new IllegalArgumentException("negative list index " + index);
    }
    return append(index);
  }

  /** This path followed by all of {@code other}. */
  public Path concat(Path other) {
    if (other.isEmpty()) {
      return this;
    }
    int n = steps.size();
    Object[] s = new Object[n + other.size()];
    for (int i = 0; i < n; i++) {
      s[i] = steps.get(i);
    }
    for (int i = 0; i < s.length - n; i++) {
      s[n + i] = other.steps.get(i);
    }
    return new Path(List.of(s));
  }

  /** The first {@code n} steps. */
  public Path prefix(int n) {
    return n >= steps.size() ? this : new Path(steps.subList(0, n));
  }

  /** True when {@code prefix} is this path or one of its ancestors. */
  public boolean startsWith(Path prefix) {
    if (prefix.size() > size()) {
      return false;
    }
    for (int i = 0; i < prefix.size(); i++) {
      if (!steps.get(i).equals(prefix.steps.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** How many first steps this path shares with {@code other}, at most {@code max}. */
  public int sharedSteps(Path other, int max) {
    int n = Math.min(max, Math.min(size(), other.size()));
    for (int i = 0; i < n; i++) {
      if (!steps.get(i).equals(other.steps.get(i))) {
        return i;
      }
    }
    return n;
  }

  /** True when one path is a prefix of the other (a change at one can change what is at the other). */
  public boolean overlaps(Path other) {
    return startsWith(other) || other.startsWith(this);
  }

  private Path append(Object step) {
    Object[] s = new Object[steps.size() + 1];
    int i = 0;
    for (Object o : steps) {
      s[i++] = o;
    }
    s[i] = step;
    return new Path(List.of(s));
  }

  /** The path as a JSON array of keys and indexes. */
  public ArrayNode toJson() {
    ArrayNode a = Json.NODES.arrayNode(steps.size());
    for (Object s : steps) {
      if (s instanceof Integer i) {
        a.add(i);
      } else {
        a.add((String) s);
      }
    }
    return a;
  }

  /** The path as an RFC 6901 JSON Pointer ({@code ~0}, {@code ~1} escapes); the root is "". */
  public String toPointer() {
    StringBuilder b = new StringBuilder();
    for (Object s : steps) {
      b.append('/').append(s.toString().replace("~", "~0").replace("/", "~1"));
    }
    return b.toString();
  }

  /**
   * The path in filter syntax (docs/filters.md): identifiers bare and dotted, other keys
   * single-quoted with {@code ''} for a quote, indexes as {@code [n]}. The result
   * parses back to this path.
   */
  public String toFilterSyntax() {
    StringBuilder b = new StringBuilder();
    for (Object s : steps) {
      if (s instanceof Integer i) {
        b.append('[').append(i).append(']');
        continue;
      }
      String k = (String) s;
      if (b.length() > 0) {
        b.append('.');
      }
      if (IDENT.matcher(k).matches()) {
        b.append(k);
      } else {
        b.append('\'').append(k.replace("'", "''")).append('\'');
      }
    }
    return b.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Path p && steps.equals(p.steps);
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = steps.hashCode();
      hash = h;
    }
    return h;
  }

  /** Orders paths step by step; indexes before keys, keys by code point. */
  @Override
  public int compareTo(Path o) {
    int n = Math.min(size(), o.size());
    for (int i = 0; i < n; i++) {
      Object a = steps.get(i);
      Object b = o.steps.get(i);
      int c;
      if (a instanceof Integer ia && b instanceof Integer ib) {
        c = Integer.compare(ia, ib);
      } else if (a instanceof Integer) {
        c = -1;
      } else if (b instanceof Integer) {
        c = 1;
      } else {
        c = ((String) a).compareTo((String) b);
      }
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(size(), o.size());
  }

  /** The JSON array form, for logs. */
  @Override
  public String toString() {
    return Json.compact(toJson());
  }
}
