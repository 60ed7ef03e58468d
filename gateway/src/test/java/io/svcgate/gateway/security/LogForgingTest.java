package io.svcgate.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.svcgate.gateway.Awaits;
import io.svcgate.gateway.TestGateway;
import io.svcgate.gateway.log.EscapedMessageConverter;
import io.svcgate.gateway.log.LogText;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** A client's text reaches the log escaped: no forged lines, no stack traces (docs/security.md). */
@Timeout(60)
class LogForgingTest {

  private static final String FORGED = "2026-01-01 00:00:00.000 ERROR [main] io.svcgate.gateway.Gateway - FORGED";

  @TempDir
  Path dir;
  TestGateway gw;
  final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  final Logger ingestLog = (Logger) LoggerFactory.getLogger("io.svcgate.gateway.ingest");
  final Logger stateLog = (Logger) LoggerFactory.getLogger("io.svcgate.gateway.state.StateVerticle");

  @BeforeEach
  void start() throws Exception {
    logged.start();
    ingestLog.addAppender(logged);
    stateLog.addAppender(logged);
    gw = TestGateway.start(dir, Map.of());
  }

  @AfterEach
  void stop() throws Exception {
    gw.close();
    ingestLog.detachAppender(logged);
    stateLog.detachAppender(logged);
  }

  /** One attempt at a rejected message; checks its answer. */
  interface Attempt {
    void run() throws Exception;
  }

  /**
   * Repeats {@code attempt} (every 200 ms) until the rejection log writes a line
   * containing {@code marker}: the log writes the first rejection of a reason at once,
   * then one line per reason every 10 s, and another test may have used this
   * reason's line a moment ago.
   */
  private ILoggingEvent rejectionLine(Attempt attempt, String marker) {
    ILoggingEvent[] found = {null};
    long[] last = {0};
    Awaits.until("a rejection line with " + marker, () -> {
      for (ILoggingEvent e : List.copyOf(logged.list)) {
        if (e.getFormattedMessage().contains(marker)) {
          found[0] = e;
          return true;
        }
      }
      if (System.nanoTime() - last[0] >= 200_000_000L) {
        last[0] = System.nanoTime();
        try {
          attempt.run();
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      }
      return false;
    });
    return found[0];
  }

  private void post(JsonObject body, int status) throws Exception {
    HttpResponse<Buffer> r = gw.post("/api/heartbeats", body);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
  }

  @Test
  void aNewlineInARejectedNodenameIsEscaped() {
    JsonObject body = TestGateway.full("evil\n" + FORGED, 1, new JsonObject());
    ILoggingEvent e = rejectionLine(() -> post(body, 400), "FORGED");
    String line = e.getFormattedMessage();
    assertThat(line).doesNotContain("\n").doesNotContain("\r").contains("\\n" + FORGED);
    assertThat(e.getThrowableProxy()).as("no stack trace for a client's error").isNull();
  }

  @Test
  void controlCharactersInAStanzaKeyAreEscapedWhereverTheErrorIsLogged() throws Exception {
    long[] gen = {0};
    // a stanza that cannot apply (a key under a number) names its path in the error;
    // the node then needs a full, so each attempt sends one first
    ILoggingEvent e = rejectionLine(() -> {
      gw.ingest(TestGateway.full("n1", ++gen[0], new JsonObject().put("a", 1)));
      post(TestGateway.patch("n1", ++gen[0],
          new JsonArray().add(new JsonArray().add("a").add("x\r\n" + FORGED + "\u001b[31m")).add(1)), 400);
    }, "FORGED");
    assertThat(e.getFormattedMessage()).doesNotContain("\n").doesNotContain("\r").doesNotContain("\u001b")
        .containsIgnoringCase("\\r\\n" + FORGED + "\\u001b[31m");
    assertThat(e.getThrowableProxy()).isNull();
    // the ask-full line that follows names the same error
    Awaits.until("the ask-full line", () -> List.copyOf(logged.list).stream()
        .anyMatch(x -> x.getFormattedMessage().startsWith("node n1 needs a full")));
    for (ILoggingEvent x : List.copyOf(logged.list)) {
      assertThat(x.getFormattedMessage()).doesNotContain("\n").doesNotContain("\r");
    }
  }

  @Test
  void theLogPatternEscapesWhatAnyLoggerWrites() throws Exception {
    // the shipped logback.xml writes %emsg, the escaping converter, for every logger
    try (InputStream in = getClass().getResourceAsStream("/logback.xml")) {
      String xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(xml).contains("conversionWord=\"emsg\" class=\"" + EscapedMessageConverter.class.getName() + "\"")
          .contains("%emsg%n").doesNotContain("%msg");
    }
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    LoggingEvent e = new LoggingEvent("x", ctx.getLogger("io.vertx.core.Something"), ch.qos.logback.classic.Level.WARN,
        "bad request from {}", null, new Object[] {"a\nb\u2028c\u0085d\te"});
    EscapedMessageConverter c = new EscapedMessageConverter();
    c.start();
    assertThat(c.convert(e)).isEqualTo("bad request from a\\nb\\u2028c\\u0085d\\te");
    assertThat(LogText.escape("x".repeat(LogText.MAX_LENGTH + 10)))
        .startsWith("x".repeat(LogText.MAX_LENGTH)).endsWith("…(10 more characters)");
    assertThat(LogText.escape(LogText.escape("a\nb"))).isEqualTo("a\\nb");
  }
}
