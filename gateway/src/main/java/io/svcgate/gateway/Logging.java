package io.svcgate.gateway;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import io.svcgate.gateway.config.ConfigException;
import io.svcgate.gateway.config.ConfigKey;
import io.svcgate.gateway.config.GatewayConfig;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * The log format of {@code svcgate serve} ({@code log.format}): {@code plain}, one line
 * per record with the local time and its offset, or {@code json}, one JSON object per
 * line written by Logback's own {@link JsonEncoder} (level, logger, thread, message,
 * and the record's key-value pairs, such as the {@code reason} of a rejected message).
 * It changes the encoder of the console appender named {@code STDERR}, which the
 * gateway's logback.xml defines; a Logback configuration of the user's own without
 * that appender is left as it is (docs/operations.md, "Logs").
 */
public final class Logging {

  /** The plain line: local date and time with the zone offset, level, thread, logger, message. */
  public static final String PLAIN_PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSSxxx} %-5level [%thread] %logger{24} - %msg%n";

  private Logging() {
  }

  /** The two formats. */
  public enum Format { PLAIN, JSON }

  /** The format {@code log.format} asks for. @throws ConfigException for another value */
  public static Format format(GatewayConfig config) {
    String v = config.string(ConfigKey.LOG_FORMAT).toLowerCase(Locale.ROOT);
    return switch (v) {
      case "plain", "" -> Format.PLAIN;
      case "json" -> Format.JSON;
      default -> throw new ConfigException(ConfigKey.LOG_FORMAT.key() + " must be plain or json, got '" + v + "'");
    };
  }

  /** Sets the format of the {@code STDERR} appender; false when there is no such appender (nothing changed). */
  public static boolean apply(Format format) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      return false;
    }
    Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Appender<ILoggingEvent> a = root.getAppender("STDERR");
    if (!(a instanceof ConsoleAppender<ILoggingEvent> console)) {
      return false;
    }
    Encoder<ILoggingEvent> encoder;
    if (format == Format.JSON) {
      JsonEncoder json = new JsonEncoder();
      json.setWithSequenceNumber(false);
      json.setWithNanoseconds(false);
      json.setWithContext(false);
      // the message as a reader wants it, not the template and its arguments apart
      json.setWithFormattedMessage(true);
      json.setWithMessage(false);
      json.setWithArguments(false);
      encoder = json;
    } else {
      PatternLayoutEncoder plain = new PatternLayoutEncoder();
      plain.setPattern(PLAIN_PATTERN);
      encoder = plain;
    }
    encoder.setContext(ctx);
    encoder.start();
    console.stop();
    console.setEncoder(encoder);
    console.start();
    return true;
  }
}
