package io.svcgate.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.svcgate.state.filter.Durations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The resolved configuration: defaults, then the config file (YAML or JSON), then
 * the environment ({@code SVCGATE_…}), then command-line flags; each later source
 * wins. Every value is validated when it is read; an unknown key in the file is an
 * error. Immutable.
 *
 * <p>Secrets ({@link ConfigKey#secret()}) can also come from a file, so that they stay
 * out of the environment, the process list and {@code docker inspect}: the key
 * {@code <key>-file} in a config file, or {@code SVCGATE_<KEY>_FILE} in the
 * environment, names a file whose content (trailing white space removed) is the
 * value, at the precedence of the source that named it. One source may not give
 * both a secret and its file.
 */
public final class GatewayConfig {

  /** Largest secret file read, bytes: a secret is a line or a few, not a log file named by mistake. */
  static final long MAX_SECRET_FILE = 64 * 1024;

  private final Map<ConfigKey, String> values;

  private GatewayConfig(Map<ConfigKey, String> values) {
    this.values = Collections.unmodifiableMap(new EnumMap<>(values));
  }

  /** Defaults only. */
  public static GatewayConfig defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Resolves file (may be null), environment and flags, in increasing precedence. */
  public static GatewayConfig load(Path file, Map<String, String> env, Map<ConfigKey, String> flags) {
    return load(null, file, env, flags);
  }

  /**
   * Resolves a defaults file (may be null: below everything but the built-in
   * defaults; the container image's), the config file (may be null), environment
   * and flags, in increasing precedence.
   */
  public static GatewayConfig load(Path defaults, Path file, Map<String, String> env, Map<ConfigKey, String> flags) {
    Builder b = builder();
    if (defaults != null) {
      b.file(defaults);
    }
    if (file != null) {
      b.file(file);
    }
    b.env(env);
    flags.forEach(b::set);
    return b.build();
  }

  /** The raw value ("" when unset). */
  public String string(ConfigKey key) {
    return values.getOrDefault(key, key.defaultValue()).trim();
  }

  public boolean isSet(ConfigKey key) {
    return !string(key).isEmpty();
  }

  /** Whether a source (file, environment, flag) gave {@code key} explicitly, even to its default value. */
  public boolean given(ConfigKey key) {
    return values.containsKey(key);
  }

  public int integer(ConfigKey key) {
    long v = longValue(key);
    if (v > Integer.MAX_VALUE) {
      throw new ConfigException(key.key() + " is too large: " + v);
    }
    return (int) v;
  }

  public long longValue(ConfigKey key) {
    String s = string(key);
    try {
      long v = Long.parseLong(s);
      if (v < 0) {
        throw new ConfigException(key.key() + " must not be negative, got " + s);
      }
      return v;
    } catch (NumberFormatException e) {
      throw new ConfigException(key.key() + " must be a whole number, got '" + s + "'");
    }
  }

  /** A TCP port 0–65535; 0 picks a free port. */
  public int port(ConfigKey key) {
    int p = integer(key);
    if (p > 65535) {
      throw new ConfigException(key.key() + " must be a port number (0-65535), got " + p);
    }
    return p;
  }

  public boolean bool(ConfigKey key) {
    String s = string(key).toLowerCase(java.util.Locale.ROOT);
    return switch (s) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0", "" -> false;
      default -> throw new ConfigException(key.key() + " must be true or false, got '" + s + "'");
    };
  }

  public Duration duration(ConfigKey key) {
    String s = string(key);
    try {
      return Durations.parse(s);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key.key() + ": " + e.getMessage());
    }
  }

  /** A comma-separated list (newlines separate too, for a secret read from a file), trimmed, empty members dropped. */
  public List<String> list(ConfigKey key) {
    String s = string(key);
    if (s.isEmpty()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String p : s.split("[,\n]")) {
      if (!p.isBlank()) {
        out.add(p.trim());
      }
    }
    return List.copyOf(out);
  }

  /** All values, for logging at start (secrets masked). */
  public Map<String, String> describe() {
    Map<String, String> m = new LinkedHashMap<>();
    for (ConfigKey k : ConfigKey.values()) {
      String v = string(k);
      m.put(k.key(), k.secret() && !v.isEmpty() ? "***" : v);
    }
    return m;
  }

  /**
   * The content of the file a secret's {@code -file} key names, trailing white space removed.
   *
   * @param what the key or variable that named the file, for the message
   * @throws ConfigException when the file cannot be read or is too large
   */
  public static String readSecret(String what, String path) {
    if (path.isBlank()) {
      throw new ConfigException(what + " is empty: it must name a file");
    }
    Path p = Path.of(path.trim());
    try {
      if (Files.size(p) > MAX_SECRET_FILE) {
        throw new ConfigException(what + ": " + p + " is larger than " + MAX_SECRET_FILE + " bytes");
      }
      return Files.readString(p).stripTrailing();
    } catch (IOException e) {
      throw new ConfigException(what + ": cannot read " + p + " (" + e.getClass().getSimpleName() + ": "
          + e.getMessage() + ")", e);
    }
  }

  /** Builds a configuration source by source. */
  public static final class Builder {
    private final Map<ConfigKey, String> values = new EnumMap<>(ConfigKey.class);

    public Builder set(ConfigKey key, String value) {
      if (value != null) {
        values.put(key, value);
      }
      return this;
    }

    public Builder set(ConfigKey key, Object value) {
      return set(key, value == null ? null : String.valueOf(value));
    }

    /** Reads a YAML or JSON file; nested objects are dotted keys. */
    public Builder file(Path file) {
      Map<ConfigKey, String> fromFiles = new EnumMap<>(ConfigKey.class);
      Map<ConfigKey, String> plain = new EnumMap<>(ConfigKey.class);
      read(file, plain, fromFiles);
      values.putAll(merge("config file " + file, plain, fromFiles));
      return this;
    }

    private void read(Path file, Map<ConfigKey, String> plain, Map<ConfigKey, String> fromFiles) {
      JsonNode root;
      try {
        root = new YAMLMapper().readTree(Files.readAllBytes(file));
      } catch (IOException e) {
        throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
      }
      if (root == null || root.isNull() || root.isMissingNode()) {
        return;
      }
      if (!root.isObject()) {
        throw new ConfigException("config file " + file + " must hold an object of keys");
      }
      flatten(file, "", root, plain, fromFiles);
    }

    private void flatten(Path file, String prefix, JsonNode node, Map<ConfigKey, String> plain,
        Map<ConfigKey, String> fromFiles) {
      Iterator<Map.Entry<String, JsonNode>> it = node.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
        JsonNode v = e.getValue();
        ConfigKey k = ConfigKey.of(key);
        ConfigKey secret = k == null ? secretOfFileKey(key) : null;
        if (secret != null) {
          fromFiles.put(secret, readSecret(key, scalar(file, key, v)));
          continue;
        }
        if (k == null && v.isObject()) {
          flatten(file, key, v, plain, fromFiles);
          continue;
        }
        if (k == null && "cluster".equals(prefix) && "enabled".equals(e.getKey())) {
          k = ConfigKey.CLUSTER;
        }
        if (k == null) {
          throw new ConfigException("config file " + file + ": unknown key '" + key + "' (see docs/configuration.md)");
        }
        plain.put(k, scalar(file, key, v));
      }
    }

    /** The secret key whose file key is {@code key} ({@code auth.tokens-file} → auth.tokens), or null. */
    private static ConfigKey secretOfFileKey(String key) {
      if (!key.endsWith("-file")) {
        return null;
      }
      ConfigKey k = ConfigKey.of(key.substring(0, key.length() - "-file".length()));
      return k != null && k.secret() ? k : null;
    }

    /** One source's values: its plain ones and the secrets it read from files, which may not overlap. */
    private static Map<ConfigKey, String> merge(String source, Map<ConfigKey, String> plain,
        Map<ConfigKey, String> fromFiles) {
      for (ConfigKey k : fromFiles.keySet()) {
        if (plain.containsKey(k)) {
          throw new ConfigException(source + " gives both " + k.key() + " and " + k.fileKey() + " (" + k.envName()
              + " and " + k.fileEnvName() + " in the environment): keep one");
        }
      }
      Map<ConfigKey, String> all = new EnumMap<>(plain);
      all.putAll(fromFiles);
      return all;
    }


    private static String scalar(Path file, String key, JsonNode v) {
      if (v.isArray()) {
        List<String> parts = new ArrayList<>();
        for (JsonNode m : v) {
          if (m.isObject() && m.has("token")) {
            parts.add(m.path("token").asText() + ":" + m.path("role").asText("read"));
          } else if (m.isValueNode()) {
            parts.add(m.asText());
          } else {
            throw new ConfigException("config file " + file + ": '" + key + "' must be a list of plain values");
          }
        }
        return String.join(",", parts);
      }
      if (v.isNull()) {
        return "";
      }
      if (!v.isValueNode()) {
        throw new ConfigException("config file " + file + ": '" + key + "' must be a plain value");
      }
      return v.asText();
    }

    /** Reads {@code SVCGATE_…} variables, and {@code SVCGATE_…_FILE} for secrets. */
    public Builder env(Map<String, String> env) {
      Map<ConfigKey, String> plain = new EnumMap<>(ConfigKey.class);
      Map<ConfigKey, String> fromFiles = new EnumMap<>(ConfigKey.class);
      for (ConfigKey k : ConfigKey.values()) {
        String v = env.get(k.envName());
        if (v != null) {
          plain.put(k, v);
        }
        String file = k.secret() ? env.get(k.fileEnvName()) : null;
        if (file != null) {
          fromFiles.put(k, readSecret(k.fileEnvName(), file));
        }
      }
      values.putAll(merge("the environment", plain, fromFiles));
      return this;
    }

    public GatewayConfig build() {
      return new GatewayConfig(values);
    }
  }

  @Override
  public String toString() {
    return describe().toString();
  }

  /** Keys as a list, for docs and help. */
  public static List<ConfigKey> keys() {
    return Arrays.asList(ConfigKey.values());
  }
}
