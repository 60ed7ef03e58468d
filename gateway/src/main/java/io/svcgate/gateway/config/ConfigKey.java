package io.svcgate.gateway.config;

/**
 * Every configuration key of the gateway, with its default and meaning. A key
 * {@code a.b-c} is {@code {"a": {"b-c": …}}} in the config file and
 * {@code SVCGATE_A_B_C} in the environment. docs/configuration.md lists the same.
 */
public enum ConfigKey {
  NODENAME("nodename", "", "the gateway's own node name (default: the host name)"),
  CLUSTER_NAME("cluster.name", "default", "the cluster name shown in cluster.name"),
  CLUSTER_NODES("cluster.nodes", "", "the cluster's node names, comma separated; when set, heartbeats from other nodes are refused (403)"),
  HTTP_PORT("http.port", "1215", "HTTP port"),
  HTTP_HOST("http.host", "", "HTTP bind address (default 127.0.0.1 without tokens, 0.0.0.0 with tokens)"),
  HTTP_MAX_BODY("http.max-body", "4194304", "largest accepted request body, bytes"),
  HTTP_INSTANCES("http.instances", "1", "HTTP verticle instances (event loops serving HTTP)"),
  NET_NATIVE_TRANSPORT("net.native-transport", "true", "use Netty's native epoll transport for every socket when the platform has it (Linux x86_64), else Java NIO; false: always NIO"),
  HTTP_TLS_CERT("http.tls.cert", "", "PEM certificate chain file; with http.tls.key enables HTTPS"),
  HTTP_TLS_KEY("http.tls.key", "", "PEM private key file"),
  AUTH_TOKENS("auth.tokens", "", "tokens as token:role pairs, comma separated (roles read, ingest, admin); none = no auth, loopback only", true),
  AUTH_OPEN_HEALTH("auth.open-health", "true", "serve /health without a token"),
  AUTH_OPEN_METRICS("auth.open-metrics", "true", "serve /metrics without a token"),
  AUTH_OPEN("auth.open", "false", "without auth.tokens, allow http.host to be an address other than loopback (anyone who reaches it may read and write)"),
  HTTP_ALLOWED_HOSTS("http.allowed-hosts", "", "Host header names or addresses (no port) the gateway answers, comma separated; default: its own names and addresses; * = any"),
  HTTP_CORS_ORIGINS("http.cors-origins", "", "origins (scheme://host[:port]) allowed to call the API from a web page, comma separated; default none (no CORS headers, cross-origin requests refused)"),
  HTTP_IDLE_TIMEOUT("http.idle-timeout", "30s", "a connection with no request in progress is closed after this (a request head slower than this is cut)"),
  HTTP_H2C("http.h2c", "false", "serve HTTP/2 over cleartext (h2c); then the first request head of a plain-HTTP connection is not timed"),
  HTTP_REQUEST_TIMEOUT("http.request-timeout", "30s", "a request body not complete this long after its head is answered 408 and its connection closed"),
  STREAM_MAX_PER_CLIENT("stream.max-per-client", "100", "streams at once per client (per token, else per address), beside stream.max-subscribers"),
  WAIT_MAX_PER_CLIENT("wait.max-per-client", "1000", "waits at once per client (per token, else per address), beside wait.max-waits"),
  DATA("data", "./data", "data directory of the durable history"),
  HISTORY_DURABLE("history.durable", "true", "fsync every history write before acknowledging it (false: written to the OS only, which survives a killed gateway but not a power loss or kernel crash)"),
  HISTORY_MAX_EVENTS("history.max-events", "100000", "events kept in the history"),
  HISTORY_MAX_AGE("history.max-age", "24h", "age beyond which events leave the history"),
  HISTORY_RETENTION_INTERVAL("history.retention-interval", "10s", "how often retention runs in the background"),
  HISTORY_SNAPSHOT_EVERY("history.snapshot-every", "10000", "events between two state snapshots"),
  HISTORY_SNAPSHOT_INTERVAL("history.snapshot-interval", "30s", "longest time between two state snapshots while the state changes (0s: only by count and at stop); after a crash, the nodes changed since the last snapshot need a full"),
  HISTORY_BLOCK_CACHE_BYTES("history.block-cache-bytes", "8388608", "RocksDB block cache of the history, bytes: reads of events older than the in-memory window (docs/operations.md, memory)"),
  HISTORY_WRITE_BUFFER_BYTES("history.write-buffer-bytes", "8388608", "RocksDB write buffer (memtable) of the history's events, bytes; two at most, and a quarter of it for each of the two small column families (docs/operations.md, memory)"),
  HB_TIMEOUT("hb.timeout", "15s", "silence after which a node is stale"),
  STREAM_BUFFER_EVENTS("stream.buffer-events", "10000", "events queued per stream subscriber; past it the subscriber goes on from the history"),
  STREAM_BUFFER_BYTES("stream.buffer-bytes", "16777216", "bytes queued per stream subscriber; past it the subscriber goes on from the history"),
  STREAM_BOOKMARK("stream.bookmark", "15s", "idle interval between bookmarks on streams (jittered ±20%)"),
  STREAM_STALL_TIMEOUT("stream.stall-timeout", "30s", "a stream whose client takes nothing for this long is ended as a slow consumer"),
  STREAM_MAX_SUBSCRIBERS("stream.max-subscribers", "10000", "stream subscribers at once per HTTP verticle"),
  WAIT_MAX("wait.max", "10m", "longest a single wait request is held"),
  WAIT_MAX_WAITS("wait.max-waits", "100000", "waits pending at once"),
  INGEST_MAX_PENDING("ingest.max-pending", "10000", "heartbeats accepted but not yet durable, beyond which ingest answers 503"),
  INGEST_MAX_KEYS("ingest.max-keys", "100000", "keys and list elements in one heartbeat message, at every level; more is refused (413)"),
  INGEST_MAX_STANZAS("ingest.max-stanzas", "10000", "stanzas (or RFC 6902 operations) in one patch generation; more is refused (413)"),
  INGEST_MAX_BATCH("ingest.max-batch", "1000", "messages in one JSON array posted to /api/heartbeats; more is refused (413)"),
  INGEST_MAX_NODE_KEYS("ingest.max-node-keys", "100000", "keys and list elements in one node's data; a change that would make it larger is refused (413) and the node needs a full"),
  FILTER_MAX_COST("filter.max-cost", "1000000", "work one evaluation of a filter or wait condition may do on the state (values visited plus characters searched times the pattern size); more is refused (400)"),
  HOOKS_FILE("hooks.file", "etc/node.conf", "hooks configuration (INI), used when it exists"),
  HOOKS_TIMEOUT("hooks.timeout", "60s", "a hook run longer than this is killed"),
  HOOKS_MAX_RUNNING("hooks.max-running", "8", "hook runs at once"),
  HOOKS_QUEUE("hooks.queue", "1000", "hook runs waiting; beyond that runs are dropped and counted"),
  JMX_PORT("jmx.port", "", "remote JMX port (registry and server on the same port); empty = no remote JMX"),
  JMX_HOST("jmx.host", "127.0.0.1", "remote JMX bind address and RMI hostname"),
  JMX_PASSWORD_FILE("jmx.password-file", "", "JMX password file"),
  JMX_ACCESS_FILE("jmx.access-file", "", "JMX access file (readonly / readwrite roles)"),
  JMX_TLS("jmx.tls", "false", "remote JMX over TLS (JSSE system properties give the key store)"),
  JMX_NOTIFY_PATCHES("jmx.notify-patches", "false", "send JMX notifications for patch events too"),
  BUS_PUBLISH_EVENTS("bus.publish-events", "true", "publish every event envelope as JSON on the event-bus address svcgate.events"),
  BRIDGE_PORT("bridge.port", "", "TCP event-bus bridge port; empty = off"),
  BRIDGE_HOST("bridge.host", "127.0.0.1", "TCP event-bus bridge bind address"),
  RAW_PORT("raw.port", "", "OpenSVC raw listener port (OpenSVC's own is 1214): om clients and the relay heartbeat of nodes; empty = off"),
  RAW_HOST("raw.host", "0.0.0.0", "raw listener bind address (every request must be encrypted with a secret)"),
  CLUSTER_SECRET("cluster.secret", "", "the OpenSVC cluster secret ([cluster] secret of the nodes); required by the raw listener", true),
  RELAY_SECRET("relay.secret", "", "the secret of the relay heartbeat ([hb#N] secret of the nodes), 16, 24 or 32 bytes; default: the cluster secret", true),
  RAW_MAX_FRAME("raw.max-frame", "16777216", "largest raw request, and largest payload once inflated, in bytes"),
  RAW_READ_TIMEOUT("raw.read-timeout", "5s", "silence after which an unfinished raw request is dropped"),
  RAW_MAX_CONNECTIONS("raw.max-connections", "1024", "raw connections at once (event streams included)"),
  RAW_MAX_BUFFERED("raw.max-buffered", "67108864", "bytes of unfinished raw requests held at once, all connections together"),
  RAW_BLACKLIST_THRESHOLD("raw.blacklist-threshold", "5", "failed decryptions in a row after which a source address is refused"),
  RAW_BLACKLIST_TTL("raw.blacklist-ttl", "10m", "how long a source address stays refused after its last failed decryption"),
  RAW_BLACKLIST_MAX("raw.blacklist-max", "10000", "source addresses the blacklist tracks at most (the oldest give way)"),
  RELAY_MAX_SLOTS("relay.max-slots", "10000", "relay slots (one per cluster and node) held at most"),
  RELAY_MAX_BYTES("relay.max-bytes", "268435456", "characters of relayed messages held at most"),
  RELAY_SLOT_TTL("relay.slot-ttl", "24h", "age at which a relay slot not updated is dropped"),
  SIMULATE("simulate", "0", "run the built-in simulator with this many nodes"),
  SIMULATE_INTERVAL("simulate.interval", "1s", "interval between two heartbeats of one simulated node"),
  SIMULATE_SERVICES("simulate.services", "20", "services per simulated node"),
  CLUSTER("cluster.enabled", "false", "run as a member of a Raft group of gateways that hold one history (docs/clustering.md)"),
  CLUSTER_HOST("cluster.host", "127.0.0.1", "this member's Raft address (bind address, and with cluster.port its id)"),
  CLUSTER_PORT("cluster.port", "7101", "this member's Raft port"),
  CLUSTER_MEMBERS("cluster.members", "", "every member of the Raft group, this one included, as host:port, comma separated (1 to 7)"),
  CLUSTER_HTTP_URL("cluster.http-url", "", "this member's HTTP base URL as clients reach it, announced to the other members (default: http(s)://<http.host>:<http.port>)"),
  CLUSTER_SNAPSHOT_EVERY("cluster.snapshot-every", "10000", "Raft log entries between two snapshots of the history; the log before a snapshot is trimmed, and a member too far behind receives the snapshot"),
  CLUSTER_REQUEST_TIMEOUT("cluster.request-timeout", "5s", "longest an ingest request waits for a majority to commit it and this member to apply it; then 503 no quorum"),
  MEMORY_HEAP_RETURN_INTERVAL("memory.heap-return-interval", "30s", "how often a running gateway has the JVM give unused heap back to the system (a concurrent collection; needs G1 and -XX:+ExplicitGCInvokesConcurrent, as bin/svcgate serve sets); at least 1s, or 0s for never (docs/operations.md, memory)"),
  LOG_FORMAT("log.format", "plain", "log format on stderr: plain (one line, local time with its offset) or json (one JSON object per line)");

