package io.svcgate.gateway.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.URL;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The built-in Logback configuration (the gateway's logback.xml) drops Micrometer's notice about Vert.x's gauges. */
class DuplicateGaugeNoticeFilterTest {

  private static final String VERTX_NOTICE = "This Gauge has been already registered (MeterId{name='vertx.eventbus.handlers',"
      + " tags=[]}), the registration will be ignored. Note that subsequent logs will be logged at debug level.";
  private static final String OTHER_NOTICE = "This Gauge has been already registered (MeterId{name='svcgate.nodes',"
      + " tags=[]}), the registration will be ignored.";

  private final LoggerContext context = new LoggerContext();
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeEach
  void builtInConfiguration() throws Exception {
    // the main resources' logback.xml (the test resources have logback-test.xml, not this name)
    URL shipped = Path.of(System.getProperty("basedir", "."), "target", "classes", "logback.xml").toUri().toURL();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(shipped);
    logged.setContext(context);
    logged.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(logged);
  }

  @Test
  void dropsTheNoticeAboutVertxGaugesOnly() {
    Logger registry = context.getLogger(DuplicateGaugeNoticeFilter.LOGGER);
    registry.warn(VERTX_NOTICE);
    registry.warn(OTHER_NOTICE);
    registry.warn("something else about meters");

    assertThat(logged.list).extracting(ILoggingEvent::getFormattedMessage)
        .containsExactly(OTHER_NOTICE, "something else about meters");
  }

  @Test
  void theSameTextFromAnotherLoggerStays() {
    context.getLogger("io.svcgate.gateway.Gateway").warn(VERTX_NOTICE);
    assertThat(logged.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(VERTX_NOTICE);
  }
}
