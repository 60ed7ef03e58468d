package io.svcgate.gateway.metrics;

import io.svcgate.gateway.log.LogText;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs rejected heartbeat messages with their reason (in the text, and as the
 * key-value {@code reason} that the JSON log format shows as a field): the first of each reason at
 * once, then at most one line per reason every {@link #INTERVAL_MS}, saying how many
 * were rejected meanwhile. A flood of bad messages never floods the log, and what the
 * sender wrote reaches it escaped ({@link LogText}): no forged lines. Thread-safe.
 */
public final class RejectionLog {

  private static final RejectionLog INSTANCE = new RejectionLog();

  /** Least time between two lines of the same reason. */
  public static final long INTERVAL_MS = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger("io.svcgate.gateway.ingest");

  private final ConcurrentMap<String, AtomicLong> lastLogged = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, AtomicLong> suppressed = new ConcurrentHashMap<>();

  /** Records one rejection in the gateway's log; logs it unless the same reason was logged recently. */
  public static void log(String reason, String nodename, String message) {
    INSTANCE.rejected(reason, nodename, message);
  }

  /** Records one rejection; logs it unless the same reason was logged recently. */
  void rejected(String reason, String nodename, String message) {
    long now = System.currentTimeMillis();
    AtomicLong last = lastLogged.computeIfAbsent(reason, r -> new AtomicLong(Long.MIN_VALUE / 2));
    AtomicLong skipped = suppressed.computeIfAbsent(reason, r -> new AtomicLong());
    long prev = last.get();
    if (now - prev >= INTERVAL_MS && last.compareAndSet(prev, now)) {
      long n = skipped.getAndSet(0);
      // the reason (and the sender, the count skipped) as fields too: log.format=json shows them as such
      LOG.atInfo().addKeyValue("reason", LogText.escape(reason)).addKeyValue("nodename", LogText.escape(nodename))
          .addKeyValue("skipped", n)
          .log("rejected message from {} ({}): {}{}", nodename == null ? "unknown sender" : LogText.escape(nodename),
              LogText.escape(reason), LogText.escape(message),
              n > 0 ? " (and " + n + " more " + reason + " since the last line)" : "");
    } else {
      skipped.incrementAndGet();
    }
  }
}
