/**
 * The cluster-wide service aggregates of {@code monitor.services} and the node frozen
 * aggregate {@code monitor.frozen}, computed as OpenSVC v2's monitor thread does
 * (docs/aggregates.md).
 *
 * <p>{@link io.svcgate.state.aggregates.ServiceAggregates} computes them from scratch;
 * {@link io.svcgate.state.aggregates.ServiceAggregator} keeps a document up to date
 * change by change and answers the stanzas of the difference. No Vert.x, no I/O.
 */
package io.svcgate.state.aggregates;
