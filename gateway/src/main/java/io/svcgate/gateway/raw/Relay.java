package io.svcgate.gateway.raw;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.svcgate.gateway.ingest.HeartbeatIntake;
import io.svcgate.gateway.ingest.IngestException;
import io.svcgate.gateway.metrics.GatewayMetrics;
import io.svcgate.gateway.metrics.RejectionLog;
import io.svcgate.state.HeartbeatMessage;
import io.svcgate.state.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay heartbeat (docs/opensvc.md, "Relay"): {@code relay_tx} stores a node's
 * message in its slot exactly as OpenSVC's relay does, {@code relay_rx} gives it to the
 * node's peers, relay status lists the slots. A stored message that decrypts with the
 * cluster secret is also ingested: turned into a heartbeat message
 * ({@link RelayMessages}), then parsed and handed to the state by the same
 * {@link HeartbeatIntake} as every other door, in the order the node sent it. Confined to the listener's event loop.
 */
final class Relay {

  private static final Logger LOG = LoggerFactory.getLogger(Relay.class);
  /** Relayed messages larger than this are decrypted on a worker thread. */
  private static final int INLINE = 256 * 1024;

  private final Vertx vertx;
  private final RawOptions options;
  private final GatewayMetrics metrics;
  private final RelaySlots slots;
  private final HeartbeatIntake intake;

  Relay(Vertx vertx, RawOptions options, GatewayMetrics metrics, RelaySlots slots, HeartbeatMessage.Limits limits) {
    this.vertx = vertx;
    this.intake = new HeartbeatIntake(vertx, metrics, limits);
    this.options = options;
    this.metrics = metrics;
    this.slots = slots;
  }

  /** {@code POST relay_tx}: stores {@code options.msg} under {@code <cluster_id>/<sender>}, then ingests it. */
  ObjectNode tx(RawRequest r) {
    JsonNode msg = r.options().get("msg");
    String clusterId = r.string("cluster_id");
    if (msg == null || !msg.isTextual() || clusterId == null) {
      return error(400, "relay_tx needs the options msg (a string) and cluster_id");
    }
    String ipaddr = "";
    JsonNode addr = r.options().get("addr");
    if (addr != null && addr.isArray() && addr.size() > 0 && addr.get(0).isTextual()) {
      ipaddr = addr.get(0).textValue();
    }
    String clusterName = r.string("cluster_name");
    RelaySlots.Slot s = slots.put(RelaySlots.key(clusterId, r.sender()), msg.textValue(),
        clusterName == null ? "" : clusterName, clusterId, ipaddr);
    if (s == null) {
      metrics.rawRejected("relay_full");
      RejectionLog.log("raw relay_full", r.sender(), "the relay holds " + slots.size() + " slots and " + slots.bytes()
          + " characters, its limits (relay.max-slots, relay.max-bytes); message not stored");
      return error(1, "relay full");
    }
    ingest(r.sender(), msg.textValue());
    ObjectNode ok = Json.NODES.objectNode();
    ok.put("status", 0);
    return ok;
  }

  /** {@code GET relay_rx}: the message in slot {@code <cluster_id>/<slot>}. */
  ObjectNode rx(RawRequest r) {
    String slot = r.string("slot");
    String clusterId = r.string("cluster_id");
    if (slot == null || clusterId == null) {
      return error(400, "relay_rx needs the options slot and cluster_id");
    }
    RelaySlots.Slot s = slots.get(RelaySlots.key(clusterId, slot));
    if (s == null) {
      return error(1, "no data");
    }
    ObjectNode o = Json.NODES.objectNode();
    o.put("status", 0);
    o.put("data", s.msg());
    o.put("updated", s.updated());
    return o;
  }

  /** {@code GET daemon_relay_status}: every slot with its cluster name, time, address and size. */
  ObjectNode status() {
    ObjectNode o = Json.NODES.objectNode();
    for (Map.Entry<String, RelaySlots.Slot> e : slots.snapshot().entrySet()) {
      RelaySlots.Slot s = e.getValue();
      ObjectNode v = o.putObject(e.getKey());
      v.put("cluster_name", s.clusterName());
      v.put("updated", s.updated());
      v.put("ipaddr", s.ipaddr());
      v.put("size", s.msg().length());
    }
    return o;
  }

  private void ingest(String sender, String msg) {
    RawCodec.Envelope inner;
    try {
      inner = RawCodec.parseEnvelope(msg);
    } catch (RawException e) {
      metrics.rawRelayMessage("not_envelope");
      return;
    }
    if (!inner.clustername().equalsIgnoreCase(options.clusterName())) {
      // a cluster the gateway is only the relay of: stored, not read
      metrics.rawRelayMessage("other_cluster");
      return;
    }
    Future<JsonNode> payload = inner.data().length <= INLINE ? decrypt(inner)
        : vertx.executeBlocking(() -> RawCodec.decryptJson(options.clusterKey(), inner, options.maxFrame()), false);
    payload.onComplete(ar -> {
      if (ar.failed() && !(ar.cause() instanceof RawException r && RawException.DECRYPT.equals(r.reason()))) {
        metrics.rawRelayMessage("invalid");
        RejectionLog.log("raw relay_invalid", inner.nodename(), "a relayed heartbeat decrypts but cannot be read: "
            + ar.cause().getMessage());
        return;
      }
      if (ar.failed()) {
        metrics.rawDecryptFailure("relay");
        metrics.rawRelayMessage("undecryptable");
        RejectionLog.log("raw relay_decrypt", inner.nodename(), "a relayed heartbeat does not decrypt with the cluster "
            + "secret: " + ar.cause().getMessage());
        return;
      }
      apply(sender, inner.nodename(), ar.result());
    });
  }

  private Future<JsonNode> decrypt(RawCodec.Envelope inner) {
    try {
      return Future.succeededFuture(RawCodec.decryptJson(options.clusterKey(), inner, options.maxFrame()));
    } catch (RawException e) {
      return Future.failedFuture(e);
    }
  }

  private void apply(String sender, String nodename, JsonNode payload) {
    if (!nodename.equals(sender)) {
      LOG.debug("relay slot of {} carries a message from {}: taken as from {}", sender, nodename, nodename);
    }
    HeartbeatMessage hb;
    try {
      // the same parse and submit as every other door: counted and logged there when refused
      hb = intake.parse(RelayMessages.toMessage(nodename, payload));
    } catch (IngestException e) {
      metrics.rawRelayMessage("invalid");
      return;
    }
    intake.submit(hb).onComplete(ar -> {
      if (ar.succeeded()) {
        metrics.rawRelayMessage("accepted");
      } else if (ar.cause() instanceof IngestException e && e.refusedByState()) {
        metrics.rawRelayMessage(e.status() == 409 ? "out_of_sequence" : "refused");
      } else {
        metrics.rawRelayMessage("failed");
      }
    });
  }

  static ObjectNode error(int status, String error) {
    ObjectNode o = Json.NODES.objectNode();
    o.put("status", status);
    o.put("error", error);
    return o;
  }
}
