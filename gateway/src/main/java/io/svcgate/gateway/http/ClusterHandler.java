package io.svcgate.gateway.http;

import static io.svcgate.gateway.http.Errors.JSON;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.util.NetUtil;
import io.svcgate.gateway.cluster.ClusterStatus;
import io.svcgate.state.Json;
import io.svcgate.state.history.EventLog;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The Raft group as this member sees it (docs/clustering.md, docs/api.md):
 * {@code GET /api/cluster} and {@code PUT /api/cluster/members}. Both answer 404 on
 * a gateway started without {@code --cluster}. Reads {@link ClusterStatus} only,
 * which never blocks; a membership change is Raft's own configuration change,
 * asked of the group, and this handler only validates the list and waits (bounded)
 * for the answer.
 */
final class ClusterHandler {

  /** The most members a group may have: Raft groups of 3, 5 or 7 are what makes sense. */
  static final int MAX_MEMBERS = 7;
  /** The largest body {@code PUT /api/cluster/members} reads. */
  static final long MAX_BODY = 16 * 1024;
  /** How long a membership change may take before the answer is a 503. */
  static final long CHANGE_TIMEOUT_MS = 30_000;

  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
  private static final Pattern IPV4 = Pattern.compile("(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
      + "(?:\\.(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
  private static final Pattern IPV6 = Pattern.compile("\\[[0-9A-Fa-f:.]{2,45}]");
  private static final Pattern PORT = Pattern.compile("[1-9][0-9]{0,4}");
  private static final String SHAPE = "the body is {\"members\": [\"host:port\", ...]}";

  private final Supplier<Optional<ClusterStatus>> cluster;
  private final EventLog log;

  ClusterHandler(Supplier<Optional<ClusterStatus>> cluster, EventLog log) {
    this.cluster = cluster;
    this.log = log;
  }

  /** The cluster, or a 404 for a gateway without {@code --cluster}. */
  private ClusterStatus member() {
    return cluster.get().orElseThrow(() -> new HttpError(404,
        "this gateway is not a cluster member: it runs without --cluster (docs/clustering.md)"));
  }

  /** {@code GET /api/cluster}. */
  void describe(RoutingContext rc) {
    ClusterStatus c = member();
    ok(rc, c, describe(c, log.epoch()));
  }

  /** The {@code GET /api/cluster} body. */
  static JsonObject describe(ClusterStatus c, String epoch) {
    JsonArray members = new JsonArray();
    for (ClusterStatus.Member m : c.members()) {
      members.add(new JsonObject().put("id", m.id()).put("http", m.http()).put("role", m.role().label()));
    }
    return new JsonObject().put("name", c.name()).put("epoch", epoch).put("self", c.self())
        .put("role", c.role().label()).put("leader", c.leader().orElse(null)).put("term", c.term())
        .put("applied", c.appliedEventId()).put("members", members);
  }

  private void ok(RoutingContext rc, ClusterStatus c, JsonObject body) {
    rc.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON)
        .putHeader("X-Svcgate-Id", Long.toString(body.getLong("applied")))
        .putHeader("X-Svcgate-Epoch", log.epoch()).end(body.encode());
  }

  /**
   * {@code PUT /api/cluster/members}: validates the list strictly (400 and nothing
   * asked of the group otherwise), answers 503 with {@code Retry-After} while the
   * group has no leader, else asks the group and answers the new
   * {@code GET /api/cluster} body once the change is committed.
   */
  void setMembers(RoutingContext rc) {
    ClusterStatus c = member();
    Buffer body = rc.body().buffer();
    List<String> ids = parseMembers(body == null ? new byte[0] : body.getBytes());
    if (c.leader().isEmpty()) {
      noLeader(rc, "the group has no leader now (an election, or no majority of members reachable): "
          + "nothing changed, try again");
      return;
    }
    c.setMembers(ids).timeout(CHANGE_TIMEOUT_MS, TimeUnit.MILLISECONDS).onComplete(ar -> {
      if (ar.succeeded()) {
        ok(rc, c, describe(c, log.epoch()));
        return;
      }
      Throwable t = ar.cause();
      if (t instanceof IllegalArgumentException) {
        Errors.send(rc, 400, t.getMessage(), null);
      } else if (t instanceof TimeoutException) {
        noLeader(rc, "the membership change was not committed within " + CHANGE_TIMEOUT_MS / 1000
            + " s; GET /api/cluster shows whether it took effect");
      } else {
        String why = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        noLeader(rc, (c.leader().isEmpty() ? "the group lost its leader" : "the group did not take the change")
            + " (" + why + "): try again");
      }
    });
  }

