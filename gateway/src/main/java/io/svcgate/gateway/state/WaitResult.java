package io.svcgate.gateway.state;

import io.vertx.core.json.JsonObject;

/**
 * The answer to a wait.
 *
 * @param satisfied whether the condition held
 * @param elapsed   seconds from the request to the answer
 * @param id        the event id at which it was decided
 */
public record WaitResult(boolean satisfied, double elapsed, long id) {

  public JsonObject toJson() {
    return new JsonObject().put("satisfied", satisfied)
        .put("elapsed", Math.round(elapsed * 1000) / 1000.0).put("id", id);
  }
}
