package io.svcgate.bench;

import java.util.Arrays;

/** A bounded recorder of latencies in nanoseconds, and percentiles of it. */
final class Stats {

  private long[] values;
  private int size;
  private final int max;

  Stats(int max) {
    this.max = max;
    this.values = new long[Math.min(max, 1024)];
  }

  /** Records one value; past {@code max} values the rest are dropped (counted). */
  synchronized void add(long nanos) {
    if (size == max) {
      return;
    }
    if (size == values.length) {
      values = Arrays.copyOf(values, Math.min(max, values.length * 2));
    }
    values[size++] = nanos;
  }

  synchronized int count() {
    return size;
  }

  /** The p-th percentile (0–100) in milliseconds; NaN when empty. */
  synchronized double percentileMs(double p) {
    if (size == 0) {
      return Double.NaN;
    }
    long[] s = Arrays.copyOf(values, size);
    Arrays.sort(s);
    int i = (int) Math.ceil(p / 100d * size) - 1;
    return s[Math.max(0, Math.min(size - 1, i))] / 1e6;
  }

  /** The median of doubles (NaN when empty). */
  static double median(double[] v) {
    double[] s = Arrays.stream(v).filter(d -> !Double.isNaN(d)).sorted().toArray();
    if (s.length == 0) {
      return Double.NaN;
    }
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
