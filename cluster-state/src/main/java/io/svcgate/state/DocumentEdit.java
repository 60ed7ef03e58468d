package io.svcgate.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Applies stanzas with absolute paths to a document, keeping an undo log so a
 * whole generation can be rolled back, leaving the document exactly as before
 * (same nodes, same member order, same bytes).
 *
 * <p>Values are deep-copied into the document: nothing reachable from a stanza
 * (and so from an event) is ever part of the live document. Single-threaded.
 */
final class DocumentEdit {

  /** Deepest container nesting of the document, leaving room for one wrapper object (snapshot, stream full). */
  static final int MAX_DOCUMENT_DEPTH = Json.MAX_DEPTH - 2;

  /** Op hint of a set that created a member or appended: RFC 6902 {@code add}. */
  static final char ADD = 'a';
  /** Op hint of a set that replaced a value: RFC 6902 {@code replace}. */
  static final char REPLACE = 'r';
  /** Op hint of a delete: RFC 6902 {@code remove}. */
  static final char REMOVE = 'd';

  /** A stanza that cannot apply; the message names the stanza's path as the sender wrote it. */
  static final class StanzaException extends Exception {
    StanzaException(String message) {
      super(message, null, false, false);
    }
  }

  private enum UndoKind { OBJ_ADDED, OBJ_REPLACED, OBJ_REMOVED, ARR_REPLACED, ARR_APPENDED, ARR_REMOVED }

  private record Undo(UndoKind kind, JsonNode container, String key, int index, JsonNode old) {
  }

  private final ObjectNode root;
  private final List<Undo> undo = new ArrayList<>();
  /**
   * The containers along the last stanza's path: {@code trail[i]} is what its first
   * {@code i} steps lead to, for i up to {@link #trailDepth}. A stanza changes what is at
   * its own path only, so they stay in place; the next stanza of the same change (most
   * share {@code monitor.nodes.<n>.services.status.<path>}) starts from them. Forgotten
   * at each commit and rollback.
   */
  private JsonNode[] trail = new JsonNode[16];
  private Path trailPath;
  private int trailDepth;
  /** Values added minus values removed by the edits since the last commit or rollback. */
  private long sizeChange;

  DocumentEdit(ObjectNode root) {
    this.root = root;
  }

  /**
   * Applies one stanza.
   *
   * @param s       the stanza, absolute path, not the root
   * @param relFrom how many leading steps of the path the sender did not write
   *                (3 under {@code monitor.nodes.<n>}), for error messages
   * @return the op hint: {@link #ADD}, {@link #REPLACE} or {@link #REMOVE}
   */
  char apply(Stanza s, int relFrom) throws StanzaException {
    Path p = s.path();
    if (p.isEmpty()) {
      throw new StanzaException("cannot set or delete the document root");
    }
    int n = p.size();
    // the parents only: a path that ends where the last one went through starts above its end
    int shared = trailPath == null ? 0 : trailPath.sharedSteps(p, Math.min(trailDepth, n - 1));
    trailPath = null;
    if (trail.length < n) {
      trail = Arrays.copyOf(trail, n);
    }
    trail[0] = root;
    JsonNode cur = trail[shared];
    for (int i = shared; i < n - 1; i++) {
      Object step = p.get(i);
      JsonNode next;
      if (step instanceof String k) {
        if (!cur.isObject()) {
          throw fail(s, relFrom, "key " + quote(k) + " is used on " + JsonValues.typeOf(cur) + " at " + where(p, i, relFrom));
        }
        next = cur.get(k);
        if (next == null) {
          throw fail(s, relFrom, "missing parent: no key " + quote(k) + " at " + where(p, i, relFrom));
        }
      } else {
        int idx = (Integer) step;
        if (!cur.isArray()) {
          throw fail(s, relFrom, "index " + idx + " is used on " + JsonValues.typeOf(cur) + " at " + where(p, i, relFrom));
        }
        if (idx >= cur.size()) {
          throw fail(s, relFrom, "missing parent: index " + idx + " is beyond the end of the list at "
              + where(p, i, relFrom) + " (length " + cur.size() + ")");
        }
        next = cur.get(idx);
      }
      cur = next;
      trail[i + 1] = cur;
    }
    trailPath = p;
    trailDepth = n - 1;
    Object last = p.last();
    JsonNode value = null;
    if (!s.isDelete()) {
      try {
        value = JsonValues.copy(s.value(), MAX_DOCUMENT_DEPTH - n);
      } catch (JsonValues.TooDeepException e) {
        throw fail(s, relFrom, "the value would nest the document deeper than " + MAX_DOCUMENT_DEPTH + " levels");
      }
    }
    if (last instanceof String k) {
      if (!cur.isObject()) {
        throw fail(s, relFrom, "key " + quote(k) + " is used on " + JsonValues.typeOf(cur) + " at " + where(p, n - 1, relFrom));
      }
      ObjectNode o = (ObjectNode) cur;
      if (value == null) {
        int pos = position(o, k);
        if (pos < 0) {
          throw fail(s, relFrom, "delete of a missing path: no key " + quote(k) + " at " + where(p, n - 1, relFrom));
        }
        JsonNode old = o.remove(k);
        undo.add(new Undo(UndoKind.OBJ_REMOVED, o, k, pos, old));
        sizeChange -= size(old);
        return REMOVE;
      }
      JsonNode old = o.replace(k, value);
      undo.add(new Undo(old == null ? UndoKind.OBJ_ADDED : UndoKind.OBJ_REPLACED, o, k, -1, old));
      sizeChange += size(value) - size(old);
      return old == null ? ADD : REPLACE;
    }
    int idx = (Integer) last;
    if (!cur.isArray()) {
      throw fail(s, relFrom, "index " + idx + " is used on " + JsonValues.typeOf(cur) + " at " + where(p, n - 1, relFrom));
    }
    ArrayNode a = (ArrayNode) cur;
    if (value == null) {
      if (idx >= a.size()) {
        throw fail(s, relFrom, "delete of a missing path: index " + idx + " is beyond the end of the list at "
            + where(p, n - 1, relFrom) + " (length " + a.size() + ")");
      }
      JsonNode old = a.remove(idx);
      undo.add(new Undo(UndoKind.ARR_REMOVED, a, null, idx, old));
      sizeChange -= size(old);
      return REMOVE;
    }
    if (idx < a.size()) {
      JsonNode old = a.set(idx, value);
      undo.add(new Undo(UndoKind.ARR_REPLACED, a, null, idx, old));
      sizeChange += size(value) - size(old);
      return REPLACE;
    }
    if (idx == a.size()) {
      a.add(value);
      undo.add(new Undo(UndoKind.ARR_APPENDED, a, null, idx, null));
      sizeChange += size(value);
      return ADD;
    }
    throw fail(s, relFrom, "index " + idx + " is beyond the end of the list at " + where(p, n - 1, relFrom)
        + " (length " + a.size() + "; only index " + a.size() + " appends)");
  }