  private final String key;
  private final String defaultValue;
  private final String description;
  private final boolean secret;

  ConfigKey(String key, String defaultValue, String description) {
    this(key, defaultValue, description, false);
  }

  /**
   * A key; a {@code secret} one is masked in logs and can also be read from a
   * file: {@code <key>-file} in the config file, {@code SVCGATE_…_FILE} in the
   * environment (docs/configuration.md, "Secrets from files").
   */
  ConfigKey(String key, String defaultValue, String description, boolean secret) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.description = description;
    this.secret = secret;
  }

  /** A secret: masked in {@link GatewayConfig#describe()}, and accepted from a file ({@link #fileKey()}). */
  public boolean secret() {
    return secret;
  }

  /** The key naming a file that holds this secret's value: {@code <key>-file}. */
  public String fileKey() {
    return key + "-file";
  }

  /** The environment variable naming a file that holds this secret's value: {@code SVCGATE_…_FILE}. */
  public String fileEnvName() {
    return envName() + "_FILE";
  }

  /** The dotted key. */
  public String key() {
    return key;
  }

  /** The default as a string; empty means unset. */
  public String defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }

  /** The environment variable: {@code SVCGATE_} + the key in upper case, {@code .} and {@code -} as {@code _}. */
  public String envName() {
    return "SVCGATE_" + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** The key of a dotted name, or null. */
  public static ConfigKey of(String key) {
    for (ConfigKey k : values()) {
      if (k.key.equals(key)) {
        return k;
      }
    }
    return null;
  }
}
