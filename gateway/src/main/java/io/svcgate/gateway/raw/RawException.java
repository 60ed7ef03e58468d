package io.svcgate.gateway.raw;

/**
 * A raw request refused before it reached a handler. {@link #reason()} is a label of
 * a fixed set (the {@code reason} of {@code svcgate_raw_rejected_total}, docs/metrics.md);
 * the message says what is wrong in words, for the log, never for the client.
 */
public final class RawException extends Exception {

  /** Bytes that are not an envelope: not JSON, not an object, a field missing or of the wrong type, bad base64. */
  public static final String BAD_FRAME = "bad_frame";
  /** The envelope names a cluster other than the gateway's (nor {@code join}). */
  public static final String UNKNOWN_CLUSTER = "unknown_cluster";
  /** The sender's address failed to decrypt too many times in a row. */
  public static final String BLACKLISTED = "blacklisted";
  /** The data does not decrypt with the secret (bad padding, not zlib, not JSON). */
  public static final String DECRYPT = "decrypt";
  /** The decrypted request is not an object with an action. */
  public static final String BAD_REQUEST = "bad_request";
  /** The frame, or what it inflates to, is over {@code raw.max-frame}. */
  public static final String TOO_LARGE = "too_large";
  /** No complete frame within {@code raw.read-timeout} of silence. */
  public static final String TIMEOUT = "timeout";
  /** The client closed before the NUL that ends a frame. */
  public static final String TRUNCATED = "truncated";
  /** {@code raw.max-connections} or the buffered-bytes budget is reached. */
  public static final String OVERLOADED = "overloaded";

  private final String reason;

  public RawException(String reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  /** The label, one of the constants of this class. */
  public String reason() {
    return reason;
  }
}
