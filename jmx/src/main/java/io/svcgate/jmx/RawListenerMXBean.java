package io.svcgate.jmx;

/** The OpenSVC raw listener and relay (docs/opensvc.md): {@code svcgate:type=RawListener}. */
public interface RawListenerMXBean {

  /** The TCP port it listens on. */
  int getPort();

  /** Connections open now (event streams included). */
  long getConnections();

  /** Connections accepted since the start. */
  long getConnectionsAccepted();

  /** {@code events} streams open now. */
  long getEventStreams();

  /** Requests decrypted and dispatched since the start. */
  long getRequests();

  /** Requests refused since the start (bad frame, unknown cluster, wrong secret, blacklisted, limits). */
  long getRejected();

  /** Payloads that did not decrypt since the start (requests and relayed messages). */
  long getDecryptFailures();

  /** Relay slots held now (one per cluster and node). */
  long getRelaySlots();

  /** Relayed heartbeat messages stored since the start. */
  long getRelayMessages();

  /** Source addresses refused now for too many failed decryptions. */
  long getBlacklisted();

  /**
   * Forgets every address of the blacklist now (they expire by themselves too).
   *
   * @return how many addresses were refused
   */
  int clearBlacklist();
}
