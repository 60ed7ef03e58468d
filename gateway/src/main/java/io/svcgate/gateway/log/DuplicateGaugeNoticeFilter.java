package io.svcgate.gateway.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops Micrometer's notice that a Vert.x gauge "has been already registered".
 *
 * <p>Vert.x's Micrometer metrics register their gauge of event-bus handlers
 * ({@code vertx.eventbus.handlers}) and of pool queues once per handler or pool, all
 * backed by one shared counter; Micrometer (1.13.9 and later) warns at the second
 * registration of the same meter, once per process. The value is right, the warning
 * is not actionable, and it appeared at every start. Only that notice about a meter
 * named {@code vertx.…} is dropped: one about any other meter still reaches the log.
 */
public final class DuplicateGaugeNoticeFilter extends TurboFilter {

  static final String LOGGER = "io.micrometer.core.instrument.MeterRegistry";
  static final String NOTICE = "This Gauge has been already registered (MeterId{name='vertx.";

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
      Throwable t) {
    if (format != null && logger != null && LOGGER.equals(logger.getName()) && format.startsWith(NOTICE)) {
      return FilterReply.DENY;
    }
    return FilterReply.NEUTRAL;
  }
}
