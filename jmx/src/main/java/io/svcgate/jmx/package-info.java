/** MXBean interfaces of the gateway and their thin adapters. */
package io.svcgate.jmx;
