package io.svcgate.state;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The children of an object node that {@link Json#MAPPER} makes: in insertion order,
 * as in the {@code LinkedHashMap} Jackson uses, but held in two arrays instead of an
 * entry object per child and a hash table per object.
 *
 * <p>Why: the document of a cluster is mostly small objects (50 simulated nodes: 27 000
 * objects of 4.6 children on average), for which a {@code LinkedHashMap} costs about
 * 300 bytes (the map, a table of 16 slots, 40 bytes per entry) and this about 110.
 * Objects of up to {@value #LINEAR} children are searched in order (their keys come
 * from the parser, which interns them, so most comparisons are one reference check);
 * larger ones also keep an open-addressing index of positions, so a lookup stays one
 * probe or a few. Removing a child shifts the later ones down (and rebuilds the index
 * of a large object): removals are rare in a cluster document, lookups and appends
 * are not.
 *
 * <p>Not thread-safe, like the map it replaces; iterators fail fast on a change made
 * other than through them. Null keys are refused (Jackson never makes one).
 */
final class CompactChildren extends AbstractMap<String, JsonNode> {

  /** Objects with at most this many children have no index. */
  static final int LINEAR = 8;
  private static final String[] NO_KEYS = {};
  private static final JsonNode[] NO_VALUES = {};

  private String[] keys = NO_KEYS;
  private JsonNode[] values = NO_VALUES;
  private int size;
  /** Slot → position + 1 (0: empty); null while {@code size <= LINEAR}. */
  private int[] index;
  private int modCount;

  @Override
  public int size() {
    return size;
  }

  @Override
  public boolean isEmpty() {
    return size == 0;
  }

  @Override
  public boolean containsKey(Object key) {
    return key instanceof String k && find(k) >= 0;
  }

  @Override
  public JsonNode get(Object key) {
    if (!(key instanceof String k)) {
      return null;
    }
    int i = find(k);
    return i < 0 ? null : values[i];
  }

  @Override
  public JsonNode put(String key, JsonNode value) {
    Objects.requireNonNull(key, "key");
    int i = find(key);
    if (i >= 0) {
      JsonNode old = values[i];
      values[i] = value;
      return old;
    }
    if (size == keys.length) {
      int grown = Math.max(4, size + (size >> 1));
      keys = Arrays.copyOf(keys, grown);
      values = Arrays.copyOf(values, grown);
    }
    keys[size] = key;
    values[size] = value;
    size++;
    modCount++;
    if (index != null) {
      if (size * 2 > index.length) {
        reindex();
      } else {
        insert(index, key, size - 1);
      }
    } else if (size > LINEAR) {
      reindex();
    }
    return null;
  }

  @Override
  public JsonNode remove(Object key) {
    if (!(key instanceof String k)) {
      return null;
    }
    int i = find(k);
    if (i < 0) {
      return null;
    }
    JsonNode old = values[i];
    removeAt(i);
    return old;
  }

  @Override
  public void clear() {
    if (size > 0) {
      Arrays.fill(keys, 0, size, null);
      Arrays.fill(values, 0, size, null);
      size = 0;
      modCount++;
    }
    index = null;
  }

  @Override
  public void forEach(BiConsumer<? super String, ? super JsonNode> action) {
    int expected = modCount;
    for (int i = 0; i < size; i++) {
      action.accept(keys[i], values[i]);
      if (modCount != expected) {
        throw new ConcurrentModificationException();
      }
    }
  }

  @Override
  public Set<Map.Entry<String, JsonNode>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<String, JsonNode>> iterator() {
        return new Entries();
      }

      @Override
      public int size() {
        return size;
      }

      @Override
      public void clear() {
        CompactChildren.this.clear();
      }
    };
  }

  /** Position of {@code key}, or -1. */
  private int find(String key) {
    if (index == null) {
      String[] ks = keys;
      for (int i = 0; i < size; i++) {
        if (ks[i] == key) {
          return i;
        }
      }
      int h = key.hashCode();
      for (int i = 0; i < size; i++) {
        String k = ks[i];
        if (k.hashCode() == h && k.equals(key)) {
          return i;
        }
      }
      return -1;
    }
    int mask = index.length - 1;
    for (int slot = spread(key.hashCode()) & mask; ; slot = (slot + 1) & mask) {
      int p = index[slot];
      if (p == 0) {
        return -1;
      }
      String k = keys[p - 1];
      if (k == key || k.equals(key)) {
        return p - 1;
      }
    }
  }

  private void removeAt(int i) {
    int tail = size - i - 1;
    if (tail > 0) {
      System.arraycopy(keys, i + 1, keys, i, tail);
      System.arraycopy(values, i + 1, values, i, tail);
    }
    size--;
    keys[size] = null;
    values[size] = null;
    modCount++;
    if (index != null) {
      if (size <= LINEAR) {
        index = null;
      } else {
        reindex();
      }
    }
  }

  /** A fresh index of every position, at most half full. */
  private void reindex() {
    int[] fresh = new int[Integer.highestOneBit(Math.max(size, 1) * 4 - 1)];
    for (int i = 0; i < size; i++) {
      insert(fresh, keys[i], i);
    }
    index = fresh;
  }

  private static void insert(int[] table, String key, int position) {
    int mask = table.length - 1;
    int slot = spread(key.hashCode()) & mask;
    while (table[slot] != 0) {
      slot = (slot + 1) & mask;
    }
    table[slot] = position + 1;
  }

  private static int spread(int h) {
    return h ^ (h >>> 16);
  }

  /** In order; {@code remove()} removes the last returned child, {@code setValue} writes through. */
  private final class Entries implements Iterator<Map.Entry<String, JsonNode>> {
    private int next;
    private int last = -1;
    private int expected = modCount;

    @Override
    public boolean hasNext() {
      return next < size;
    }

    @Override
    public Map.Entry<String, JsonNode> next() {
      if (modCount != expected) {
        throw new ConcurrentModificationException();
      }
      if (next >= size) {
        throw new NoSuchElementException();
      }
      last = next++;
      return new Child(keys[last], values[last]);
    }

    @Override
    public void remove() {
      if (last < 0) {
        throw new IllegalStateException();
      }
      if (modCount != expected) {
        throw new ConcurrentModificationException();
      }
      removeAt(last);
      next = last;
      last = -1;
      expected = modCount;
    }
  }

  /** One child as a map entry; setting its value sets the child's, while it is there. */
  private final class Child extends AbstractMap.SimpleEntry<String, JsonNode> {
    private static final long serialVersionUID = 1L;

    Child(String key, JsonNode value) {
      super(key, value);
    }

    @Override
    public JsonNode setValue(JsonNode value) {
      int i = find(getKey());
      if (i < 0) {
        throw new IllegalStateException("no child '" + getKey() + "' any more");
      }
      values[i] = value;
      return super.setValue(value);
    }
  }
}
