package io.svcgate.state.filter;

/**
 * A path or condition would cost more than its {@link FilterBudget} on the current
 * document: it walks too many values, or searches too much text with {@code ~}.
 * The caller answers it as a client error (HTTP 400): narrow the path, or search
 * a smaller part of the document. Carries no stack trace: it is a verdict on the
 * client's filter, not a failure of the gateway.
 */
public final class FilterBudgetException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final long limit;

  public FilterBudgetException(long limit) {
    super("the filter costs more than " + limit + " units of work on the current document (values visited plus "
        + "characters searched, times the size of a regular expression; limit filter.max-cost): narrow its path",
        null, false, false);
    this.limit = limit;
  }

  /** The budget that was exceeded. */
  public long limit() {
    return limit;
  }
}
