package io.svcgate.state;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * The node factory of {@link Json#MAPPER}: exact decimals, short text values shared
 * by value, and objects whose children are held in arrays ({@link CompactChildren}).
 *
 * <p>A cluster document repeats a few hundred strings ({@code "up"}, {@code "down"},
 * {@code "idle"}, node names) tens of thousands of times: 50 simulated nodes hold 68 000
 * text values of which 1 300 are distinct. A {@link TextNode} is immutable, so one
 * instance per value can stand for all of them; each one shared saves its node, its
 * {@code String} and the string's bytes (about 64 bytes for a short value) for as long
 * as the document keeps it.
 *
 * <p>The table is bounded and needs no lock: {@value #SLOTS} slots indexed by the
 * string's hash, each taken by the first value that lands there and kept. The values a
 * cluster repeats come with each node's first full, so they take their slots early;
 * values seen once (timestamps in text, log lines) find the slot taken and are not
 * shared, and do not push the common ones out.
 * A value that collides with an earlier one is simply not shared; values longer than
 * {@value #MAX_SHARED_LENGTH} characters never are. Racing threads may both fill a
 * free slot, which only costs a later miss: a {@code TextNode} has final fields, so a
 * reader that sees the reference sees the whole node.
 */
final class SharedTextNodes extends JsonNodeFactory {

  private static final long serialVersionUID = 1L;

  /** Slots of the table, a power of two. */
  static final int SLOTS = 4096;
  /** Longer text values are never shared. */
  static final int MAX_SHARED_LENGTH = 48;

  private final transient TextNode[] slots = new TextNode[SLOTS];

  SharedTextNodes() {
    super(true);
  }

  @Override
  public TextNode textNode(String text) {
    if (text == null || text.isEmpty() || text.length() > MAX_SHARED_LENGTH) {
      return super.textNode(text);
    }
    int h = text.hashCode();
    int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
    TextNode shared = slots[slot];
    if (shared != null && shared.textValue().equals(text)) {
      return shared;
    }
    TextNode fresh = super.textNode(text);
    if (shared == null) {
      slots[slot] = fresh;
    }
    return fresh;
  }

  /** An object node whose children are held compactly ({@link CompactChildren}). */
  @Override
  public ObjectNode objectNode() {
    return new ObjectNode(this, new CompactChildren());
  }

  // The table is not serialized: a deserialized factory starts with an empty one.
  private Object readResolve() {
    return new SharedTextNodes();
  }
}
