package io.svcgate.state;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Parts of the document the gateway computes from the node data, such as the
 * service aggregates in {@code monitor.services} (aggregates.md), plugged into a
 * {@link ClusterState}.
 *
 * <p>The state calls {@link #update} on its own thread, once per call that
 * changed node data ({@code apply}, {@code forget}), {@code cluster.nodes}, or a
 * node's liveness ({@code markStale}, {@code markBeating}, a stale node heard),
 * after that call's own events; and from {@link ClusterState#start} with
 * {@link Change#everything()} set. The returned stanzas are applied atomically
 * and emitted as one patch event of the gateway's own nodename, after the
 * call's other events. If they do not apply, or {@code update} throws, nothing
 * of them is applied, no event is made, and the state reports why
 * ({@link ApplyOutcome#derivedError()}, {@link ClusterState#lastDerivedError()});
 * the call's own events stand. Never called by {@link ClusterState#replay}:
 * derived changes are in the history like the others.
 *
 * <p>The service aggregates ({@code io.svcgate.state.aggregates.ServiceAggregator})
 * implement it: {@code ClusterState.builder().derivedState(new ServiceAggregator())}.
 */
@FunctionalInterface
public interface DerivedState {

  /**
   * The changes the derived parts need.
   *
   * @param document the whole document after the change; read-only, never keep or
   *                 mutate any of it
   * @param change   what changed
   * @return stanzas with absolute paths outside {@code monitor.nodes} and
   *         {@code cluster} (usually under {@code monitor.services}, e.g. from
   *         {@link Diff}); empty when nothing changes. Values must not be nodes of
   *         {@code document} (they are copied anyway).
   */
  List<Stanza> update(ObjectNode document, Change change);

  /**
   * What one call of the state changed.
   *
   * @param nodes      the nodes whose data, presence or liveness changed
   * @param paths      the absolute paths of every stanza the call applied, in order
   *                   (node data under {@code monitor.nodes}, {@code cluster.nodes}
   *                   entries); empty for a liveness change only
   * @param staleNodes the nodes stale now (their data should not count)
   * @param everything true from {@link ClusterState#start}: recompute everything
   */
  record Change(Set<String> nodes, List<Path> paths, Set<String> staleNodes, boolean everything) {
    public Change {
      nodes = Set.copyOf(Objects.requireNonNull(nodes, "nodes"));
      paths = List.copyOf(Objects.requireNonNull(paths, "paths"));
      staleNodes = Set.copyOf(Objects.requireNonNull(staleNodes, "staleNodes"));
    }
  }
}
