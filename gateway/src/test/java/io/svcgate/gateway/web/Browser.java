package io.svcgate.gateway.web;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium and its chromedriver ({@code apt-get install chromium
 * chromium-driver}; .ci/run installs them), driven by Selenium. The driver is the
 * system one, set explicitly, so Selenium never tries to download anything.
 */
final class Browser {

  static final Path CHROMIUM = Path.of(System.getProperty("svcgate.chromium", "/usr/bin/chromium"));
  static final Path CHROMEDRIVER = Path.of(System.getProperty("svcgate.chromedriver", "/usr/bin/chromedriver"));
  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private Browser() {
  }

  /** Skips the calling tests, saying why, only when the browser or its driver is not installed. */
  static void assumeInstalled() {
    Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "the web page tests need Chromium and chromedriver (" + CHROMIUM + ", " + CHROMEDRIVER
            + "): apt-get install chromium chromium-driver");
  }

  /** A fresh headless Chromium with its own profile directory. */
  static ChromeDriver start(Path profile) throws IOException {
    Files.createDirectories(profile);
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    ChromeOptions o = new ChromeOptions();
    o.setBinary(CHROMIUM.toFile());
    o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=1400,1000", "--lang=en-US");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
    return new ChromeDriver(service, o);
  }

  /** Keeps what the browser shows as target/screenshots/{name}.png. */
  static Path screenshot(WebDriver driver, String name) throws IOException {
    if (driver == null) {
      return null;
    }
    Files.createDirectories(SCREENSHOTS);
    File png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
    Path out = SCREENSHOTS.resolve(name + ".png");
    Files.copy(png.toPath(), out, StandardCopyOption.REPLACE_EXISTING);
    return out;
  }
}
