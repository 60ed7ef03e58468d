package io.svcgate.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.gateway.TestGateway;
import io.svcgate.gateway.config.ConfigKey;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web page (docs/dashboard.md) in a real headless Chromium, against a real
 * gateway running the simulator, through what an operator does: load the page,
 * paste a token, look at the grid and the feed, type filters, wait. Screenshots
 * of every test land in {@code target/screenshots}.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.MethodName.class)
class WebPageTest {

  static final String ADMIN = "atok";
  @TempDir
  static Path dir;
  static TestGateway gw;
  static ChromeDriver driver;
  static String base;
  private String testName;

  @BeforeAll
  static void start() throws Exception {
    Browser.assumeInstalled();
    gw = TestGateway.start(dir, Map.of(ConfigKey.SIMULATE, "3", ConfigKey.SIMULATE_SERVICES, "6",
        ConfigKey.AUTH_TOKENS, ADMIN + ":admin,rtok:read"));
    base = "http://127.0.0.1:" + gw.port();
    driver = Browser.start(dir.resolve("chromium"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (driver != null) {
      driver.quit();
    }
    if (gw != null) {
      gw.close();
    }
  }

  @BeforeEach
  void name(TestInfo info) {
    testName = info.getTestMethod().map(m -> m.getName()).orElse("test");
  }

  @AfterEach
  void screenshot() throws Exception {
    Browser.screenshot(driver, testName);
  }

  // ---- helpers

  static WebDriverWait waiting(Duration d) {
    WebDriverWait w = new WebDriverWait(driver, d);
    w.pollingEvery(Duration.ofMillis(25));
    return w;
  }

  static WebDriverWait waiting() {
    return waiting(Duration.ofSeconds(30));
  }

  /** Loads the page, pastes the admin token, and waits until the stream is live. */
  static void openWithToken(String url) {
    driver.get(url);
    WebElement token = driver.findElement(By.id("token"));
    token.sendKeys(ADMIN, Keys.ENTER);
    waiting().until(ExpectedConditions.attributeToBe(By.id("conn"), "data-state", "live"));
  }

  static long applied() {
    Object v = ((JavascriptExecutor) driver).executeScript("return svcgate.applied;");
    return ((Number) v).longValue();
  }

  static Object js(String script) {
    return ((JavascriptExecutor) driver).executeScript(script);
  }

  static HttpResponse<Buffer> send(HttpMethod m, String uri, String token, Object body) throws Exception {
    var req = gw.client.request(m, uri);
    if (token != null) {
      req.putHeader("Authorization", "Bearer " + token);
    }
    if (body == null) {
      return req.send().await(30, TimeUnit.SECONDS);
    }
    return req.putHeader("content-type", "application/json").sendBuffer(Buffer.buffer(body.toString()))
        .await(30, TimeUnit.SECONDS);
  }

  static long post(String uri, JsonObject body) throws Exception {
    HttpResponse<Buffer> r = send(HttpMethod.POST, uri, ADMIN, body);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
    return r.bodyAsJsonObject().getLong("id");
  }

  static By cell(String node, String service) {
    return By.cssSelector("td[data-node='" + node + "'][data-service='" + service + "']");
  }

  // ---- the tests

  @Test
  void thePageLoadsWithoutATokenAndTheStreamNeedsOne() throws Exception {
    HttpResponse<Buffer> page = send(HttpMethod.GET, "/", null, null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.getHeader("content-type")).startsWith("text/html");
    assertThat(page.getHeader("Content-Security-Policy")).contains("default-src 'self'");
    assertThat(page.getHeader("Cache-Control")).isEqualTo("no-cache");
    assertThat(send(HttpMethod.GET, "/ui/app.js", null, null).statusCode()).isEqualTo(200);
    assertThat(send(HttpMethod.GET, "/api/daemon/status", null, null).statusCode()).isEqualTo(401);
    assertThat(send(HttpMethod.GET, "/ui/nothing.js", null, null).statusCode()).isEqualTo(404);

    driver.get(base + "/");
    js("sessionStorage.clear();");
    driver.navigate().refresh();
    waiting().until(ExpectedConditions.attributeToBe(By.id("conn"), "data-state", "refused"));
    assertThat(driver.findElement(By.id("conn")).getText()).contains("needs a token");

    driver.findElement(By.id("token")).sendKeys("wrong", Keys.ENTER);
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("conn"), "the token was refused"));

    driver.findElement(By.id("token")).sendKeys(ADMIN, Keys.ENTER);
    waiting().until(ExpectedConditions.attributeToBe(By.id("conn"), "data-state", "live"));
    assertThat(js("return sessionStorage.getItem('svcgate.token');")).isEqualTo(ADMIN);
    // Kept for the session: a reload goes live without asking again.
    driver.navigate().refresh();
    waiting().until(ExpectedConditions.attributeToBe(By.id("conn"), "data-state", "live"));
  }

