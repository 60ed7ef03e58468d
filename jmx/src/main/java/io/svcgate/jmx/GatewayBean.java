package io.svcgate.jmx;

import io.svcgate.jmx.impl.Calls;
import java.time.Duration;
import java.util.concurrent.Executor;
import javax.management.MBeanNotificationInfo;
import javax.management.Notification;
import javax.management.NotificationBroadcasterSupport;

/**
 * The {@link GatewayMXBean} adapter over a {@link GatewaySource}, and the emitter of
 * the gateway's notifications. Thread-safe. Listeners are called on the executor
 * given at construction, never on the thread that calls {@link #sendEvent}.
 */
public final class GatewayBean extends NotificationBroadcasterSupport implements GatewayMXBean {

  /** Prefix of the notification types of node events: {@code svcgate.event.<id>}. */
  public static final String EVENT_TYPE_PREFIX = "svcgate.event.";
  /** Notification type of patches (only when {@code jmx.notify-patches} is on). */
  public static final String PATCH_TYPE = "svcgate.patch";

  private static final MBeanNotificationInfo[] INFO = {
      new MBeanNotificationInfo(new String[] {"svcgate.event"}, Notification.class.getName(),
          "a node or gateway event: type svcgate.event.<id>, sequence number = event id, "
              + "user data = the envelope JSON"),
      new MBeanNotificationInfo(new String[] {PATCH_TYPE}, Notification.class.getName(),
          "a patch event (when jmx.notify-patches is on): sequence number = event id, "
              + "user data = the envelope JSON")
  };

  private final GatewaySource source;
  private final Duration timeout;

  /**
   * @param source    what to read and ask
   * @param timeout   how long an operation waits for the gateway (waits get their duration on top)
   * @param listeners runs the listeners, in order; its queue should be bounded
   */
  public GatewayBean(GatewaySource source, Duration timeout, Executor listeners) {
    super(listeners, INFO);
    this.source = source;
    this.timeout = timeout;
  }

  /**
   * Notifies listeners of an event.
   *
   * @param type     the notification type
   * @param id       the event id, used as the sequence number
   * @param tsMillis when it happened
   * @param message  the human line
   * @param json     the envelope JSON, the user data
   */
  public void sendEvent(String type, long id, long tsMillis, String message, String json) {
    Notification n = new Notification(type, ObjectNames.GATEWAY, id, tsMillis, message);
    n.setUserData(json);
    sendNotification(n);
  }

  @Override
  public String getVersion() {
    return source.version();
  }

  @Override
  public String getNodeName() {
    return source.nodename();
  }

  @Override
  public String getEpoch() {
    return source.epoch();
  }

  @Override
  public long getLastEventId() {
    return source.lastEventId();
  }

  @Override
  public long getStartTime() {
    return source.startTime().toEpochMilli();
  }

  @Override
  public long getUptimeSeconds() {
    return source.uptime().toSeconds();
  }

  @Override
  public int getNodeCount() {
    return Calls.await(source.nodeCount(), timeout, "NodeCount");
  }

  @Override
  public long getHeartbeatsReceived() {
    return source.heartbeatsReceived();
  }

  @Override
  public long getHeartbeatsRejected() {
    return source.heartbeatsRejected();
  }

  @Override
  public long getPatchesApplied() {
    return source.patchesApplied();
  }

  @Override
  public long getFullsApplied() {
    return source.fullsApplied();
  }

  @Override
  public long getResyncs() {
    return source.resyncs();
  }

  @Override
  public long getEventsEmitted() {
    return source.eventsEmitted();
  }

  @Override
  public String status(String filter) {
    return Calls.await(source.status(filter == null ? "" : filter), timeout, "status");
  }

  @Override
  public WaitOutcome waitFor(String condition, String duration) {
    return Calls.await(source.waitFor(condition, duration), source.maxWait().plus(timeout), "waitFor");
  }
}
