package io.svcgate.jmx;

/**
 * One member of the Raft group as {@code svcgate:type=Cluster} shows it. JMX clients
 * without this class see it as a {@code CompositeData} with the same item names
 * (MXBean mapping).
 *
 * @param id   the member's Raft address {@code host:port}, which is its id
 * @param http its advertised HTTP base URL, empty until it announced it
 * @param role {@code leader}, {@code follower}, {@code candidate} or {@code listener}
 */
public record ClusterMember(String id, String http, String role) {
}
