package io.svcgate.gateway.management;

import io.svcgate.gateway.hooks.HookStats;
import io.svcgate.gateway.hooks.Hooks;
import io.svcgate.gateway.metrics.GatewayMetrics;
import io.svcgate.jmx.HooksSource;
import io.svcgate.jmx.StreamsSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The sources of the beans that only read thread-safe counters. */
final class CounterViews {

  private CounterViews() {
  }

  /** The Streams bean's source. */
  static StreamsSource streams(GatewayMetrics metrics) {
    return new StreamsSource() {
      @Override
      public long subscribers() {
        return metrics.subscribers();
      }

      @Override
      public long waiters() {
        return metrics.waiters();
      }

      @Override
      public long slowConsumerDisconnects() {
        return metrics.slowConsumerDisconnects();
      }
    };
  }

  /** The Hooks bean's source; {@code reload} reads the file on the calling JMX thread. */
  static HooksSource hooks(Hooks hooks) {
    HookStats stats = hooks.stats();
    return new HooksSource() {
      @Override
      public int configured() {
        return stats.configured();
      }

      @Override
      public long runs() {
        return stats.runs();
      }

      @Override
      public long failures() {
        return stats.failures();
      }

      @Override
      public long timeouts() {
        return stats.timeouts();
      }

      @Override
      public CompletionStage<Void> reload() {
        try {
          if (hooks.reload()) {
            return CompletableFuture.completedFuture(null);
          }
          return CompletableFuture.failedFuture(new IllegalStateException(
              "the hooks file was not applied, the previous hooks stay: " + hooks.lastError()));
        } catch (RuntimeException e) {
          return CompletableFuture.failedFuture(e);
        }
      }
    };
  }
}
