package io.svcgate.gateway.web;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A TCP relay on loopback between the browser and the gateway that a test can
 * cut: {@link #down()} closes every connection and refuses new ones (the gateway
 * looks unreachable), {@link #up()} lets them through again.
 */
final class CuttableProxy implements AutoCloseable {

  private final NetServer server;
  private final NetClient client;
  private final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean down;

  private CuttableProxy(NetServer server, NetClient client) {
    this.server = server;
    this.client = client;
  }

  static CuttableProxy start(Vertx vertx, int targetPort) throws Exception {
    NetClient client = vertx.createNetClient();
    CuttableProxy[] self = new CuttableProxy[1];
    NetServer server = vertx.createNetServer().connectHandler(in -> {
      if (self[0].down) {
        in.close();
        return;
      }
      in.pause();
      client.connect(targetPort, "127.0.0.1").onComplete(ar -> {
        if (ar.failed() || self[0].down) {
          in.close();
          if (ar.succeeded()) {
            ar.result().close();
          }
          return;
        }
        NetSocket out = ar.result();
        self[0].open.add(in);
        self[0].open.add(out);
        in.closeHandler(v -> {
          self[0].open.remove(in);
          out.close();
        });
        out.closeHandler(v -> {
          self[0].open.remove(out);
          in.close();
        });
        in.handler(out::write);
        out.handler(in::write);
        in.resume();
      });
    });
    self[0] = new CuttableProxy(server, client);
    server.listen(0, "127.0.0.1").await(30, TimeUnit.SECONDS);
    return self[0];
  }

  int port() {
    return server.actualPort();
  }

  /** Cuts every connection and refuses new ones. */
  void down() {
    down = true;
    open.forEach(NetSocket::close);
  }

  /** Accepts connections again. */
  void up() {
    down = false;
  }

  @Override
  public void close() throws Exception {
    down();
    server.close().await(30, TimeUnit.SECONDS);
    client.close().await(30, TimeUnit.SECONDS);
  }
}
