package io.svcgate.gateway.cli;

import io.svcgate.gateway.Gateway;
import io.svcgate.gateway.HeapReturn;
import io.svcgate.gateway.Logging;
import io.svcgate.gateway.config.ConfigException;
import io.svcgate.gateway.config.ConfigKey;
import io.svcgate.gateway.config.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code svcgate serve}: runs the gateway until SIGTERM or Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Run the gateway. Every flag also has a config key and a SVCGATE_… environment variable "
        + "(see docs/configuration.md); flags win over the environment, which wins over the file.")
public final class ServeCommand implements Callable<Integer> {

  @Option(names = "--config", paramLabel = "FILE", description = "configuration file (YAML or JSON)")
  Path configFile;
  @Option(names = "--defaults", paramLabel = "FILE",
      description = "a configuration file read before --config, which it gives way to (the container image's and "
          + "the systemd unit's)")
  Path defaultsFile;
  @Option(names = "--http-port", paramLabel = "P", description = "HTTP port (default 1215)")
  Integer httpPort;
  @Option(names = "--data", paramLabel = "DIR", description = "data directory (default ./data)")
  String data;
  @Option(names = "--simulate", paramLabel = "N", description = "run the built-in simulator with N nodes")
  Integer simulate;
  @Option(names = "--hooks", paramLabel = "FILE", description = "hooks file (INI; default etc/node.conf when it exists)")
  String hooks;
  @Option(names = "--jmx-port", paramLabel = "P", description = "open remote JMX on this port")
  Integer jmxPort;
  @Option(names = "--bridge-port", paramLabel = "P", description = "open the TCP event-bus bridge on this port")
  Integer bridgePort;
  @Option(names = "--raw-port", paramLabel = "P",
      description = "open the OpenSVC raw listener (om clients, relay heartbeat) on this port; OpenSVC's own is 1214. "
          + "Needs the cluster secret in the config file, SVCGATE_CLUSTER_SECRET or cluster.secret-file (docs/opensvc.md)")
  Integer rawPort;
  @Option(names = "--cluster",
      description = "run as a member of a Raft group of gateways holding one history (docs/clustering.md)")
  boolean cluster;
  @Option(names = "--cluster-host", paramLabel = "H",
      description = "this member's Raft address, bound and part of its id (default 127.0.0.1)")
  String clusterHost;
  @Option(names = "--cluster-port", paramLabel = "P", description = "this member's Raft port (default 7101)")
  Integer clusterPort;
  @Option(names = "--cluster-members", paramLabel = "H:P,…",
      description = "every member's Raft address, this one included (1 to 7)")
  String clusterMembers;

  @Override
  public Integer call() throws Exception {
    Map<ConfigKey, String> flags = new EnumMap<>(ConfigKey.class);
    put(flags, ConfigKey.HTTP_PORT, httpPort);
    put(flags, ConfigKey.DATA, data);
    put(flags, ConfigKey.SIMULATE, simulate);
    put(flags, ConfigKey.HOOKS_FILE, hooks);
    put(flags, ConfigKey.JMX_PORT, jmxPort);
    put(flags, ConfigKey.BRIDGE_PORT, bridgePort);
    if (cluster) {
      flags.put(ConfigKey.CLUSTER, "true");
    }
    put(flags, ConfigKey.CLUSTER_HOST, clusterHost);
    put(flags, ConfigKey.CLUSTER_PORT, clusterPort);
    put(flags, ConfigKey.CLUSTER_MEMBERS, clusterMembers);
    put(flags, ConfigKey.RAW_PORT, rawPort);
    for (Path f : new Path[] {defaultsFile, configFile}) {
      if (f != null && !Files.isReadable(f)) {
        System.err.println(Main.program() + ": cannot read config file " + f);
        return 2;
      }
    }
    GatewayConfig config;
    Gateway gateway;
    Duration heapReturnInterval;
    try {
      config = GatewayConfig.load(defaultsFile, configFile, System.getenv(), flags);
      Logging.apply(Logging.format(config));
      heapReturnInterval = heapReturnInterval(config);
      gateway = Gateway.start(config).await(2, TimeUnit.MINUTES);
    } catch (ConfigException e) {
      System.err.println(Main.program() + ": " + e.getMessage());
      return 2;
    } catch (Exception e) {
      Throwable t = e.getCause() != null && e.getMessage() == null ? e.getCause() : e;
      System.err.println(Main.program() + ": cannot start: " + t.getMessage());
      return 3;
    }
    // one per process: the heap is the JVM's, whatever runs in it
    Optional<HeapReturn> heapReturn = HeapReturn.start(heapReturnInterval);
    // SIGTERM (systemd, docker stop, kill) and Ctrl-C stop gracefully and exit 0; any
    // other way the JVM shuts down (SIGHUP, System.exit) stops gracefully in a shutdown hook.
    CountDownLatch stopAsked = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    handleSigterm(stopAsked::countDown);
    Interrupts.Registration onCtrlC = Interrupts.listen(stopAsked::countDown);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stopAsked.countDown();
      try {
        stopped.await(40, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "svcgate-shutdown"));
    stopAsked.await();
    heapReturn.ifPresent(HeapReturn::close);
    int code = 0;
    try {
      gateway.stop().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println(Main.program() + ": unclean stop: " + e.getMessage());
      code = 1;
    } finally {
      onCtrlC.close();
      stopped.countDown();
    }
    if (!shuttingDown()) {
      // stopped on a signal: the graceful stop is done, exit with its code rather than 143 or 130
      System.exit(code);
    }
    return code;
  }

  /** Routes SIGTERM to {@code action} instead of the JVM's shutdown; false when the JVM does not allow it. */
  private static boolean handleSigterm(Runnable action) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("TERM"), sig -> action.run());
      return true;
    } catch (IllegalArgumentException | LinkageError e) {
      return false;
    }
  }

  private static boolean shuttingDown() {
    try {
      Thread probe = new Thread(() -> { });
      Runtime.getRuntime().addShutdownHook(probe);
      Runtime.getRuntime().removeShutdownHook(probe);
      return false;
    } catch (IllegalStateException e) {
      return true;
    }
  }

  /** {@code memory.heap-return-interval}: 0s (off) or at least a second. */
  private static Duration heapReturnInterval(GatewayConfig config) {
    Duration d = config.duration(ConfigKey.MEMORY_HEAP_RETURN_INTERVAL);
    if (!d.isZero() && d.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new ConfigException(ConfigKey.MEMORY_HEAP_RETURN_INTERVAL.key() + " must be 0s (never) or at least 1s, got "
          + config.string(ConfigKey.MEMORY_HEAP_RETURN_INTERVAL));
    }
    return d;
  }

  private static void put(Map<ConfigKey, String> flags, ConfigKey key, Object value) {
    if (value != null) {
      flags.put(key, String.valueOf(value));
    }
  }
}