  /** The route's failure handler: its own body limit in the 413's message; anything else goes on. */
  static void tooLarge(RoutingContext rc) {
    if (rc.statusCode() == 413) {
      Errors.send(rc, 413, "request body larger than " + MAX_BODY + " bytes: " + SHAPE, null);
    } else {
      rc.next();
    }
  }

  private static void noLeader(RoutingContext rc, String message) {
    rc.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
    Errors.send(rc, 503, message, null);
  }

  /**
   * The member ids of a {@code {"members": [...]}} body: a JSON object with exactly
   * that field, an array of 1 to {@link #MAX_MEMBERS} distinct {@code host:port}
   * strings (a DNS name, an IPv4 address or a bracketed IPv6 address; a port 1 to
   * 65535). Anything else is a 400 that says what is wrong.
   */
  static List<String> parseMembers(byte[] bytes) {
    JsonNode root;
    try {
      root = Json.MAPPER.reader().with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).readTree(bytes);
    } catch (IOException | RuntimeException e) {
      throw new HttpError(400, "the body is not one JSON document (" + firstLine(e.getMessage()) + "); " + SHAPE);
    }
    if (root == null || root.isMissingNode()) {
      throw new HttpError(400, "the body is empty: " + SHAPE);
    }
    if (!root.isObject()) {
      throw new HttpError(400, "the body must be a JSON object: " + SHAPE);
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!name.equals("members")) {
        throw new HttpError(400, "unknown field '" + printable(name) + "': " + SHAPE);
      }
    }
    JsonNode list = root.get("members");
    if (list == null || !list.isArray()) {
      throw new HttpError(400, "'members' must be an array of \"host:port\" strings: " + SHAPE);
    }
    if (list.isEmpty() || list.size() > MAX_MEMBERS) {
      throw new HttpError(400, "'members' must list 1 to " + MAX_MEMBERS + " members, got " + list.size());
    }
    List<String> ids = new ArrayList<>(list.size());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode item = list.get(i);
      if (!item.isTextual()) {
        throw new HttpError(400, "members[" + i + "] must be a \"host:port\" string, got " + item.getNodeType()
            .name().toLowerCase(Locale.ROOT));
      }
      String id = item.textValue();
      String key = memberKey(id);
      if (key == null) {
        throw new HttpError(400, "members[" + i + "] '" + printable(id) + "' is not host:port (a DNS name, an IPv4 "
            + "address or a [bracketed] IPv6 address, then a port from 1 to 65535)");
      }
      if (!seen.add(key)) {
        throw new HttpError(400, "members[" + i + "] '" + id + "' is listed twice (host names compare without case)");
      }
      ids.add(id);
    }
    return ids;
  }

  /** The id's normal form (host in lower case, port as a number), or null when it is not {@code host:port}. */
  static String memberKey(String id) {
    if (id.length() > 300) {
      return null;
    }
    int colon = id.lastIndexOf(':');
    if (colon <= 0 || colon == id.length() - 1) {
      return null;
    }
    String host = id.substring(0, colon);
    String port = id.substring(colon + 1);
    if (!PORT.matcher(port).matches() || Integer.parseInt(port) > 65_535) {
      return null;
    }
    if (!(IPV6.matcher(host).matches() ? ipv6(host) : hostname(host))) {
      return null;
    }
    return host.toLowerCase(Locale.ROOT) + ":" + Integer.parseInt(port);
  }

  private static boolean hostname(String host) {
    if (host.length() > 253) {
      return false;
    }
    String[] labels = host.split("\\.", -1);
    boolean numeric = true;
    for (String l : labels) {
      if (!LABEL.matcher(l).matches()) {
        return false;
      }
      numeric &= l.chars().allMatch(Character::isDigit);
    }
    // all-digit labels are an IPv4 address or nothing (a top-level domain is never all digits)
    return !numeric || IPV4.matcher(host).matches();
  }

  private static boolean ipv6(String bracketed) {
    String literal = bracketed.substring(1, bracketed.length() - 1);
    return literal.contains(":") && NetUtil.isValidIpV6Address(literal);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return printable(nl < 0 ? s : s.substring(0, nl));
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder(Math.min(s.length(), 100));
    for (int i = 0; i < s.length() && b.length() < 100; i++) {
      char c = s.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return b.toString();
  }
}
