package io.svcgate.jmx;

import java.util.concurrent.CompletionStage;

/**
 * What a {@link NodeBean} reads and asks about its node. Both answer asynchronously;
 * they fail with an {@link IllegalStateException} when the node is no longer known.
 */
public interface NodeSource {

  /** The node's bookkeeping, at most about a second old. */
  CompletionStage<NodeSnapshot> snapshot();

  /**
   * Marks the node as needing a full and asks it for one; completes once a
   * {@link #snapshot()} asked after it shows the node needing a full.
   */
  CompletionStage<Void> askFull();
}
