/** Benchmarks: JMH for the core, a load driver for a running gateway. */
package io.svcgate.bench;
