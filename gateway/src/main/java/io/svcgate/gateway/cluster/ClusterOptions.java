package io.svcgate.gateway.cluster;

import io.svcgate.gateway.config.ConfigException;
import io.svcgate.gateway.config.ConfigKey;
import io.svcgate.gateway.config.GatewayConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Raft member's settings, validated (docs/clustering.md, "Starting members").
 *
 * @param name           {@code cluster.name}: the group's name (its Raft group id derives from it)
 * @param host           {@code cluster.host}: the address the Raft server binds
 * @param port           {@code cluster.port}
 * @param members        {@code cluster.members}: every member's id ({@code host:port}), in the configured order
 * @param httpUrl        {@code cluster.http-url}, or null: then the URL of the HTTP server once it listens
 * @param storage        the Raft storage directory, {@code <data>/raft}
 * @param requestTimeout {@code cluster.request-timeout}
 * @param tickMillis     how often the leader proposes a liveness tick
 */
public record ClusterOptions(String name, String host, int port, List<String> members, String httpUrl, Path storage,
                             Duration requestTimeout, long tickMillis) {

  /** The most members a group may have: a majority of 7 is 4, more only slows every commit. */
  public static final int MAX_MEMBERS = 7;
  /** The group name when {@code cluster.name} is not given in cluster mode. */
  public static final String DEFAULT_NAME = "svcgate";

  private static final Pattern HOST_PORT = Pattern.compile("^(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?):(\\d{1,5})$");

  /** This member's id: {@code host:port}. */
  public String self() {
    return host + ":" + port;
  }

  /**
   * Reads and checks the cluster keys.
   *
   * @throws ConfigException saying which key is wrong and why
   */
  public static ClusterOptions from(GatewayConfig config) {
    String name = config.given(ConfigKey.CLUSTER_NAME) ? config.string(ConfigKey.CLUSTER_NAME) : DEFAULT_NAME;
    if (name.isEmpty()) {
      throw new ConfigException("cluster.name must not be empty in cluster mode (it names the Raft group)");
    }
    String host = config.string(ConfigKey.CLUSTER_HOST);
    int port = config.port(ConfigKey.CLUSTER_PORT);
    if (port == 0) {
      throw new ConfigException("cluster.port must be a fixed port (1-65535): it is this member's id in cluster.members");
    }
    String self = normalize("cluster.host/cluster.port", host + ":" + port);
    List<String> members = members(config.list(ConfigKey.CLUSTER_MEMBERS));
    if (!members.contains(self)) {
      throw new ConfigException("cluster.members must include this member, " + self + " (cluster.host:cluster.port), got "
          + String.join(",", members));
    }
    String url = config.isSet(ConfigKey.CLUSTER_HTTP_URL) ? config.string(ConfigKey.CLUSTER_HTTP_URL) : null;
    if (url != null) {
      checkUrl(url);
    }
    Duration timeout = config.duration(ConfigKey.CLUSTER_REQUEST_TIMEOUT);
    if (timeout.toMillis() < 100) {
      throw new ConfigException("cluster.request-timeout must be at least 100ms, got " + timeout);
    }
    long hb = config.duration(ConfigKey.HB_TIMEOUT).toMillis();
    long tick = Math.max(100, Math.min(1000, hb / 4));
    return new ClusterOptions(name, host, port, members, url, Path.of(config.string(ConfigKey.DATA)).resolve("raft"),
        timeout, tick);
  }

  /**
   * Parses and checks a member list: 1 to {@value #MAX_MEMBERS} distinct {@code host:port}.
   *
   * @throws ConfigException for an empty, malformed, too long or duplicated list
   */
  public static List<String> members(List<String> given) {
    if (given.isEmpty()) {
      throw new ConfigException("cluster.members is required in cluster mode: every member's host:port, this one included");
    }
    if (given.size() > MAX_MEMBERS) {
      throw new ConfigException("cluster.members: at most " + MAX_MEMBERS + " members, got " + given.size());
    }
    Set<String> seen = new LinkedHashSet<>();
    for (String m : given) {
      String id = normalize("cluster.members", m);
      if (!seen.add(id)) {
        throw new ConfigException("cluster.members: " + id + " is listed twice");
      }
    }
    return List.copyOf(new ArrayList<>(seen));
  }

  /** A member id as {@code host:port} (host lower-cased); throws for anything else. */
  static String normalize(String what, String member) {
    Matcher m = HOST_PORT.matcher(member.trim());
    if (!m.matches()) {
      throw new ConfigException(what + ": '" + member + "' is not host:port (e.g. 10.0.0.1:7101)");
    }
    int port = Integer.parseInt(m.group(3));
    if (port < 1 || port > 65535) {
      throw new ConfigException(what + ": '" + member + "' has no valid port (1-65535)");
    }
    return m.group(1).toLowerCase(Locale.ROOT) + ":" + port;
  }

  private static void checkUrl(String url) {
    try {
      URI u = URI.create(url);
      if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
        throw new IllegalArgumentException("not an http or https URL with a host");
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException("cluster.http-url: '" + url + "' is not usable (" + e.getMessage()
          + "), e.g. http://10.0.0.1:1215");
    }
  }
}
