package io.svcgate.gateway.durable;

import io.svcgate.gateway.Gateway;
import io.svcgate.gateway.config.ConfigKey;
import io.svcgate.gateway.config.GatewayConfig;
import io.svcgate.gateway.history.FaultyHistory;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** A gateway on an ephemeral port whose history's disk writes the test controls ({@link FaultyHistory}). */
record FaultyGateway(Gateway gateway, FaultyHistory faulty) {

  static FaultyGateway start(Path dir) throws Exception {
    AtomicReference<FaultyHistory> faulty = new AtomicReference<>();
    GatewayConfig config = GatewayConfig.builder()
        .set(ConfigKey.HTTP_PORT, "0")
        .set(ConfigKey.NODENAME, "gw-test")
        .set(ConfigKey.DATA, dir.toString())
        .set(ConfigKey.HOOKS_FILE, dir.resolve("no-hooks.conf").toString())
        .build();
    Gateway gateway = Gateway.start(config, o -> {
      faulty.set(FaultyHistory.open(o));
      return faulty.get().history();
    }).await(60, TimeUnit.SECONDS);
    return new FaultyGateway(gateway, faulty.get());
  }
}
