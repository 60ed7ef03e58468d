package io.svcgate.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one driver run: each figure's values over the runs, printed as
 * one table (figure, median of the runs, goal, met or not).
 */
final class Results {

  /** A goal: the median must be at least (or at most) {@code bound}; null bound = no goal (context only). */
  record Goal(String text, Double bound, boolean atLeast) {
    static Goal atLeast(double bound, String text) {
      return new Goal(text, bound, true);
    }

    static Goal atMost(double bound, String text) {
      return new Goal(text, bound, false);
    }

    static Goal none() {
      return new Goal("", null, true);
    }

    String met(double v) {
      if (bound == null) {
        return "";
      }
      if (Double.isNaN(v)) {
        return "no figure";
      }
      return (atLeast ? v >= bound : v <= bound) ? "met" : "NOT met";
    }
  }

  private static final class Row {
    final String unit;
    final Goal goal;
    final List<Double> values = new ArrayList<>();

    Row(String unit, Goal goal) {
      this.unit = unit;
      this.goal = goal;
    }
  }

  private final Map<String, Row> rows = new LinkedHashMap<>();

  /** Adds one run's value of a figure. */
  synchronized void add(String figure, String unit, Goal goal, double value) {
    rows.computeIfAbsent(figure, k -> new Row(unit, goal)).values.add(value);
    System.err.printf(Locale.ROOT, "  %s: %s %s%n", figure, format(value), unit);
  }

  synchronized double median(String figure) {
    Row r = rows.get(figure);
    return r == null ? Double.NaN : Stats.median(r.values.stream().mapToDouble(Double::doubleValue).toArray());
  }

  synchronized boolean isEmpty() {
    return rows.isEmpty();
  }

  synchronized void print(PrintStream out, String header) {
    out.println(header);
    out.println();
    out.println("| figure | median | unit | runs | goal | met |");
    out.println("| --- | ---: | --- | --- | --- | --- |");
    for (Map.Entry<String, Row> e : rows.entrySet()) {
      Row r = e.getValue();
      double m = Stats.median(r.values.stream().mapToDouble(Double::doubleValue).toArray());
      StringBuilder runs = new StringBuilder();
      for (double v : r.values) {
        if (runs.length() > 0) {
          runs.append(", ");
        }
        runs.append(format(v));
      }
      out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", e.getKey(), format(m), r.unit, runs,
          r.goal.text(), r.goal.met(m));
    }
    out.println();
  }

  static String format(double v) {
    if (Double.isNaN(v)) {
      return "–";
    }
    double a = Math.abs(v);
    if (a >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", v).replace(',', ' ');
    }
    if (a >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
