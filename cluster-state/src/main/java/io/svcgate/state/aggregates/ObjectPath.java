package io.svcgate.state.aggregates;

import java.util.Set;

/**
 * An OpenSVC object path split into namespace, kind and name, with OpenSVC v2's
 * naming rules (aggregates.md §2.4, §6).
 *
 * <ul>
 *   <li>{@code ns/kind/name} is namespaced; {@code kind/name} and a bare {@code name}
 *       (kind {@code svc}) are in the root namespace, as is the namespace {@code root};</li>
 *   <li>in the root namespace the name {@code cluster} is kind {@code ccfg} and the name
 *       {@code namespace} is kind {@code nscfg}; {@code ns/} (one trailing slash) is the
 *       namespace configuration {@code nscfg} of {@code ns};</li>
 *   <li>a path with more than two slashes, a {@code ,} or a {@code +}, or the names
 *       {@code node} and {@code auth}, is not an object path: {@link #valid()} is false,
 *       the namespace is null and the kind is null.</li>
 * </ul>
 *
 * @param path      the path as given
 * @param namespace the namespace, null for the root namespace
 * @param kind      the kind ({@code svc}, {@code vol}, {@code cfg}, …), null when not valid
 * @param name      the name
 */
record ObjectPath(String path, String namespace, String kind, String name) {

  /** Kinds whose topology is {@code span}: their aggregate is always {@code {}}. */
  static final Set<String> SPAN_KINDS = Set.of("cfg", "sec", "usr", "ccfg", "nscfg");

  /** Parses a path; never throws, an unparsable path gives {@code valid() == false}. */
  static ObjectPath parse(String path) {
    if (path.endsWith("/") && count(path, '/') == 1) {
      String ns = strip(path);
      return new ObjectPath(path, ns.isEmpty() || ns.equals("root") ? null : ns, "nscfg", "namespace");
    }
    String p = strip(path);
    if (p.equals("node") || p.equals("auth") || p.indexOf(',') >= 0 || p.indexOf('+') >= 0) {
      return invalid(path);
    }
    String ns;
    String kind;
    String name;
    switch (count(p, '/')) {
      case 2 -> {
        int a = p.indexOf('/');
        int b = p.indexOf('/', a + 1);
        ns = p.substring(0, a);
        kind = p.substring(a + 1, b);
        name = p.substring(b + 1);
      }
      case 1 -> {
        int a = p.indexOf('/');
        ns = "root";
        kind = p.substring(0, a);
        name = p.substring(a + 1);
      }
      case 0 -> {
        ns = "root";
        kind = "svc";
        name = p;
      }
      default -> {
        return invalid(path);
      }
    }
    if (ns.equals("root")) {
      ns = null;
      if (name.equals("cluster")) {
        kind = "ccfg";
      } else if (name.equals("namespace")) {
        kind = "nscfg";
      }
    }
    return new ObjectPath(path, ns, kind, name);
  }

  private static ObjectPath invalid(String path) {
    return new ObjectPath(path, null, null, path);
  }

  /** False when the path is not an OpenSVC object path. */
  boolean valid() {
    return kind != null;
  }

  /** True for the kinds that always span all nodes and get an empty aggregate. */
  boolean spanKind() {
    return kind != null && SPAN_KINDS.contains(kind);
  }

  /** True for {@code svc} and {@code vol}, the kinds whose properties come from the reference instance. */
  boolean instanceKind() {
    return "svc".equals(kind) || "vol".equals(kind);
  }

  /**
   * Resolves a child name listed by this object ({@code slaves}, {@code scaler_slaves})
   * in this object's namespace, as OpenSVC does: a name without a namespace takes this
   * object's namespace, then the result is written in its canonical form. A name that is
   * not an object path is returned unchanged.
   */
  String resolve(String child) {
    ObjectPath c = parse(child);
    if (!c.valid()) {
      return child;
    }
    String ns = c.namespace != null ? c.namespace : namespace;
    return format(c.name, ns, c.kind);
  }

  /** OpenSVC's canonical spelling of a path. */
  static String format(String name, String namespace, String kind) {
    if (namespace != null) {
      return "nscfg".equals(kind) ? namespace + "/" : namespace + "/" + kind + "/" + name;
    }
    if (!"svc".equals(kind) && !"ccfg".equals(kind)) {
      return "nscfg".equals(kind) ? "/" : kind + "/" + name;
    }
    return name;
  }

  /**
   * The key under which this object would find its scaler slices: slices are the
   * objects whose {@link #sliceOf(String)} equals it. Null for a path that is not valid.
   */
  SliceKey scalerKey() {
    if (!valid()) {
      return null;
    }
    return new SliceKey(namespace == null ? null : namespace + "/" + kind, name);
  }

  /**
   * The key of the scaler a path would be a slice of, or null when the path does not look
   * like a slice. OpenSVC matches {@code ^<ns>/<kind>/[0-9]+\.<name>$} for a namespaced
   * scaler and {@code ^[0-9]+\.<name>$} (no kind) for a root one, on the raw path string.
   * We do the same, except that a {@code .} in the scaler's name matches only itself.
   */
  static SliceKey sliceOf(String path) {
    int slashes = count(path, '/');
    if (slashes == 0) {
      String rest = afterSlicePrefix(path);
      return rest == null ? null : new SliceKey(null, rest);
    }
    if (slashes == 2) {
      int b = path.lastIndexOf('/');
      String rest = afterSlicePrefix(path.substring(b + 1));
      return rest == null ? null : new SliceKey(path.substring(0, b), rest);
    }
    return null;
  }

  /** The part after a leading {@code <digits>.}, or null without such a prefix. */
  private static String afterSlicePrefix(String s) {
    int i = 0;
    while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      i++;
    }
    if (i == 0 || i + 1 >= s.length() || s.charAt(i) != '.') {
      return null;
    }
    return s.substring(i + 1);
  }

  private static int count(String s, char c) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == c) {
        n++;
      }
    }
    return n;
  }

  private static String strip(String s) {
    int a = 0;
    int b = s.length();
    while (a < b && s.charAt(a) == '/') {
      a++;
    }
    while (b > a && s.charAt(b - 1) == '/') {
      b--;
    }
    return s.substring(a, b);
  }

  /**
   * What links a scaler to its slices.
   *
   * @param namespaceKind {@code <ns>/<kind>} of a namespaced scaler, null for the root namespace
   * @param name          the scaler's name
   */
  record SliceKey(String namespaceKind, String name) {
  }
}