  @Test
  void theGridShowsTheSimulatorsNodesAndServices() {
    openWithToken(base + "/");
    for (String n : List.of("sim-n1", "sim-n2", "sim-n3")) {
      waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("th[data-node='" + n + "']")));
    }
    waiting().until(ExpectedConditions.presenceOfElementLocated(cell("sim-n1", "ns1/svc/web1")));
    WebElement c = driver.findElement(cell("sim-n1", "ns1/svc/web1"));
    assertThat(c.getAttribute("data-avail")).isIn("up", "down", "warn");
    assertThat(c.getAttribute("title")).startsWith("ns1/svc/web1 on sim-n1: avail ");
    // Row heads carry the aggregates of monitor.services.
    WebElement row = driver.findElement(By.cssSelector("th[data-service='ns1/svc/web1']"));
    assertThat(row.getAttribute("title")).contains("avail").contains("placement");
    assertThat(driver.findElement(By.cssSelector("th[data-node='sim-n1']")).getAttribute("data-status")).isEqualTo("beating");
  }

  @Test
  void aHeartbeatChangesItsCellWithinASecond() throws Exception {
    openWithToken(base + "/");
    JsonObject data = TestGateway.nodeData(0);
    post("/api/heartbeats", TestGateway.full("web-hb", 1, data));
    waiting().until(ExpectedConditions.attributeToBe(cell("web-hb", "ns1/svc/web"), "data-avail", "up"));

    post("/api/heartbeats", TestGateway.patch("web-hb", 2,
        TestGateway.set("down", "services", "status", "ns1/svc/web", "avail"),
        TestGateway.set(1764147001.5, "services", "status", "ns1/svc/web", "frozen")));
    // From the 202 (the events are durable and published) to the cell on screen.
    waiting(Duration.ofSeconds(1)).until(ExpectedConditions.attributeToBe(cell("web-hb", "ns1/svc/web"), "data-avail", "down"));
    WebElement c = driver.findElement(cell("web-hb", "ns1/svc/web"));
    assertThat(c.getText()).startsWith("❄").contains("↓");
    assertThat(c.getAttribute("data-frozen")).isEqualTo("1");
    assertThat(c.getAttribute("class")).contains("s-down");

    post("/api/heartbeats", TestGateway.patch("web-hb", 3, TestGateway.set(1764147002.5, "frozen")));
    waiting(Duration.ofSeconds(1)).until(ExpectedConditions.attributeToBe(By.cssSelector("th[data-node='web-hb']"), "data-frozen", "1"));
  }

  @Test
  void nodeEventsAreSentencesAndTheFeedFilters() throws Exception {
    openWithToken(base + "/");
    long freeze = post("/api/events", new JsonObject().put("nodename", "web-ev").put("kind", "event")
        .put("data", new JsonObject().put("id", "node_freeze").put("reason", "target")));
    long restart = post("/api/events", new JsonObject().put("nodename", "web-ev").put("kind", "event")
        .put("data", new JsonObject().put("id", "resource_restart").put("path", "ns1/svc/web").put("rid", "app#1")
            .put("try", 2).put("restart", 3)));
    By freezeItem = By.cssSelector("#feed li[data-id='" + freeze + "']");
    By restartItem = By.cssSelector("#feed li[data-id='" + restart + "']");
    waiting().until(ExpectedConditions.presenceOfElementLocated(restartItem));
    assertThat(driver.findElement(freezeItem).getText()).contains("web-ev: freeze node (reason: target)");
    assertThat(driver.findElement(restartItem).getText())
        .contains("web-ev: restart resource app#1, try 2/3 — ns1/svc/web");
    // Newest first.
    List<WebElement> items = driver.findElements(By.cssSelector("#feed > li[data-id]"));
    assertThat(Long.parseLong(items.get(0).getAttribute("data-id"))).isGreaterThanOrEqualTo(restart);

    // A patch event opens into its stanzas.
    WebElement patch = driver.findElement(By.cssSelector("#feed li[data-kind='patch'] summary"));
    patch.sendKeys(Keys.ENTER);
    WebElement stanza = waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#feed li[data-kind='patch'] li.stanza")));
    assertThat(stanza.getText()).matches("(set|delete) .*");

    // Filters: only events of web-ev with the id resource_restart.
    driver.findElement(By.id("feed-node")).sendKeys("web-ev");
    driver.findElement(By.id("feed-eventid")).sendKeys("resource_restart");
    waiting().until(d -> d.findElements(By.cssSelector("#feed > li[data-id]")).size() == 1);
    assertThat(driver.findElement(By.cssSelector("#feed > li[data-id]")).getAttribute("data-id")).isEqualTo(Long.toString(restart));
    // Kinds: unticking node events leaves nothing of this node (it sent no patch).
    driver.findElement(By.id("feed-eventid")).clear();
    driver.findElement(By.id("kind-event")).click();
    waiting().until(d -> d.findElements(By.cssSelector("#feed > li[data-id]")).isEmpty());
    driver.findElement(By.id("kind-event")).click();

    // Pause: new events are held, not drawn; resume draws them.
    driver.findElement(By.id("pause")).click();
    long held = post("/api/events", new JsonObject().put("nodename", "web-ev").put("kind", "event")
        .put("data", new JsonObject().put("id", "node_thaw")));
    waiting().until(d -> applied() >= held);
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("feed-state"), "held"));
    assertThat(driver.findElements(By.cssSelector("#feed li[data-id='" + held + "']"))).isEmpty();
    driver.findElement(By.id("pause")).click();
    waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#feed li[data-id='" + held + "']")));
    assertThat(driver.findElement(By.cssSelector("#feed li[data-id='" + held + "']")).getText()).contains("web-ev: thaw node");
  }

  @Test
  void aFilterShowsItsMatchesLiveAndAWaitTurnsGreen() throws Exception {
    openWithToken(base + "/");
    post("/api/heartbeats", TestGateway.full("web-f", 1, TestGateway.nodeData(0)));
    WebElement box = driver.findElement(By.id("filter"));

    // A malformed filter: the gateway's message, nothing shown.
    box.sendKeys("monitor.nodes.", Keys.ENTER);
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("filter-error"), "expected a key"));

    box.clear();
    box.sendKeys("monitor.nodes.*.frozen", Keys.ENTER);
    By webF = By.cssSelector("#matches li[data-path='[\"monitor\",\"nodes\",\"web-f\",\"frozen\"]']");
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(webF, "monitor.nodes.web-f.frozen = 0"));
    assertThat(driver.findElements(By.cssSelector("#matches li")).size()).isGreaterThanOrEqualTo(4);
    // Live: a patch changes the match without any action.
    post("/api/heartbeats", TestGateway.patch("web-f", 2, TestGateway.set(7, "frozen")));
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(webF, "monitor.nodes.web-f.frozen = 7"));

    // A condition and a wait: waiting (elapsed counting), then green once a heartbeat makes it hold.
    box.clear();
    box.sendKeys("monitor.nodes.web-f.monitor.status=thawing");
    driver.findElement(By.id("wait")).click();
    waiting().until(ExpectedConditions.attributeToBe(By.id("wait-state"), "data-state", "waiting"));
    String first = driver.findElement(By.id("wait-elapsed")).getText();
    assertThat(first).matches("\\d+\\.\\d s");
    waiting().until(d -> !d.findElement(By.id("wait-elapsed")).getText().equals(first)); // the elapsed time moves
    assertThat(driver.findElement(By.id("filter-holds")).getAttribute("data-holds")).isEqualTo("false");
    post("/api/heartbeats", TestGateway.patch("web-f", 3, TestGateway.set("thawing", "monitor", "status")));
    waiting().until(ExpectedConditions.attributeToBe(By.id("wait-state"), "data-state", "satisfied"));
    assertThat(driver.findElement(By.id("wait-state")).getText()).contains("satisfied after");
    assertThat(driver.findElement(By.id("wait-state")).getCssValue("background-color")).isEqualTo("rgba(213, 240, 213, 1)");
    waiting().until(ExpectedConditions.attributeToBe(By.id("filter-holds"), "data-holds", "true"));
  }

  @Test
  void aReconnectLosesNothingAndRepeatsNothing() throws Exception {
    try (CuttableProxy proxy = CuttableProxy.start(gw.clientVertx, gw.port())) {
      openWithToken("http://127.0.0.1:" + proxy.port() + "/");
      post("/api/heartbeats", TestGateway.full("web-rc", 1, TestGateway.nodeData(0)));
      long before = post("/api/events", new JsonObject().put("nodename", "web-rc").put("kind", "event")
          .put("data", new JsonObject().put("id", "node_config_change")));
      waiting().until(d -> applied() >= before);

      proxy.down(); // every connection cut, new ones refused: the gateway is unreachable
      waiting().until(ExpectedConditions.attributeToBe(By.id("conn"), "data-state", "retrying"));
      assertThat(driver.findElement(By.id("conn")).getText()).contains("reconnecting");
      List<Long> during = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        during.add(post("/api/events", new JsonObject().put("nodename", "web-rc").put("kind", "event")
            .put("data", new JsonObject().put("id", "resource_restart").put("rid", "app#" + i).put("try", 1).put("restart", 3))));
      }
      post("/api/heartbeats", TestGateway.patch("web-rc", 2, TestGateway.set("down", "services", "status", "ns1/svc/web", "avail")));
      long last = during.get(during.size() - 1);
      proxy.up();

      waiting(Duration.ofSeconds(60)).until(ExpectedConditions.attributeToBe(By.id("conn"), "data-state", "live"));
      waiting().until(ExpectedConditions.attributeToBe(cell("web-rc", "ns1/svc/web"), "data-avail", "down"));
      waiting().until(d -> applied() >= last);
      assertThat(((Number) js("return svcgate.reconnects;")).longValue()).isGreaterThanOrEqualTo(1);
      assertThat(((Number) js("return svcgate.gaps;")).longValue()).isZero();
      assertThat(((Number) js("return svcgate.duplicates;")).longValue()).isZero();
      // The feed: every event held once, ids strictly decreasing (newest first) and contiguous.
      @SuppressWarnings("unchecked")
      List<Object> ids = (List<Object>) js("return svcgate.feed.map(m => m.id);");
      for (int i = 1; i < ids.size(); i++) {
        assertThat(((Number) ids.get(i)).longValue()).isEqualTo(((Number) ids.get(i - 1)).longValue() + 1);
      }
      for (long id : during) {
        assertThat(driver.findElements(By.cssSelector("#feed li[data-id='" + id + "']"))).hasSize(1);
      }
    }
  }

  @Test
  void theKeyboardReachesEveryControl() throws Exception {
    openWithToken(base + "/");
    driver.navigate().refresh(); // the token kept for the session; nothing focused
    waiting().until(ExpectedConditions.attributeToBe(By.id("conn"), "data-state", "live"));
    // The first Tab reaches the skip link, and Enter on it moves to the feed.
    new Actions(driver).sendKeys(Keys.TAB).perform();
    assertThat(driver.switchTo().activeElement().getAttribute("class")).isEqualTo("skip");
    new Actions(driver).sendKeys(Keys.ENTER).perform();
    waiting().until(d -> "feed".equals(d.switchTo().activeElement().getAttribute("id")));
    // From the top, Tab after Tab: every control, the grid and the feed's entries.
    driver.get(base + "/");
    waiting().until(ExpectedConditions.attributeToBe(By.id("conn"), "data-state", "live"));
    waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#feed li[data-kind='patch'] summary")));
    java.util.Set<String> reached = new java.util.LinkedHashSet<>();
    for (int i = 0; i < 25; i++) {
      new Actions(driver).sendKeys(Keys.TAB).perform();
      WebElement a = driver.switchTo().activeElement();
      String id = a.getAttribute("id");
      reached.add(id != null && !id.isEmpty() ? id : a.getTagName());
    }
    assertThat(reached).contains("token", "grid-wrap", "filter", "wait", "kind-event", "kind-patch", "feed-node",
        "feed-eventid", "pause", "summary");
  }

  @Test
  void theFilterLanguageInThePageAgreesWithTheGateway() throws Exception {
    driver.get(base + "/");
    waiting().until(d -> Boolean.TRUE.equals(js("return typeof SvcFilter === 'object';")));
    FilterParity.check(driver);
  }

  /** Not a test: the picture for docs/dashboard.md, taken after the others with a few events to show. */
  @Test
  void zzScreenshotForTheDocs() throws Exception {
    openWithToken(base + "/");
    driver.findElement(By.id("filter")).sendKeys("monitor.services.*.avail=down", Keys.ENTER);
    waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#matches li")));
    waiting().until(d -> d.findElements(By.cssSelector("#feed li[data-kind='event']")).size() > 0);
    driver.findElement(By.cssSelector("#feed li[data-kind='patch'] summary")).click();
    driver.findElement(By.id("filter")).clear();
    driver.findElement(By.id("filter")).sendKeys("monitor.nodes.*.monitor.status=idle");
    driver.findElement(By.id("wait")).click();
    waiting().until(ExpectedConditions.attributeToBe(By.id("wait-state"), "data-state", "satisfied"));
    testName = "dashboard";
  }
}
