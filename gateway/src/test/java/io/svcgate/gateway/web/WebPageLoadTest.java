package io.svcgate.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.svcgate.gateway.TestGateway;
import io.svcgate.gateway.config.ConfigKey;
import io.svcgate.state.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * The page under the load of a large cluster: the simulator's 50 nodes × 200
 * services, one heartbeat per node every 750 ms (about 100 events/s with the
 * aggregates' patches). The page must keep up: again and again, the id it has
 * applied reaches the gateway's last id of a moment before, with no gap; and
 * once the simulator pauses, every cell on screen equals the gateway's document.
 * Not a timed assertion: how long it took is printed, not judged.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class WebPageLoadTest {

  static final int NODES = 50;
  static final int SERVICES = 200;
  @TempDir
  static Path dir;
  static TestGateway gw;
  static ChromeDriver driver;

  @BeforeAll
  static void start() throws Exception {
    Browser.assumeInstalled();
    gw = TestGateway.start(dir, Map.of(ConfigKey.SIMULATE, Integer.toString(NODES),
        ConfigKey.SIMULATE_SERVICES, Integer.toString(SERVICES), ConfigKey.SIMULATE_INTERVAL, "750ms"));
    driver = Browser.start(dir.resolve("chromium"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (driver != null) {
      Browser.screenshot(driver, "load-50x200");
      driver.quit();
    }
    if (gw != null) {
      gw.close();
    }
  }

  static long lastId() throws Exception {
    return gw.get("/health").bodyAsJsonObject().getLong("last_id");
  }

  /** Chromium's own counters of the page's main thread (seconds), by name. */
  @SuppressWarnings("unchecked")
  static Map<String, Double> metrics() {
    Map<String, Object> r = driver.executeCdpCommand("Performance.getMetrics", Map.of());
    Map<String, Double> out = new java.util.HashMap<>();
    for (Map<String, Object> m : (List<Map<String, Object>>) r.get("metrics")) {
      out.put((String) m.get("name"), ((Number) m.get("value")).doubleValue());
    }
    return out;
  }

  static Object js(String script) {
    return ((JavascriptExecutor) driver).executeScript(script);
  }

  static long num(String script) {
    return ((Number) js(script)).longValue();
  }

  @Test
  void aLargeBusyClusterRendersWithoutFallingBehind() throws Exception {
    // Every simulated node has sent its full.
    io.svcgate.gateway.Awaits.until("50 nodes known", () -> {
      try {
        return gw.get("/api/nodes").bodyAsJsonArray().size() == NODES;
      } catch (Exception e) {
        return false;
      }
    });
    driver.get("http://127.0.0.1:" + gw.port() + "/");
    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(90));
    wait.pollingEvery(Duration.ofMillis(50));
    wait.until(ExpectedConditions.attributeToBe(By.id("conn"), "data-state", "live"));
    wait.until(d -> d.findElements(By.cssSelector("#grid thead th[data-node]")).size() == NODES);
    wait.until(d -> d.findElements(By.cssSelector("#grid tbody tr")).size() == SERVICES);

    driver.executeCdpCommand("Performance.enable", Map.of());
    Map<String, Double> before = metrics();
    long firstId = lastId();
    long t0 = System.nanoTime();
    List<Long> lags = new ArrayList<>();
    // Over and over for about 2000 events (some 20 s): the gateway's last id now; the page must
    // apply it and draw a frame after it.
    for (int round = 0; round < 1000 && lastId() - firstId < 2000; round++) {
      long target = lastId();
      long start = System.nanoTime();
      wait.until(d -> num("return svcgate.applied;") >= target
          && Long.parseLong(d.findElement(By.tagName("body")).getAttribute("data-applied")) >= target);
      lags.add((System.nanoTime() - start) / 1_000_000);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    Map<String, Double> after = metrics();
    String renderer = String.format("script %.0f ms, style %.0f ms, layout %.0f ms, all tasks %.0f ms",
        1000 * (after.get("ScriptDuration") - before.get("ScriptDuration")),
        1000 * (after.get("RecalcStyleDuration") - before.get("RecalcStyleDuration")),
        1000 * (after.get("LayoutDuration") - before.get("LayoutDuration")),
        1000 * (after.get("TaskDuration") - before.get("TaskDuration")));
    long events = lastId() - firstId;
    assertThat(num("return svcgate.gaps;")).isZero();
    assertThat(num("return svcgate.duplicates;")).isZero();
    assertThat(events).as("the simulator kept producing events").isPositive();

    // Quiet: the grid on screen equals the gateway's document, cell by cell.
    gw.gateway.simulator().pauseAndSnapshot().await(60, TimeUnit.SECONDS);
    long quiet = lastId();
    wait.until(d -> Long.parseLong(d.findElement(By.tagName("body")).getAttribute("data-applied")) >= quiet);
    JsonNode doc = Json.parse(gw.get("/api/daemon/status").bodyAsString());
    @SuppressWarnings("unchecked")
    List<List<Object>> cells = (List<List<Object>>) js(
        "return [...document.querySelectorAll('#grid td')].map(td => [td.dataset.node, td.dataset.service, td.dataset.avail || '', td.dataset.overall || '']);");
    assertThat(cells).hasSize(NODES * SERVICES);
    int checked = 0;
    for (List<Object> c : cells) {
      JsonNode inst = doc.path("monitor").path("nodes").path((String) c.get(0)).path("services").path("status").path((String) c.get(1));
      assertThat(c.get(2)).as("avail of %s on %s", c.get(1), c.get(0)).isEqualTo(inst.path("avail").asText(""));
      assertThat(c.get(3)).as("overall of %s on %s", c.get(1), c.get(0)).isEqualTo(inst.path("overall").asText(""));
      checked++;
    }
    gw.gateway.simulator().resume();

    String report = String.format("web page under load: %d nodes x %d services, %d events in %.1f s (%.0f events/s); "
            + "time for the page to reach the gateway's last id, per round (ms): %s; frames drawn: %d; "
            + "page time reading and applying the stream: %d ms, drawing: %d ms (grid %d, feed %d); "
            + "the renderer's main thread meanwhile: %s; cells checked: %d; load average: %s%n",
        NODES, SERVICES, events, seconds, events / seconds, lags, num("return svcgate.frames;"),
        num("return Math.round(svcgate.readMs);"), num("return Math.round(svcgate.drawMs);"),
        num("return Math.round(svcgate.gridMs);"), num("return Math.round(svcgate.feedMs);"), renderer, checked,
        Files.readString(Path.of("/proc/loadavg")).trim());
    System.out.print(report);
    Files.createDirectories(Browser.SCREENSHOTS);
    Files.writeString(Browser.SCREENSHOTS.resolve("load-50x200.txt"), report);
  }
}
