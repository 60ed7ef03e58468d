package io.svcgate.gateway.http;

import io.svcgate.gateway.cluster.ClusterStatus;
import io.svcgate.gateway.ingest.HeartbeatIntake;
import io.svcgate.gateway.metrics.GatewayMetrics;
import io.svcgate.state.history.EventLog;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The HTTP API (docs/api.md): the server and the router, which only wires one
 * handler per concern: {@link AccessHandler} in front of every route,
 * {@link StatusHandler}, {@link HistoryHandler}, {@link StreamHandler},
 * {@link WaitHandler}, {@link IngestHandler}, {@link AdminHandler}, {@link ClusterHandler}, and
 * {@link Errors} behind them. May be deployed with several instances; each owns
 * its {@link EventFeed} and its streams. State reads and writes go to the state
 * verticle over the event bus; history pages are read on a worker.
 */
public final class HttpVerticle extends VerticleBase {

  /**
   * TLS cipher suites offered: authenticated encryption only (GCM, ChaCha20-Poly1305),
   * forward secret; TLS 1.3's own and TLS 1.2's ECDHE/DHE ones (docs/security.md).
   */
  static final List<String> AEAD_SUITES = List.of(
      "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
      "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  private final HttpOptions options;
  private final EventLog log;
  private final GatewayMetrics metrics;
  private final BooleanSupplier ready;
  private final Supplier<String> scrape;
  private final Supplier<Optional<ClusterStatus>> cluster;
  private final FrameCache frames = new FrameCache();
  private EventFeed feed;
  private HttpServer server;
  private Router router;
  private volatile boolean stopping;

  public HttpVerticle(HttpOptions options, EventLog log, GatewayMetrics metrics, BooleanSupplier ready,
                      Supplier<String> scrape) {
    this(options, log, metrics, ready, scrape, Optional::empty);
  }

  /**
   * @param cluster this member's view of its Raft group, read at each request; empty
   *                for a single gateway ({@code /api/cluster} then answers 404)
   */
  public HttpVerticle(HttpOptions options, EventLog log, GatewayMetrics metrics, BooleanSupplier ready,
                      Supplier<String> scrape, Supplier<Optional<ClusterStatus>> cluster) {
    this.options = options;
    this.log = log;
    this.metrics = metrics;
    this.ready = ready;
    this.scrape = scrape;
    this.cluster = cluster;
  }

  /** The port actually bound. */
  public int actualPort() {
    return server.actualPort();
  }

  /**
   * The routes this verticle serves, in the router's order (the access check and
   * the not-found fallback have no path). Read by the test that holds openapi.yaml
   * to the real API.
   */
  public List<Route> routes() {
    return router.getRoutes();
  }

  @Override
  public Future<?> start() {
    feed = new EventFeed(vertx, context, log);
    StateRequests state = new StateRequests(vertx);
    StatusHandler status = new StatusHandler(vertx, state, log, feed::lastId,
        () -> ready.getAsBoolean() && !stopping, scrape, cluster);
    HistoryHandler history = new HistoryHandler(vertx, log, feed::lastId);
    StreamHandler streams = new StreamHandler(vertx, options, log, feed, frames, metrics, state);
    WaitHandler waits = new WaitHandler(vertx, options, log, feed, metrics, state);
    IngestHandler ingest = new IngestHandler(new HeartbeatIntake(vertx, metrics, options.limits()));
    AdminHandler admin = new AdminHandler(state);
    ClusterHandler members = new ClusterHandler(cluster, log);

    ConnectionGuard guard = new ConnectionGuard(vertx, options.idleTimeout().toMillis(),
        options.requestTimeout().toMillis(), metrics);
    router = Router.router(vertx);
    router.route().handler(guard::started);
    router.route().handler(new BrowserGuard(options.allowedHosts(), options.corsOrigins(), metrics));
    router.route().handler(new AccessHandler(vertx, options, metrics));
    router.get("/health").handler(status::health);
    router.get("/metrics").handler(status::metrics);
    router.get("/openapi.yaml").handler(StatusHandler.resource("/openapi.yaml", "application/yaml"));
    router.get("/api/events/catalogue").handler(StatusHandler.resource("/catalogue.json", Errors.JSON));
    router.get("/api/daemon/status").handler(status::status);
    router.get("/api/nodes").handler(status::nodes);
    router.get("/api/events/stream").handler(streams::stream);
    router.get("/api/events").handler(history::page);
    router.get("/api/wait").handler(waits::waitFor);
    BodyHandler body = BodyHandler.create(false).setBodyLimit(options.maxBody());
    router.post("/api/heartbeats").handler(JsonBodyHandler.required()).handler(body).handler(ingest::heartbeats);
    router.post("/api/events").handler(JsonBodyHandler.required()).handler(body).handler(ingest::postEvent);
    router.post("/api/nodes/:nodename/ask-full").handler(JsonBodyHandler.none()).handler(admin::askFull);
    router.delete("/api/nodes/:nodename").handler(admin::forget);
    router.get("/api/cluster").handler(members::describe);
    router.put("/api/cluster/members").handler(JsonBodyHandler.required())
        .handler(BodyHandler.create(false).setBodyLimit(ClusterHandler.MAX_BODY)).handler(members::setMembers)
        .failureHandler(ClusterHandler::tooLarge);
    WebPage.mount(router);
    Errors.install(router, options.maxBody());

    // Port 0 is asked of Vert.x as -1, its "shared random port": every instance then listens
    // on the one port the first picks, and the connections are spread over them (with 0
    // each instance would get a port of its own and the others none of the connections).
    HttpServerOptions so = new HttpServerOptions().setHost(options.host()).setPort(options.port() == 0 ? -1 : options.port())
        .setCompressionSupported(false).setTcpNoDelay(true)
        // no WebSocket is served: without its compression extensions Vert.x leaves the
        // extension handler out of the pipeline, one handler less on every stream write
        .setPerFrameWebSocketCompressionSupported(false).setPerMessageWebSocketCompressionSupported(false)
        // h2c makes Vert.x hold a plain connection back until its first request head is
        // complete; without it the connection guard times the connection from its accept
        .setHttp2ClearTextEnabled(options.h2c());
    if (options.tlsCert() != null && options.tlsKey() != null) {
      so.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(options.tlsCert()).setKeyPath(options.tlsKey()))
          .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"));
      AEAD_SUITES.forEach(so::addEnabledCipherSuite);
    }
    return feed.start()
        .compose(v -> vertx.createHttpServer(so).invalidRequestHandler(Errors::invalidRequest)
            .connectionHandler(guard::connected)
            .requestHandler(req -> {
              if (Errors.decodable(req)) {
                router.handle(req);
              }
            }).listen())
        .onSuccess(s -> server = s);
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    Future<Void> f = feed.stop();
    return server == null ? f : f.compose(v -> server.close());
  }
}
