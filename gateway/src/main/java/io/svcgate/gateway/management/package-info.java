/**
 * The gateway's management face: the svcgate MBeans over the event bus and the
 * metrics counters, JMX notifications of events, node beans that follow the nodes,
 * remote JMX, and the JVM and hooks meters. JMX threads only read thread-safe
 * counters or ask the state verticle over the event bus and wait with timeouts.
 */
package io.svcgate.gateway.management;
