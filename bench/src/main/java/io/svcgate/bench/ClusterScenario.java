package io.svcgate.bench;

import io.svcgate.gateway.cluster.ClusterStatus;
import io.svcgate.gateway.config.ConfigKey;
import io.vertx.core.http.HttpClient;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * P9 (docs/benchmarks.md, "Several members (Raft)"): the ingest of a group of three
 * Raft members (in this JVM, each with its own Vert.x, data directory and Raft port on
 * loopback) against one gateway alone, with P2's workload through the leader's event
 * bus and P3's over HTTP to the leader (16 connections). The time from a leader's
 * SIGKILL to the first acknowledged write needs processes: RaftMembersTest measures
 * it (docs/benchmarks.md says how to rerun it).
 */
final class ClusterScenario {

  private final LoadDriver d;

  ClusterScenario(LoadDriver d) {
    this.d = d;
  }

  void run() throws Exception {
    double alone2;
    double alone3;
    try (LocalGateway gw = LocalGateway.start(d.loadConfig())) {
      alone2 = p2(gw, "P9 alone");
      alone3 = p3(gw.base(), "P9 alone");
    }
    List<LocalGateway> members = new ArrayList<>();
    try {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        try (ServerSocket s = new ServerSocket(0)) {
          ids.add("127.0.0.1:" + s.getLocalPort());
        }
      }
      for (String id : ids) {
        Map<ConfigKey, String> c = new LinkedHashMap<>(d.loadConfig());
        c.put(ConfigKey.CLUSTER, "true");
        c.put(ConfigKey.CLUSTER_PORT, id.substring(id.indexOf(':') + 1));
        c.put(ConfigKey.CLUSTER_MEMBERS, String.join(",", ids));
        c.remove(ConfigKey.NODENAME);
        members.add(LocalGateway.start(Files.createTempDirectory("svcgate-bench-raft-"), c, true));
      }
      LocalGateway leader = awaitLeader(members);
      double group2 = p2(leader, "P9 3 members");
      double group3 = p3(leader.base(), "P9 3 members");
      d.results.add("P9 ingest via event bus, durable, 3 members (leader)", "generations/s", Results.Goal.none(), group2);
      d.results.add("P9 ingest via event bus, durable, 1 gateway alone", "generations/s", Results.Goal.none(), alone2);
      d.results.add("P9 ingest via event bus, 3 members / 1 alone", "ratio", Results.Goal.atLeast(0.5, "≥ 0.5"),
          group2 / alone2);
      d.results.add("P9 ingest via HTTP, 16 connections, 3 members (leader)", "requests/s", Results.Goal.none(), group3);
      d.results.add("P9 ingest via HTTP, 16 connections, 1 gateway alone", "requests/s", Results.Goal.none(), alone3);
      d.results.add("P9 ingest via HTTP, 3 members / 1 alone", "ratio", Results.Goal.atLeast(0.5, "≥ 0.5"),
          group3 / alone3);
    } finally {
      for (LocalGateway m : members) {
        m.close();
      }
    }
  }

  private static LocalGateway awaitLeader(List<LocalGateway> members) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      for (LocalGateway m : members) {
        ClusterStatus c = m.gateway.cluster().orElseThrow();
        if (c.role() == ClusterStatus.Role.LEADER && c.unhealthy().isEmpty()) {
          return m;
        }
      }
      LockSupport.parkNanos(50_000_000);
    }
    throw new IllegalStateException("no leader within 60 s");
  }

  private double p2(LocalGateway gw, String what) throws Exception {
    Feeder f = new Feeder(gw.gateway.vertx().getOrCreateContext(), LoadDriver.busTransport(gw.gateway.vertx()),
        d.workload(), d.options.nodes, 8, 0);
    Feeder.Outcome o = f.run(d.options.warmupMs(), d.options.durationMs()).await(5, TimeUnit.MINUTES);
    LoadDriver.note(what + " (bus)", o);
    return o.generationsPerSecond();
  }

  private double p3(String base, String what) throws Exception {
    HttpClient http = d.httpClient(16);
    try {
      Feeder f = new Feeder(d.client.getOrCreateContext(), LoadDriver.httpTransport(http, base), d.workload(), 16, 1, 0);
      Feeder.Outcome o = f.run(d.options.warmupMs(), d.options.durationMs()).await(5, TimeUnit.MINUTES);
      LoadDriver.note(what + " (HTTP)", o);
      return o.messagesPerSecond();
    } finally {
      http.close().await(10, TimeUnit.SECONDS);
    }
  }
}
