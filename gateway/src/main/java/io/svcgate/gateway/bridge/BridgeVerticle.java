package io.svcgate.gateway.bridge;

import io.svcgate.gateway.Addresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP event-bus bridge for non-JVM agents (docs/api.md): inbound only
 * {@link Addresses#HB_RX}, outbound only {@link Addresses#EVENTS} and
 * {@link Addresses#HB_ASKFULL}; nothing else crosses it. Frames are Vert.x's
 * bridge protocol: a 4-byte big-endian length, then a JSON object.
 */
public final class BridgeVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(BridgeVerticle.class);

  private final String host;
  private final int port;
  private TcpEventBusBridge bridge;

  public BridgeVerticle(String host, int port) {
    this.host = host;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    BridgeOptions options = new BridgeOptions()
        .addInboundPermitted(new PermittedOptions().setAddress(Addresses.HB_RX))
        .addOutboundPermitted(new PermittedOptions().setAddress(Addresses.EVENTS))
        .addOutboundPermitted(new PermittedOptions().setAddress(Addresses.HB_ASKFULL));
    bridge = TcpEventBusBridge.create(vertx, options);
    return bridge.listen(port, host).onSuccess(b -> LOG.info("TCP event-bus bridge listening on {}:{}", host, port));
  }

  @Override
  public Future<?> stop() {
    return bridge == null ? Future.succeededFuture() : bridge.close();
  }
}
