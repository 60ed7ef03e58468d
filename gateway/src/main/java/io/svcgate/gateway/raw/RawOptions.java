package io.svcgate.gateway.raw;

import io.svcgate.gateway.config.ConfigException;
import io.svcgate.gateway.config.ConfigKey;
import io.svcgate.gateway.config.GatewayConfig;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * What the raw listener is configured with (docs/configuration.md, keys {@code raw.*},
 * {@code relay.*}, {@code cluster.secret}).
 *
 * @param host               bind address
 * @param port               TCP port, 0 for any free port
 * @param clusterName        the cluster's name; requests naming another cluster are refused
 * @param nodename           the gateway's node name, in the envelope of every reply
 * @param clusterKey         the key of the cluster secret: {@code om} requests and relayed heartbeats
 * @param relayKey           the key of the relay secret: requests whose envelope says {@code join}
 * @param maxFrame           largest frame read, and largest payload once inflated, in bytes
 * @param readTimeout        silence after which a request that has not ended is dropped
 * @param maxConnections     connections at once (event streams included)
 * @param maxBuffered        bytes of unfinished requests held at once, all connections together
 * @param blacklistThreshold consecutive failed decryptions after which an address is refused
 * @param blacklistTtl       how long an address stays refused after its last failure
 * @param blacklistMax       addresses tracked at most
 * @param relayMaxSlots      relay slots at most
 * @param relayMaxBytes      characters of relayed messages held at most
 * @param relaySlotTtl       age at which a relay slot is dropped
 * @param bufferEvents       events queued for a slow event stream before it is ended
 * @param bufferBytes        bytes queued for a slow event stream before it is ended
 * @param waitMax            longest a wait request is held (OpenSVC caps it at 30 s)
 */
public record RawOptions(String host, int port, String clusterName, String nodename, RawKey clusterKey,
    RawKey relayKey, int maxFrame, Duration readTimeout, int maxConnections, long maxBuffered,
    int blacklistThreshold, Duration blacklistTtl, int blacklistMax, int relayMaxSlots, long relayMaxBytes,
    Duration relaySlotTtl, int bufferEvents, long bufferBytes, Duration waitMax) {

  public RawOptions {
    Objects.requireNonNull(host, "host");
    clusterName = clusterName.toLowerCase(Locale.ROOT);
    Objects.requireNonNull(clusterKey, "clusterKey");
    Objects.requireNonNull(relayKey, "relayKey");
  }

  /**
   * The options of {@code config}: {@code raw.*}, {@code relay.*}, {@code cluster.name}
   * and the secrets (from the key or its {@code …-file}).
   *
   * @throws ConfigException when a secret is missing, unreadable or of a length OpenSVC cannot use
   */
  public static RawOptions from(GatewayConfig config, String nodename) {
    String clusterSecret = secret(config, ConfigKey.CLUSTER_SECRET);
    if (clusterSecret == null) {
      throw new ConfigException("raw.port needs the cluster secret: set cluster.secret-file (or cluster.secret, or "
          + ConfigKey.CLUSTER_SECRET.envName() + ") to the [cluster] secret of the OpenSVC nodes");
    }
    String relaySecret = secret(config, ConfigKey.RELAY_SECRET);
    RawKey clusterKey;
    RawKey relayKey;
    try {
      clusterKey = RawKey.cluster(clusterSecret);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("cluster.secret: " + e.getMessage());
    }
    try {
      // without a relay secret of its own, relayed requests use the cluster's key (what OpenSVC relays require)
      relayKey = relaySecret == null ? clusterKey : RawKey.relay(relaySecret);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("relay.secret: " + e.getMessage());
    }
    return new RawOptions(config.string(ConfigKey.RAW_HOST), config.port(ConfigKey.RAW_PORT),
        config.string(ConfigKey.CLUSTER_NAME), nodename, clusterKey, relayKey,
        config.integer(ConfigKey.RAW_MAX_FRAME), config.duration(ConfigKey.RAW_READ_TIMEOUT),
        config.integer(ConfigKey.RAW_MAX_CONNECTIONS), config.longValue(ConfigKey.RAW_MAX_BUFFERED),
        config.integer(ConfigKey.RAW_BLACKLIST_THRESHOLD), config.duration(ConfigKey.RAW_BLACKLIST_TTL),
        config.integer(ConfigKey.RAW_BLACKLIST_MAX), config.integer(ConfigKey.RELAY_MAX_SLOTS),
        config.longValue(ConfigKey.RELAY_MAX_BYTES), config.duration(ConfigKey.RELAY_SLOT_TTL),
        config.integer(ConfigKey.STREAM_BUFFER_EVENTS), config.longValue(ConfigKey.STREAM_BUFFER_BYTES),
        config.duration(ConfigKey.WAIT_MAX));
  }

  /** The secret of {@code key} (given as a value or through its {@code …-file}), else null. */
  private static String secret(GatewayConfig config, ConfigKey key) {
    return config.isSet(key) ? config.string(key) : null;
  }
}
