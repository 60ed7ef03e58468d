package io.svcgate.state;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;

/**
 * Parts of the document the gateway computes from the node data, such as the
 * service aggregates in {@code monitor.services} (aggregates.md), plugged into a
 * {@link ClusterState}.
 *
 * <p>The state calls {@link #update} on its own thread after every call that
 * changed node data under {@code monitor.nodes} ({@code apply}, {@code forget},
 * and {@code start} with every node), once per call, after the events of that
 * change. The returned stanzas are applied atomically and emitted as one patch
 * event of the gateway's own nodename. If they do not apply, or {@code update}
 * throws, nothing of them is applied and the outcome says why
 * ({@link ApplyOutcome#derivedError()}); the node's own events stand.
 */
@FunctionalInterface
public interface DerivedState {

  /**
   * The changes the derived parts need after node data changed.
   *
   * @param document the whole document after the change; read-only, never keep or
   *                 mutate any of it
   * @param touched  the node names whose data changed (or went)
   * @return stanzas with absolute paths outside {@code monitor.nodes} (usually
   *         under {@code monitor.services}, e.g. from {@link Diff}); empty when
   *         nothing changes. Values must not be nodes of {@code document}.
   */
  List<Stanza> update(ObjectNode document, Set<String> touched);
}
