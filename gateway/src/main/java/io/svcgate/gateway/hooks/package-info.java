/**
 * Hooks (hooks.md): programs run on events, configured in {@code [hook#N]} sections of the
 * node configuration file. {@link io.svcgate.gateway.hooks.Hooks} is the entry point:
 * {@code submit(Event)} from the consumer of {@code svcgate.events}, {@code reload()} for JMX,
 * {@code stats()} for JMX and metrics, {@code close()} at shutdown. No Vert.x here.
 */
package io.svcgate.gateway.hooks;
