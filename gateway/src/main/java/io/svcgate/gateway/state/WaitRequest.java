package io.svcgate.gateway.state;

import io.svcgate.state.filter.Condition;

/**
 * A blocking wait on the state (docs/filters.md "Waits").
 *
 * @param wid       the caller's id of the wait, to cancel it when the client goes away
 * @param condition what must hold
 * @param timeoutMs how long to wait; 0 checks once
 */
public record WaitRequest(String wid, Condition condition, long timeoutMs) {
}