  /** Undoes every stanza applied since the last {@link #commit()}, newest first. */
  void rollback() {
    for (int i = undo.size() - 1; i >= 0; i--) {
      Undo u = undo.get(i);
      switch (u.kind) {
        case OBJ_ADDED -> ((ObjectNode) u.container).remove(u.key);
        case OBJ_REPLACED -> ((ObjectNode) u.container).set(u.key, u.old);
        case OBJ_REMOVED -> reinsert((ObjectNode) u.container, u.key, u.index, u.old);
        case ARR_REPLACED -> ((ArrayNode) u.container).set(u.index, u.old);
        case ARR_APPENDED -> ((ArrayNode) u.container).remove(u.index);
        case ARR_REMOVED -> ((ArrayNode) u.container).insert(u.index, u.old);
        default -> throw new AssertionError(u.kind);
      }
    }
    undo.clear();
    sizeChange = 0;
    forgetTrail();
  }

  /** Forgets the undo log: what was applied stays. */
  void commit() {
    undo.clear();
    sizeChange = 0;
    forgetTrail();
  }

  private void forgetTrail() {
    trailPath = null;
    Arrays.fill(trail, null);
  }

  /**
   * How many values (object members and list elements, at every level, each
   * set or removed value counting itself) the edits since the last commit or
   * rollback added, minus those they removed.
   */
  long sizeChange() {
    return sizeChange;
  }

  /** The values of a tree, itself included; 0 for none. */
  static long size(JsonNode v) {
    if (v == null) {
      return 0;
    }
    long n = 1;
    if (v.isContainerNode()) {
      for (JsonNode c : v) {
        n += size(c);
      }
    }
    return n;
  }

  private static int position(ObjectNode o, String key) {
    if (!o.has(key)) {
      return -1;
    }
    int i = 0;
    for (Map.Entry<String, JsonNode> e : o.properties()) {
      if (e.getKey().equals(key)) {
        return i;
      }
      i++;
    }
    return -1;
  }

  private static void reinsert(ObjectNode o, String key, int pos, JsonNode value) {
    List<Map.Entry<String, JsonNode>> tail = new ArrayList<>();
    int i = 0;
    for (Map.Entry<String, JsonNode> e : o.properties()) {
      if (i++ >= pos) {
        tail.add(Map.entry(e.getKey(), e.getValue()));
      }
    }
    for (Map.Entry<String, JsonNode> e : tail) {
      o.remove(e.getKey());
    }
    o.set(key, value);
    for (Map.Entry<String, JsonNode> e : tail) {
      o.set(e.getKey(), e.getValue());
    }
  }

  private static StanzaException fail(Stanza s, int relFrom, String why) {
    String verb = s.isDelete() ? "cannot delete " : "cannot set ";
    return new StanzaException(verb + relative(s.path(), relFrom) + ": " + why);
  }

  private static String where(Path p, int stepIndex, int relFrom) {
    Path parent = p.prefix(stepIndex);
    if (relFrom == 0) {
      return parent.isEmpty() ? "the document root" : parent.toString();
    }
    return parent.size() <= relFrom ? "the node data root" : relative(parent, relFrom).toString();
  }

  private static Path relative(Path p, int relFrom) {
    return relFrom == 0 ? p : Path.of(p.steps().subList(Math.min(relFrom, p.size()), p.size()));
  }

  private static String quote(String k) {
    return Json.compact(Json.NODES.textNode(k));
  }
}
