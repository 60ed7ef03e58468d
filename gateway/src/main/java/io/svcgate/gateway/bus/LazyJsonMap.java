package io.svcgate.gateway.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The map behind a {@link JsonObject} made from JSON bytes that are decoded only
 * when somebody reads the object. The gateway publishes every event envelope as a
 * {@code JsonObject} on {@code svcgate.events}; with nobody listening (the usual
 * case) Vert.x never reads it, and the decode of each envelope is saved. A local
 * consumer gets a copy (Vert.x copies a {@code JsonObject} for each), and the
 * clustered event bus encodes it: either reads this map, which decodes the bytes
 * once, keeping the order of the members.
 *
 * <p>Safe to read from several threads: the decode happens once, under a lock,
 * before any read returns.
 */
public final class LazyJsonMap extends LinkedHashMap<String, Object> {

  private static final long serialVersionUID = 1L;

  private transient byte[] json;
  private volatile boolean decoded;

  /** @param json a JSON object, UTF-8; not copied, never modified */
  public LazyJsonMap(byte[] json) {
    this.json = json;
  }

  /** A {@code JsonObject} over the bytes, decoded on first read. */
  public static JsonObject jsonObject(byte[] json) {
    return new JsonObject(new LazyJsonMap(json));
  }

  private void decode() {
    if (decoded) {
      return;
    }
    synchronized (this) {
      if (!decoded) {
        super.putAll(new JsonObject(Buffer.buffer(json)).getMap());
        json = null;
        decoded = true;
      }
    }
  }

  @Override
  public Object get(Object key) {
    decode();
    return super.get(key);
  }

  @Override
  public Object getOrDefault(Object key, Object defaultValue) {
    decode();
    return super.getOrDefault(key, defaultValue);
  }

  @Override
  public boolean containsKey(Object key) {
    decode();
    return super.containsKey(key);
  }

  @Override
  public boolean containsValue(Object value) {
    decode();
    return super.containsValue(value);
  }

  @Override
  public int size() {
    decode();
    return super.size();
  }

  @Override
  public boolean isEmpty() {
    decode();
    return super.isEmpty();
  }

  @Override
  public Set<Map.Entry<String, Object>> entrySet() {
    decode();
    return super.entrySet();
  }

  @Override
  public Set<String> keySet() {
    decode();
    return super.keySet();
  }

  @Override
  public Collection<Object> values() {
    decode();
    return super.values();
  }

  @Override
  public void forEach(BiConsumer<? super String, ? super Object> action) {
    decode();
    super.forEach(action);
  }

  @Override
  public Object put(String key, Object value) {
    decode();
    return super.put(key, value);
  }

  @Override
  public void putAll(Map<? extends String, ?> m) {
    decode();
    super.putAll(m);
  }

  @Override
  public Object remove(Object key) {
    decode();
    return super.remove(key);
  }

  @Override
  public void clear() {
    decode();
    super.clear();
  }

  @Override
  public boolean equals(Object o) {
    decode();
    return super.equals(o);
  }

  @Override
  public int hashCode() {
    decode();
    return super.hashCode();
  }

  @Override
  public String toString() {
    decode();
    return super.toString();
  }
}
