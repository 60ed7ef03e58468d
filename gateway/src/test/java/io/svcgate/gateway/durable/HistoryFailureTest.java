package io.svcgate.gateway.durable;

import static io.svcgate.gateway.TestGateway.full;
import static io.svcgate.gateway.TestGateway.nodeData;
import static io.svcgate.gateway.TestGateway.patch;
import static io.svcgate.gateway.TestGateway.set;
import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.gateway.Gateway;
import io.svcgate.gateway.history.FaultyHistory;
import io.svcgate.gateway.history.HistoryStoreException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the disk refuses a history write, the gateway cannot number changes without a
 * gap: it reports DOWN on /health (503) and refuses every change with 503 and the
 * reason, while what is durable stays readable.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HistoryFailureTest {

  @TempDir
  Path dir;

  @Test
  void aFailedWriteMakesTheGatewayDownAndRefuseChanges() throws Exception {
    FaultyGateway started = FaultyGateway.start(dir);
    Gateway gateway = started.gateway();
    FaultyHistory faulty = started.faulty();
    Vertx vertx = Vertx.vertx();
    WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(gateway.httpPort()));
    try {
      assertThat(get(client, "/health").statusCode()).isEqualTo(200);
      HttpResponse<Buffer> ok = post(client, full("n1", 1, nodeData(0)));
      assertThat(ok.statusCode()).isEqualTo(202);
      long lastDurable = ok.bodyAsJsonObject().getLong("id");

      faulty.failWrites(new HistoryStoreException("No space left on device"));
      HttpResponse<Buffer> failed = post(client, patch("n1", 2, set(2, "stats")));
      assertThat(failed.statusCode()).isEqualTo(503);
      assertThat(failed.bodyAsJsonObject().getString("error")).contains("No space left on device");

      HttpResponse<Buffer> health = get(client, "/health");
      assertThat(health.statusCode()).isEqualTo(503);
      assertThat(health.bodyAsJsonObject().getString("status")).isEqualTo("DOWN");

      // every later change is refused at once, with the reason
      HttpResponse<Buffer> refused = post(client, patch("n1", 3, set(3, "stats")));
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.bodyAsJsonObject().getString("error"))
          .contains("writing the history failed").contains("No space left on device");
      HttpResponse<Buffer> forget = client.delete("/api/nodes/n1").send().await(30, TimeUnit.SECONDS);
      assertThat(forget.statusCode()).isEqualTo(503);

      // what is durable stays readable, and nothing beyond it is served
      JsonObject page = get(client, "/api/events?after=0").bodyAsJsonObject();
      assertThat(page.getLong("last")).isEqualTo(lastDurable);
      assertThat(page.getJsonArray("events")).hasSize((int) lastDurable);
    } finally {
      client.close();
      vertx.close().await(30, TimeUnit.SECONDS);
      gateway.stop().await(60, TimeUnit.SECONDS);
    }
  }

  private static HttpResponse<Buffer> get(WebClient c, String uri) throws Exception {
    return c.get(uri).send().await(30, TimeUnit.SECONDS);
  }

  private static HttpResponse<Buffer> post(WebClient c, JsonObject body) throws Exception {
    return c.post("/api/heartbeats").putHeader("content-type", "application/json").sendBuffer(body.toBuffer())
        .await(30, TimeUnit.SECONDS);
  }
}
