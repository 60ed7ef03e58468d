package io.svcgate.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * RFC 6902 JSON Patch, in and out (docs/model.md §3).
 *
 * <p>In: {@link #parse} validates an operation list; {@link #apply} applies it to
 * a copy of a document with the full RFC 6902 semantics ({@code add},
 * {@code remove}, {@code replace}, {@code move}, {@code copy}, {@code test}),
 * all or nothing: the input is never modified. The state turns the result into
 * stanzas with {@link Diff}.
 *
 * <p>Out: {@link #toJsonPatch} turns stanzas into operations: a delete becomes
 * {@code remove}, a set becomes {@code add} when it created an object member or
 * appended to a list and {@code replace} when it replaced a value; paths are
 * JSON Pointers (RFC 6901). Which of the two a set was is known from the op hints
 * the state records in the events it makes ({@link Event#opHints()}); for an event
 * without hints (read back from bytes) a set of an object member becomes
 * {@code add} (which, in RFC 6902, also replaces an existing member, so it is
 * always right) and a set of a list index becomes {@code replace} (right for a
 * replaced item; for an append a consumer gets an error rather than a silently
 * wrong list).
 *
 * <p>Stateless and thread-safe.
 */
public final class Rfc6902 {

  /** An RFC 6902 operation name. */
  public enum OpKind {
    ADD("add"), REMOVE("remove"), REPLACE("replace"), MOVE("move"), COPY("copy"), TEST("test");

    private final String name;

    OpKind(String name) {
      this.name = name;
    }

    /** The name as written in JSON, e.g. {@code add}. */
    public String jsonName() {
      return name;
    }

    static OpKind of(String s) {
      for (OpKind k : values()) {
        if (k.name.equals(s)) {
          return k;
        }
      }
      return null;
    }
  }

  /**
   * One validated operation.
   *
   * @param kind  the operation
   * @param path  the target, RFC 6901 pointer as written
   * @param from  the source of {@code move} and {@code copy}; null otherwise
   * @param value the value of {@code add}, {@code replace} and {@code test}; null
   *              otherwise (a JSON null is a {@code NullNode}); never mutated
   */
  public record Op(OpKind kind, String path, String from, JsonNode value) {

    public Op {
      Objects.requireNonNull(kind, "kind");
      pointer(Objects.requireNonNull(path, "path"));
      if ((kind == OpKind.MOVE || kind == OpKind.COPY) != (from != null)) {
        throw new IllegalArgumentException(kind.jsonName() + (from == null ? " needs" : " takes no") + " from");
      }
      if (from != null) {
        pointer(from);
      }
      boolean needsValue = kind == OpKind.ADD || kind == OpKind.REPLACE || kind == OpKind.TEST;
      if (needsValue != (value != null)) {
        throw new IllegalArgumentException(kind.jsonName() + (needsValue ? " needs" : " takes no") + " value");
      }
    }

    /** The operation as a JSON object. */
    public ObjectNode toJson() {
      ObjectNode o = Json.NODES.objectNode();
      o.put("op", kind.jsonName());
      if (from != null) {
        o.put("from", from);
      }
      o.put("path", path);
      if (value != null) {
        o.set("value", value);
      }
      return o;
    }
  }

  /** An operation list that does not apply to the document; nothing was changed. */
  public static final class PatchException extends RuntimeException {
    public PatchException(String message) {
      super(message, null, false, false);
    }
  }

  private Rfc6902() {
  }

  /**
   * Validates an operation list: a JSON array of objects with a known {@code op},
   * a string {@code path} that is a JSON Pointer, a {@code from} pointer for
   * {@code move}/{@code copy} and a {@code value} for {@code add}/{@code replace}/{@code test}.
   * Other members are ignored (RFC 6902 §4).
   *
   * @throws IllegalArgumentException naming the operation and what is wrong with it
   */
  public static List<Op> parse(JsonNode ops) {
    if (ops == null || !ops.isArray()) {
      throw new IllegalArgumentException("a JSON Patch must be a list of operations, got " + JsonValues.typeOf(ops));
    }
    List<Op> out = new ArrayList<>(ops.size());
    for (int i = 0; i < ops.size(); i++) {
      out.add(parseOp(ops.get(i), i));
    }
    return Collections.unmodifiableList(out);
  }

  private static Op parseOp(JsonNode o, int i) {
    String at = "operation " + i;
    if (!o.isObject()) {
      throw new IllegalArgumentException(at + " must be an object, got " + JsonValues.typeOf(o));
    }
    JsonNode op = o.get("op");
    if (op == null) {
      throw new IllegalArgumentException(at + " has no \"op\"");
    }
    if (!op.isTextual()) {
      throw new IllegalArgumentException(at + ": \"op\" must be a string, got " + JsonValues.typeOf(op));
    }
    OpKind kind = OpKind.of(op.textValue());
    if (kind == null) {
      throw new IllegalArgumentException(at + ": unknown op " + JsonValues.brief(op)
          + ", expected add, remove, replace, move, copy or test");
    }
    String path = pointerMember(o, "path", at);
    String from = null;
    if (kind == OpKind.MOVE || kind == OpKind.COPY) {
      from = pointerMember(o, "from", at);
    }
    JsonNode value = null;
    if (kind == OpKind.ADD || kind == OpKind.REPLACE || kind == OpKind.TEST) {
      value = o.get("value");
      if (value == null) {
        throw new IllegalArgumentException(at + " (" + kind.jsonName() + " " + path + ") has no \"value\"");
      }
    }
    return new Op(kind, path, from, value);
  }

  private static String pointerMember(JsonNode o, String name, String at) {
    JsonNode p = o.get(name);
    if (p == null) {
      throw new IllegalArgumentException(at + " has no \"" + name + "\"");
    }
    if (!p.isTextual()) {
      throw new IllegalArgumentException(at + ": \"" + name + "\" must be a JSON Pointer string, got " + JsonValues.typeOf(p));
    }
    try {
      pointer(p.textValue());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(at + ": \"" + name + "\" " + e.getMessage());
    }
    return p.textValue();
  }

  /**
   * The reference tokens of an RFC 6901 pointer, unescaped; {@code ""} is the root.
   *
   * @throws IllegalArgumentException when it is not a pointer
   */
  public static List<String> pointer(String p) {
    if (p.isEmpty()) {
      return List.of();
    }
    if (p.charAt(0) != '/') {
      throw new IllegalArgumentException(JsonValues.brief(Json.NODES.textNode(p)) + " is not a JSON Pointer: it must be empty or start with /");
    }
    List<String> tokens = new ArrayList<>();
    StringBuilder b = new StringBuilder();
    for (int i = 1; i <= p.length(); i++) {
      char c = i < p.length() ? p.charAt(i) : '/';
      if (c == '/') {
        tokens.add(b.toString());
        b.setLength(0);
      } else if (c == '~') {
        char e = i + 1 < p.length() ? p.charAt(i + 1) : 0;
        if (e == '0') {
          b.append('~');
        } else if (e == '1') {
          b.append('/');
        } else {
          throw new IllegalArgumentException(JsonValues.brief(Json.NODES.textNode(p))
              + " is not a JSON Pointer: ~ must be followed by 0 or 1 (at character " + i + ")");
        }
        i++;
      } else {
        b.append(c);
      }
    }
    return tokens;
  }

  /**
   * Applies operations, in order, to a copy of {@code doc}; all or nothing.
   *
   * @return the patched copy ({@code doc} is never modified; values from the
   *         operations are copied, not shared)
   * @throws PatchException naming the first operation that fails and why
   */
  public static JsonNode apply(JsonNode doc, List<Op> ops) {
    Target t = new Target(doc.deepCopy());
    for (int i = 0; i < ops.size(); i++) {
      Op op = ops.get(i);
      try {
        t.apply(op);
      } catch (PatchException e) {
        throw new PatchException("operation " + i + " (" + op.kind().jsonName() + " " + quoted(op.path()) + "): " + e.getMessage());
      }
    }
    return t.root;
  }

  private static String quoted(String s) {
    return Json.compact(Json.NODES.textNode(s));
  }

  /** The mutable working copy. */
  private static final class Target {
    JsonNode root;

    Target(JsonNode root) {
      this.root = root;
    }

    void apply(Op op) {
      List<String> path = pointer(op.path());
      switch (op.kind()) {
        case ADD -> add(path, op.value().deepCopy());
        case REMOVE -> remove(path);
        case REPLACE -> {
          get(path, "replace");
          if (path.isEmpty()) {
            root = op.value().deepCopy();
          } else {
            set(path, op.value().deepCopy());
          }
        }
        case MOVE -> {
          List<String> from = pointer(op.from());
          get(from, "move from");
          if (from.equals(path)) {
            return;
          }
          if (path.size() > from.size() && path.subList(0, from.size()).equals(from)) {
            throw new PatchException("cannot move " + quoted(op.from()) + " into its own child");
          }
          JsonNode v = remove(from);
          add(path, v);
        }
        case COPY -> add(path, get(pointer(op.from()), "copy from").deepCopy());
        case TEST -> {
          JsonNode actual = get(path, "test");
          if (!JsonValues.jsonEquals(actual, op.value())) {
            throw new PatchException("test failed: the value is " + JsonValues.brief(actual)
                + ", not " + JsonValues.brief(op.value()));
          }
        }
        default -> throw new AssertionError(op.kind());
      }
    }

    private JsonNode get(List<String> path, String what) {
      JsonNode cur = root;
      for (int i = 0; i < path.size(); i++) {
        cur = step(cur, path.get(i), path, i, what);
      }
      return cur;
    }

    private JsonNode step(JsonNode cur, String token, List<String> path, int i, String what) {
      if (cur.isObject()) {
        JsonNode next = cur.get(token);
        if (next == null) {
          throw new PatchException(what + ": no member " + quoted(token) + " at " + ptr(path, i));
        }
        return next;
      }
      if (cur.isArray()) {
        int idx = index(token, cur.size() - 1, path, i);
        return cur.get(idx);
      }
      throw new PatchException(what + ": " + ptr(path, i) + " is " + JsonValues.typeOf(cur) + ", it has no " + quoted(token));
    }

    private void add(List<String> path, JsonNode v) {
      if (path.isEmpty()) {
        root = v;
        return;
      }
      JsonNode parent = get(path.subList(0, path.size() - 1), "add");
      String last = path.get(path.size() - 1);
      if (parent.isObject()) {
        ((ObjectNode) parent).set(last, v);
      } else if (parent.isArray()) {
        if ("-".equals(last)) {
          ((ArrayNode) parent).add(v);
        } else {
          ((ArrayNode) parent).insert(index(last, parent.size(), path, path.size() - 1), v);
        }
      } else {
        throw new PatchException("add: " + ptr(path, path.size() - 1) + " is " + JsonValues.typeOf(parent)
            + ", it cannot hold " + quoted(last));
      }
    }

    private void set(List<String> path, JsonNode v) {
      JsonNode parent = get(path.subList(0, path.size() - 1), "replace");
      String last = path.get(path.size() - 1);
      if (parent.isObject()) {
        ((ObjectNode) parent).set(last, v);
      } else {
        ((ArrayNode) parent).set(index(last, parent.size() - 1, path, path.size() - 1), v);
      }
    }

    private JsonNode remove(List<String> path) {
      if (path.isEmpty()) {
        throw new PatchException("cannot remove the whole document");
      }
      JsonNode parent = get(path.subList(0, path.size() - 1), "remove");
      String last = path.get(path.size() - 1);
      if (parent.isObject()) {
        if (!parent.has(last)) {
          throw new PatchException("remove: no member " + quoted(last) + " at " + ptr(path, path.size() - 1));
        }
        return ((ObjectNode) parent).remove(last);
      }
      if (parent.isArray()) {
        return ((ArrayNode) parent).remove(index(last, parent.size() - 1, path, path.size() - 1));
      }
      throw new PatchException("remove: " + ptr(path, path.size() - 1) + " is " + JsonValues.typeOf(parent)
          + ", it has no " + quoted(last));
    }

    /** A list index token: "0" or digits without a leading zero, at most {@code max}. */
    private static int index(String token, int max, List<String> path, int i) {
      boolean digits = !token.isEmpty() && token.length() <= 9 && token.chars().allMatch(c -> c >= '0' && c <= '9')
          && (token.length() == 1 || token.charAt(0) != '0');
      if (!digits) {
        if ("-".equals(token)) {
          throw new PatchException("\"-\" (past the end) is only valid as the last step of an add, at " + ptr(path, i));
        }
        throw new PatchException(quoted(token) + " is not a list index at " + ptr(path, i));
      }
      int idx = Integer.parseInt(token);
      if (idx > max) {
        throw new PatchException("index " + idx + " is out of range at " + ptr(path, i)
            + " (" + (max < 0 ? "the list is empty" : "at most " + max) + ")");
      }
      return idx;
    }

    private static String ptr(List<String> path, int n) {
      if (n == 0) {
        return "the root";
      }
      StringBuilder b = new StringBuilder();
      for (String s : path.subList(0, n)) {
        b.append('/').append(s.replace("~", "~0").replace("/", "~1"));
      }
      return quoted(b.toString());
    }
  }

  /**
   * Stanzas as RFC 6902 operations.
   *
   * @param stanzas the stanzas, absolute paths
   * @param hints   one op hint per stanza ({@code a} add, {@code r} replace,
   *                {@code d} remove), or null when unknown (see the class comment)
   */
  public static ArrayNode toJsonPatch(List<Stanza> stanzas, String hints) {
    if (hints != null && hints.length() != stanzas.size()) {
      throw new IllegalArgumentException("hints has " + hints.length() + " letters for " + stanzas.size() + " stanzas");
    }
    ArrayNode out = Json.NODES.arrayNode(stanzas.size());
    for (int i = 0; i < stanzas.size(); i++) {
      Stanza s = stanzas.get(i);
      ObjectNode o = out.addObject();
      if (s.isDelete()) {
        o.put("op", "remove");
        o.put("path", s.path().toPointer());
        continue;
      }
      boolean add;
      if (hints != null) {
        add = hints.charAt(i) == DocumentEdit.ADD;
      } else {
        add = !(s.path().last() instanceof Integer);
      }
      o.put("op", add ? "add" : "replace");
      o.put("path", s.path().toPointer());
      o.set("value", s.value());
    }
    return out;
  }

  /** A patch event's data as RFC 6902 operations; empty for other events. */
  public static ArrayNode toJsonPatch(Event e) {
    return e.isPatch() ? toJsonPatch(e.stanzas(), e.opHints()) : Json.NODES.arrayNode();
  }

  /**
   * The event's envelope with, for a patch, {@code data} as RFC 6902 operations
   * instead of stanzas. A fresh tree; the caller owns it (values are shared with
   * the event and must not be mutated).
   */
  public static ObjectNode envelope(Event e) {
    ObjectNode env = e.envelope();
    if (e.isPatch()) {
      env.set("data", toJsonPatch(e));
    }
    return env;
  }
}
