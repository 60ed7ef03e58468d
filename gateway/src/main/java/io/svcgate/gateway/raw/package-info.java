/**
 * OpenSVC's own "raw" protocol (docs/opensvc.md): the framing and cipher of its
 * listener ({@link io.svcgate.gateway.raw.RawCodec}, {@link io.svcgate.gateway.raw.NulFramer}),
 * the listener verticle that serves real {@code om} clients and acts as the relay
 * heartbeat of real nodes ({@link io.svcgate.gateway.raw.RawVerticle}), the relay
 * slots and the per-address blacklist, both bounded and expiring.
 */
package io.svcgate.gateway.raw;
