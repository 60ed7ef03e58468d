package io.svcgate.state;

import java.util.Objects;

/**
 * A heartbeat message that is not valid (docs/model.md §2 rule 6): it changes nothing
 * and goes back to its sender with {@link #getMessage()}, and is counted by
 * {@link #reason()}.
 *
 * <p>{@link #getMessage()} says which field is wrong, what was expected and what
 * was found. {@link #reason()} is one label of the fixed set {@link Reason}, safe
 * as a Prometheus label value.
 */
public final class InvalidMessageException extends RuntimeException {

  /** Why a message was rejected: a small fixed set, one label each. */
  public enum Reason {
    /** The bytes are not one JSON value. */
    NOT_JSON("not_json"),
    /** The message is JSON but not an object. */
    NOT_OBJECT("not_object"),
    /** No {@code nodename} member. */
    MISSING_NODENAME("missing_nodename"),
    /** {@code nodename} is not a usable node name. */
    BAD_NODENAME("bad_nodename"),
    /** No {@code kind} member. */
    MISSING_KIND("missing_kind"),
    /** {@code kind} is not one of full, patch, ping, event. */
    UNKNOWN_KIND("unknown_kind"),
    /** A member the kind requires is absent. */
    MISSING_FIELD("missing_field"),
    /** A member has the wrong JSON type. */
    BAD_TYPE("bad_type"),
    /** {@code gen} is not a map of node names to non-negative integers holding the sender. */
    BAD_GEN("bad_gen"),
    /** {@code deltas} keys are not generations or their values not lists. */
    BAD_DELTAS("bad_deltas"),
    /** {@code format} is not a known patch format. */
    BAD_FORMAT("bad_format"),
    /** A stanza path is malformed or too long. */
    BAD_PATH("bad_path"),
    /** A stanza is not {@code [path, value]} or {@code [path]}. */
    BAD_STANZA("bad_stanza"),
    /** An RFC 6902 operation is malformed. */
    BAD_OP("bad_op"),
    /** JSON nesting deeper than {@link Json#MAX_DEPTH}. */
    TOO_DEEP("too_deep"),
    /** A string, number or message over its size limit. */
    TOO_LARGE("too_large");

    private final String label;

    Reason(String label) {
      this.label = label;
    }

    /** The snake_case label, e.g. {@code bad_gen}. */
    public String label() {
      return label;
    }
  }

  private final Reason reason;
  private final int httpStatus;

  public InvalidMessageException(Reason reason, String message) {
    this(reason, message, 400);
  }

  /**
   * @param httpStatus the HTTP status that answers it: 413 for a message over one of the
   *                   configured bounds (ingest.max-keys, ingest.max-stanzas), else 400
   */
  public InvalidMessageException(Reason reason, String message, int httpStatus) {
    super(Objects.requireNonNull(message, "message"), null, false, false);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.httpStatus = httpStatus;
  }

  /** The label of {@link #kind()}, e.g. {@code missing_nodename}. */
  public String reason() {
    return reason.label();
  }

  /** Why the message was rejected. */
  public Reason kind() {
    return reason;
  }

  /** The HTTP status that answers it: 413 for a message over a configured bound, 400 otherwise. */
  public int httpStatus() {
    return httpStatus;
  }
}
