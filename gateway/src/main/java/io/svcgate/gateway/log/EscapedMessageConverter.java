package io.svcgate.gateway.log;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * The {@code %msg} of the gateway's log pattern with control characters escaped
 * ({@link LogText#escape}, without the length cut): whatever a library logs, no
 * message can start a forged line. Stack traces ({@code %ex}) are not touched.
 * Declared in {@code logback.xml} as the conversion word {@code emsg}.
 */
public final class EscapedMessageConverter extends MessageConverter {

  @Override
  public String convert(ILoggingEvent event) {
    String m = super.convert(event);
    return m == null ? null : LogText.escape(m, Integer.MAX_VALUE);
  }
}
