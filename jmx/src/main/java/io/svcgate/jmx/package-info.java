/**
 * The gateway's JMX face (docs/jmx.md): MXBean interfaces of point-in-time getters
 * and a few verbs, thin adapters ({@code *Bean}) over small source interfaces
 * ({@code *Source}) that the gateway implements, ObjectNames, idempotent registration,
 * and the remote connector on one port. No Vert.x here: sources answer with
 * {@link java.util.concurrent.CompletionStage}s and adapters wait with timeouts.
 */
package io.svcgate.jmx;
