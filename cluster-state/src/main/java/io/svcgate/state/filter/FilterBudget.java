package io.svcgate.state.filter;

/**
 * How much work one evaluation of a path or condition may do, in units of about
 * one value visited: each value a path walks through costs 1, each character
 * written to turn a matched object or list into text for {@code ~} costs 1, and
 * each character a regular expression searches costs the size of the
 * expression ({@link RegexPattern#costPerChar()}), since the linear-time engine
 * advances all its states over every character. docs/filters.md, "Cost".
 *
 * <p>A budget is used by one evaluation on one thread; make a new one for each.
 * Past the limit, {@link #charge} throws {@link FilterBudgetException} and the
 * evaluation stops there.
 */
public final class FilterBudget {

  private final long limit;
  private long spent;

  private FilterBudget(long limit) {
    this.limit = limit;
  }

  /** A budget of {@code limit} units (at least 1). */
  public static FilterBudget of(long limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("a filter budget must be at least 1, got " + limit);
    }
    return new FilterBudget(limit);
  }

  /** A budget that never runs out (for callers whose input is bounded otherwise). */
  public static FilterBudget unlimited() {
    return new FilterBudget(Long.MAX_VALUE);
  }

  /**
   * Spends {@code units}.
   *
   * @throws FilterBudgetException when that takes the total past the limit
   */
  public void charge(long units) {
    if (units > limit - spent) {
      spent = limit;
      throw new FilterBudgetException(limit);
    }
    spent += units;
  }

  /** The units that may still be spent. */
  public long remaining() {
    return limit - spent;
  }

  /** The units spent so far. */
  public long spent() {
    return spent;
  }

  /** The limit. */
  public long limit() {
    return limit;
  }
}
