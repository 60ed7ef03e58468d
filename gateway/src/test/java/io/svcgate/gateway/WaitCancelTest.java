package io.svcgate.gateway;

import static io.svcgate.gateway.TestGateway.full;
import static io.svcgate.gateway.TestGateway.nodeData;
import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.gateway.config.ConfigKey;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A wait ends when its own client goes, however many requests share the
 * connection: several waits on one HTTP/2 connection, one stream reset, then the
 * connection closed.
 */
@Timeout(90)
class WaitCancelTest {

  private static final String NEVER = "filter=monitor.nodes.n1.frozen%3D42&duration=10m";

  @TempDir
  Path dir;
  TestGateway gw;
  HttpClient h2;

  @BeforeEach
  void start() throws Exception {
    gw = TestGateway.start(dir, Map.of(ConfigKey.WAIT_MAX, "10m", ConfigKey.HTTP_H2C, "true"));
    gw.ingest(full("n1", 1, nodeData(0)));
    // HTTP/2 over cleartext with prior knowledge, one connection for every request
    h2 = gw.clientVertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false).setDefaultHost("127.0.0.1").setDefaultPort(gw.port()),
        new PoolOptions().setHttp2MaxSize(1));
  }

  @AfterEach
  void stop() throws Exception {
    h2.close().await(30, TimeUnit.SECONDS);
    gw.close();
  }

  private HttpClientRequest openWait(String query) throws Exception {
    HttpClientRequest req = h2.request(new RequestOptions().setMethod(HttpMethod.GET).setURI("/api/wait?" + query))
        .await(30, TimeUnit.SECONDS);
    req.send();
    return req;
  }

  @Test
  void eachWaitEndsWithItsOwnRequestOnASharedConnection() throws Exception {
    List<HttpClientRequest> waits = new ArrayList<>();
    waits.add(openWait(NEVER));
    waits.add(openWait(NEVER));
    waits.add(openWait("on=events&filter=data.id%3Dnever&duration=10m"));
    waits.add(openWait("on=events&filter=data.id%3Dnever&duration=10m"));
    Awaits.until("four waits registered", () -> gw.gateway.metrics().waiters() == 4);
    assertThat(waits.get(0).connection()).isSameAs(waits.get(3).connection());

    // the client gives up on one wait of each kind: its stream is reset, the connection stays
    waits.get(0).reset();
    waits.get(2).reset();
    Awaits.until("the two reset waits cancelled", () -> gw.gateway.metrics().waiters() == 2);

    // then the connection goes: every wait still on it ends, not only the last one filed
    waits.get(1).connection().close();
    Awaits.until("every wait cancelled", () -> gw.gateway.metrics().waiters() == 0);
  }

  @Test
  void aWaitOnAKeepAliveConnectionIsCancelledAfterAnotherRequestUsedIt() throws Exception {
    HttpClient h1 = gw.clientVertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
        .setDefaultHost("127.0.0.1").setDefaultPort(gw.port()), new PoolOptions().setHttp1MaxSize(1));
    try {
      HttpClientRequest stream = h1.request(new RequestOptions().setURI("/api/events/stream?limit=1&after=0"))
          .await(30, TimeUnit.SECONDS);
      assertThat(stream.send().compose(r -> r.body()).await(30, TimeUnit.SECONDS).toString()).contains("monitor_started");
      HttpClientRequest wait = h1.request(new RequestOptions().setURI("/api/wait?" + NEVER)).await(30, TimeUnit.SECONDS);
      assertThat(wait.connection()).isSameAs(stream.connection());
      wait.send();
      Awaits.until("the wait registered", () -> gw.gateway.metrics().waiters() == 1);
      wait.connection().close();
      Awaits.until("the wait cancelled", () -> gw.gateway.metrics().waiters() == 0);
    } finally {
      h1.close().await(30, TimeUnit.SECONDS);
    }
  }
}
