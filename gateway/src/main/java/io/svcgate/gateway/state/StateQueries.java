package io.svcgate.gateway.state;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.svcgate.gateway.Addresses;
import io.svcgate.gateway.bus.LocalCodec;
import io.svcgate.state.ClusterState;
import io.svcgate.state.Json;
import io.svcgate.state.NodeInfo;
import io.svcgate.state.filter.Condition;
import io.svcgate.state.filter.Durations;
import io.svcgate.state.filter.FilterBudget;
import io.svcgate.state.filter.FilterBudgetException;
import io.svcgate.state.filter.FilterSyntaxException;
import io.svcgate.state.filter.Match;
import io.svcgate.state.filter.PathExpression;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import io.vertx.core.json.JsonObject;

/**
 * The read side of the state on the event bus: status queries ({@link Addresses#STATUS},
 * {@link Addresses#STATE_QUERY}), the nodes table ({@link Addresses#NODES}) and waits
 * ({@link Addresses#WAIT}, {@link Addresses#WAIT_CANCEL}, {@link Addresses#STATE_WAIT}),
 * answered from the state the state verticle applies. Its consumers run on the state
 * verticle's event loop (they read the state it writes); the waits themselves are
 * {@link Waits}.
 */
final class StateQueries {

  private final Supplier<ClusterState> states;
  private final Waits waits;
  private final long filterMaxCost;
  private final Duration waitMax;

  /** @param states the state as it is now (a cluster member rebuilds it when its history starts) */
  StateQueries(Supplier<ClusterState> states, Waits waits, long filterMaxCost, Duration waitMax) {
    this.states = states;
    this.waits = waits;
    this.filterMaxCost = filterMaxCost;
    this.waitMax = waitMax;
  }

  /** Registers the consumers (on the caller's context) into {@code consumers}. */
  void register(EventBus bus, List<MessageConsumer<?>> consumers) {
    consumers.add(bus.<String>localConsumer(Addresses.STATUS, this::onStatus));
    consumers.add(bus.localConsumer(Addresses.NODES, this::onNodes));
    consumers.add(bus.<WaitRequest>localConsumer(Addresses.WAIT, this::onWait));
    consumers.add(bus.<String>localConsumer(Addresses.WAIT_CANCEL, m -> waits.cancel(m.body())));
    consumers.add(bus.<Object>consumer(Addresses.STATE_QUERY, this::onPublicQuery));
    consumers.add(bus.<Object>consumer(Addresses.STATE_WAIT, this::onPublicWait));
  }

  private void onStatus(Message<String> msg) {
    ClusterState state = states.get();
    String filter = msg.body();
    if (filter == null || filter.isEmpty()) {
      reply(msg, new StatusReply(state.lastId(), Json.bytes(state.document())));
      return;
    }
    PathExpression p;
    try {
      p = PathExpression.parse(filter);
    } catch (FilterSyntaxException e) {
      msg.fail(400, e.getMessage());
      return;
    }
    List<Match> found;
    try {
      found = p.select(state.document(), FilterBudget.of(filterMaxCost));
    } catch (FilterBudgetException e) {
      msg.fail(400, e.getMessage());
      return;
    }
    reply(msg, new StatusReply(state.lastId(), Json.bytes(matches(found))));
  }

  private ObjectNode matches(List<Match> found) {
    ClusterState state = states.get();
    ObjectNode out = Json.NODES.objectNode();
    out.put("id", state.lastId());
    ArrayNode list = out.putArray("matches");
    for (Match m : found) {
      list.addObject().<ObjectNode>set("path", m.path().toJson()).set("value", m.value());
    }
    return out;
  }

  private void onNodes(Message<Object> msg) {
    ClusterState state = states.get();
    ArrayNode rows = Json.NODES.arrayNode();
    for (NodeInfo n : state.nodes()) {
      rows.add(n.toJson());
    }
    msg.reply(Buffer.buffer(Json.bytes(rows)));
  }

  private void onPublicQuery(Message<Object> msg) {
    ClusterState state = states.get();
    JsonObject body = asJson(msg);
    if (body == null) {
      msg.fail(400, "body must be a JSON object {\"filter\": P}");
      return;
    }
    String filter = body.getString("filter");
    if (filter == null || filter.isBlank()) {
      msg.reply(new JsonObject(Buffer.buffer(Json.bytes(state.document()))));
      return;
    }
    try {
      List<Match> found = PathExpression.parse(filter).select(state.document(), FilterBudget.of(filterMaxCost));
      msg.reply(new JsonObject(Buffer.buffer(Json.bytes(matches(found)))));
    } catch (FilterSyntaxException | FilterBudgetException e) {
      msg.fail(400, e.getMessage());
    }
  }

  private void onWait(Message<WaitRequest> msg) {
    WaitRequest r = msg.body();
    waits.start(r.wid(), r.condition(), r.timeoutMs(), new Waits.Reply() {
      @Override
      public void answer(WaitResult result) {
        reply(msg, result);
      }

      @Override
      public void fail(int status, String message) {
        msg.fail(status, message);
      }
    });
  }

  private void onPublicWait(Message<Object> msg) {
    JsonObject body = asJson(msg);
    if (body == null) {
      msg.fail(400, "body must be a JSON object {\"filter\": C, \"duration\": D}");
      return;
    }
    try {
      Condition c = Condition.parse(body.getString("filter", ""));
      String d = body.getString("duration");
      long ms = d == null ? waitMax.toMillis() : Math.min(Durations.parse(d).toMillis(), waitMax.toMillis());
      waits.start(null, c, ms, new Waits.Reply() {
        @Override
        public void answer(WaitResult result) {
          msg.reply(result.toJson());
        }

        @Override
        public void fail(int status, String message) {
          msg.fail(status, message);
        }
      });
    } catch (IllegalArgumentException | ClassCastException e) {
      msg.fail(400, e.getMessage());
    }
  }

  private static JsonObject asJson(Message<Object> msg) {
    Object b = msg.body();
    try {
      if (b instanceof JsonObject j) {
        return j;
      } else if (b instanceof String s) {
        return new JsonObject(s);
      } else if (b instanceof Buffer buf) {
        return new JsonObject(buf);
      }
    } catch (RuntimeException e) {
      return null;
    }
    return null;
  }

  static void reply(Message<?> msg, Object body) {
    msg.reply(body, new DeliveryOptions().setCodecName(LocalCodec.nameOf(body.getClass())));
  }
}
