package io.svcgate.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.gateway.TestGateway;
import io.svcgate.gateway.config.ConfigKey;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A page cut off for longer than the gateway keeps history: on reconnect its
 * resume answers 410, and the page says so in the feed, reloads the document
 * and goes live again, never pretending nothing was missed.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class WebPageHistoryGoneTest {

  @TempDir
  static Path dir;
  static TestGateway gw;
  static ChromeDriver driver;

  @BeforeAll
  static void start() throws Exception {
    Browser.assumeInstalled();
    gw = TestGateway.start(dir, Map.of(ConfigKey.HISTORY_MAX_EVENTS, "20", ConfigKey.HISTORY_RETENTION_INTERVAL, "100ms"));
    driver = Browser.start(dir.resolve("chromium"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (driver != null) {
      Browser.screenshot(driver, "historyGone");
      driver.quit();
    }
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  void aResumeBeyondTheHistorySaysSoAndReloads() throws Exception {
    try (CuttableProxy proxy = CuttableProxy.start(gw.clientVertx, gw.port())) {
      WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
      wait.pollingEvery(Duration.ofMillis(25));
      driver.get("http://127.0.0.1:" + proxy.port() + "/");
      wait.until(ExpectedConditions.attributeToBe(By.id("conn"), "data-state", "live"));
      long seen = gw.ingest(TestGateway.full("web-g", 1, TestGateway.nodeData(0)));
      wait.until(d -> ((Number) ((JavascriptExecutor) d).executeScript("return svcgate.applied;")).longValue() >= seen);

      proxy.down();
      wait.until(ExpectedConditions.attributeToBe(By.id("conn"), "data-state", "retrying"));
      long last = 0;
      for (int i = 0; i < 60; i++) {
        last = gw.post("/api/events", new JsonObject().put("nodename", "web-g").put("kind", "event")
            .put("data", new JsonObject().put("id", "node_config_change"))).bodyAsJsonObject().getLong("id");
      }
      // Retention has dropped the events right after the page's last id.
      io.svcgate.gateway.Awaits.until("history trimmed", () -> {
        try {
          HttpResponse<Buffer> r = gw.get("/api/events?after=" + seen);
          return r.statusCode() == 410;
        } catch (Exception e) {
          return false;
        }
      });
      proxy.up();

      long end = last;
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#feed li.gap"), "are gone from the gateway's history"));
      wait.until(ExpectedConditions.attributeToBe(By.id("conn"), "data-state", "live"));
      wait.until(d -> ((Number) ((JavascriptExecutor) d).executeScript("return svcgate.applied;")).longValue() >= end);
      assertThat(driver.findElement(By.cssSelector("#feed li.gap")).getText()).contains("events after " + seen);
      // The reloaded document is the gateway's: web-g's cell is there.
      wait.until(ExpectedConditions.attributeToBe(By.cssSelector("td[data-node='web-g'][data-service='ns1/svc/web']"),
          "data-avail", "up"));
    }
  }
}
