package io.svcgate.gateway.management;

import com.fasterxml.jackson.databind.JsonNode;
import io.svcgate.jmx.GatewayBean;
import io.svcgate.state.Event;
import io.svcgate.state.Stanza;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns events into JMX notifications of {@code svcgate:type=Gateway}: every
 * {@code kind: "event"} event becomes type {@code svcgate.event.<id>}, sequence number
 * = event id, message = the human line ({@code n1 node_freeze reason=target}), user
 * data = the envelope JSON; patches become {@code svcgate.patch} only when asked.
 *
 * <p>Listeners run on one thread of their own, in event order, behind a queue of
 * {@link #QUEUE} deliveries; when listeners fall that far behind, deliveries are
 * dropped and counted (a listener catches up with {@code eventsAfter}), so a slow
 * listener never slows the gateway.
 */
final class EventNotifier implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EventNotifier.class);
  /** Deliveries queued for the listeners before new ones are dropped. */
  static final int QUEUE = 10_000;
  private static final int MAX_PATHS = 3;

  private final ThreadPoolExecutor executor;
  private final AtomicLong dropped = new AtomicLong();
  private final boolean patches;
  private GatewayBean bean;

  /**
   * @param patches whether patches notify too ({@code jmx.notify-patches})
   */
  EventNotifier(boolean patches) {
    this.patches = patches;
    this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
      Thread t = new Thread(r, "svcgate-jmx-notifications");
      t.setDaemon(true);
      return t;
    }, (r, ex) -> {
      if (ex.isShutdown()) {
        return;
      }
      long n = dropped.incrementAndGet();
      if (n == 1 || n % 1000 == 0) {
        LOG.warn("JMX listeners are {} notifications behind: {} dropped so far (catch up with eventsAfter)", QUEUE, n);
      }
    });
  }

  /** The executor the Gateway bean delivers on. */
  ExecutorService executor() {
    return executor;
  }

  /** The bean that emits; set once it exists. */
  void emitter(GatewayBean bean) {
    this.bean = bean;
  }

  /** Notifications dropped because the listeners were too far behind. */
  long dropped() {
    return dropped.get();
  }

  /** Emits the notification of {@code e}, if it makes one. */
  void onEvent(Event e) {
    GatewayBean b = bean;
    if (b == null) {
      return;
    }
    long ts = Math.round(e.ts() * 1000);
    if (Event.EVENT.equals(e.kind())) {
      b.sendEvent(GatewayBean.EVENT_TYPE_PREFIX + e.eventId(), e.id(), ts, line(e), e.jsonString());
    } else if (patches) {
      b.sendEvent(GatewayBean.PATCH_TYPE, e.id(), ts, patchLine(e), e.jsonString());
    }
  }

  /** {@code <nodename> <id> key=value…}: the event's data after its id. */
  static String line(Event e) {
    StringBuilder sb = new StringBuilder().append(e.nodename()).append(' ').append(e.eventId());
    for (Iterator<Map.Entry<String, JsonNode>> it = e.data().fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (f.getKey().equals("id")) {
        continue;
      }
      JsonNode v = f.getValue();
      sb.append(' ').append(f.getKey()).append('=').append(v.isTextual() ? v.textValue() : v.toString());
    }
    return sb.toString();
  }

  /** {@code <nodename> patch <path>, <path>, <path> (+n more)} with paths in filter syntax. */
  static String patchLine(Event e) {
    List<Stanza> stanzas = e.stanzas();
    StringBuilder sb = new StringBuilder().append(e.nodename()).append(" patch ");
    for (int i = 0; i < Math.min(MAX_PATHS, stanzas.size()); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      Stanza s = stanzas.get(i);
      sb.append(s.path().toFilterSyntax()).append(s.isDelete() ? " deleted" : "");
    }
    if (stanzas.size() > MAX_PATHS) {
      sb.append(" (+").append(stanzas.size() - MAX_PATHS).append(" more)");
    }
    return sb.toString();
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
