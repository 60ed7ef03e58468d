package io.svcgate.state.aggregates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The status entries of one object path on the counting nodes, as the rules of
 * aggregates.md §5 read them: a few particular entries, and the {@link Tally} of the
 * counted ones. {@link Instances} makes one from a list at once; the aggregator keeps one
 * per path up to date entry by entry.
 */
interface InstanceSet {

  /** The first status entry, counted or not; null when there is none. */
  ObjectNode first();

  /** The first counted instance, or null. */
  ObjectNode reference();

  /** The last counted instance, or null. */
  ObjectNode lastCounted();

  /** The value of {@code key} of the first counted instance that has the key, or null. */
  JsonNode firstCountedValue(String key);

  /** The counts over the counted instances. */
  Tally tally();
}
