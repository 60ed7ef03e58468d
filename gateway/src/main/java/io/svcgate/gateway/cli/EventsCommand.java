package io.svcgate.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.svcgate.state.Json;
import io.svcgate.state.filter.Condition;
import io.svcgate.state.filter.Durations;
import java.io.EOFException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code node events}: follows {@code /api/events/stream} (ndjson) and prints each
 * event, for people or as one envelope per line.
 *
 * <p>Guarantees: events are printed in id order, each once. When the link drops
 * the command reconnects every second and resumes after the last id it has
 * seen (an event printed, or a bookmark), so nothing is lost or repeated; when
 * the gateway no longer has those events ("gone") it says so on stderr and goes
 * on from the oldest event kept. It ends with exit 0 on Ctrl-C, after
 * {@code --limit} events or after {@code --duration}.
 *
 * <p>With several members in {@code --server} (docs/cli.md, "Several gateways"), a
 * connection failure, a 503 or a dropped stream moves to the next member at once,
 * with the same cursor and epoch; the one-second pause comes only after every
 * member failed in turn. Before the first stream opened, the rounds of
 * {@link GatewayClient} apply: exit 3 when no member answered, at most
 * {@value GatewayClient#MAX_ROUNDS} rounds when some answered 503. A member that
 * holds another history (an unknown epoch from a member other than the one the
 * epoch came from: two independent gateways) is followed from its latest event.
 */
@Command(name = "events", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Follow the gateway's live event stream until interrupted (Ctrl-C), "
        + "until N events were printed (--limit) or for a duration (--duration).",
        "Reconnects after a dropped link and resumes without loss or repeat."})
final class EventsCommand implements Callable<Integer> {

  /** Without any message (event or bookmark, every 15 s) for this long, the link is taken for dead. */
  static final long IDLE_MS = 45_000;
  /** Pause between reconnection attempts. */
  static final long RETRY_MS = 1_000;
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final Object STOP = new Object();

  @Spec
  CommandSpec spec;

  @Option(names = "--format", paramLabel = "FORMAT", converter = OutputFormat.Converter.class,
      description = "human (default) or json: one event envelope per line")
  OutputFormat format = OutputFormat.HUMAN;

  @Option(names = "--filter", paramLabel = "C",
      description = "only events whose envelope meets condition C (docs/filters.md), e.g. data.id=node_freeze; "
          + "repeatable, all must hold")
  List<String> filters = new ArrayList<>();

  @Option(names = "--kind", paramLabel = "K", description = "only events of kind K: patch or event")
  String kind;

  @Option(names = "--full", description = "first print the whole state, then every change after it")
  boolean full;

  @Option(names = "--after", paramLabel = "N", description = "start after event id N (replays the history kept)")
  Long after;

  @Option(names = "--limit", paramLabel = "N", description = "stop after N events")
  Integer limit;

  @Option(names = "--duration", paramLabel = "D", description = "stop after D (1s, 500ms, 1m30s, 2h…)")
  String duration;

  @Mixin
  ClientOptions server;

  private final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
  private GatewayClient gateway;
  private PrintWriter out;
  private PrintWriter err;
  private HumanFormat human;
  private long deadline;
  private boolean bounded;
  private int connection;
  private LineSink sink;
  private CompletableFuture<?> response;
  /** The last id seen: the next connection asks for the events after it; -1 before the first full. */
  private long cursor = -1;
  private String epoch;
  /** The member the epoch came from. */
  private URI epochFrom;
  /** Members that failed in a row since the last stream opened. */
  private int failedInRow;
  /** Rounds over all members done before the first stream opened. */
  private int rounds;
  /** Whether a member answered 503 in this round, and the largest Retry-After (ms, -1 none). */
  private boolean round503;
  private long roundRetryAfterMs = -1;
  /** What each member said in this round, for the message when none is left before the first stream. */
  private final List<String> roundFailures = new ArrayList<>();
  private boolean connected;
  private String outage;
  private long printed;

  /** An answer arrived on connection {@code conn}. */
  private record Opened(int conn, int status, HttpHeaders headers) {
  }

  /** The body of an answer other than 200. */
  private record Refused(int conn, int status, byte[] body) {
  }

  /** The answer ended, cleanly or with {@code failure}. */
  private record Ended(int conn, Throwable failure) {
  }

  /**
   * Why a connection ended: null reason when already said. {@code failover}: the
   * member failed (connection, 503, a dropped stream), the next one is asked;
   * otherwise the same member is asked again at once. {@code retryAfterMs} is the
   * 503's {@code Retry-After} (-1 when none); {@code fatal} what to exit with when
   * no stream ever opened and no member is left to try.
   */
  private record Drop(String reason, boolean failover, boolean unavailable, long retryAfterMs, CliException fatal) {

    static Drop again() {
      return new Drop(null, false, false, -1, null);
    }

    static Drop failed(String reason) {
      return new Drop(reason, true, false, -1, null);
    }
  }

  @Override
  public Integer call() {
    validate();
    gateway = server.client();
    out = spec.commandLine().getOut();
    err = spec.commandLine().getErr();
    human = new HumanFormat(ZoneId.systemDefault());
    Interrupts.Registration ctrlC = Interrupts.listen(() -> inbox.add(STOP));
    try {
      return follow();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    } finally {
      ctrlC.close();
      cancel();
    }
  }

  private void validate() {
    for (String f : filters) {
      try {
        Condition.parse(f);
      } catch (IllegalArgumentException e) {
        throw CliException.usage("bad condition '" + f + "': " + e.getMessage());
      }
    }
    if (kind != null && !kind.equals("patch") && !kind.equals("event")) {
      throw CliException.usage("--kind: expected patch or event, got '" + kind + "'");
    }
    if (after != null && after < 0) {
      throw CliException.usage("--after: expected an event id (0 or more), got " + after);
    }
    if (limit != null && limit < 1) {
      throw CliException.usage("--limit: expected 1 or more, got " + limit);
    }
    if (full && after != null) {
      throw CliException.usage("--full and --after cannot be combined: --full starts from the current state");
    }
    if (duration != null) {
      try {
        Duration d = Durations.parse(duration);
        bounded = true;
        deadline = System.nanoTime() + d.toNanos();
      } catch (IllegalArgumentException e) {
        throw CliException.usage("--duration: " + e.getMessage());
      }
    }
  }

  private int follow() throws InterruptedException {
    if (after != null) {
      cursor = after;
    } else if (!full) {
      startFromNow();
    }
    while (true) {
      if (bounded && System.nanoTime() - deadline >= 0) {
        return 0;
      }
      open();
      Drop d = consume();
      if (d == null) {
        return 0;
      }
      if (!d.failover()) {
        continue;
      }
      URI from = gateway.base();
      failedInRow++;
      roundFailures.add(from + ": " + (d.reason() == null ? "failed" : d.reason()));
      round503 |= d.unavailable();
      roundRetryAfterMs = Math.max(roundRetryAfterMs, d.retryAfterMs());
      boolean roundDone = failedInRow % gateway.size() == 0;
      if (!connected && roundDone) {
        rounds++;
        if (!round503 || rounds >= GatewayClient.MAX_ROUNDS) {
          if (gateway.size() == 1 && d.fatal() != null) {
            throw d.fatal();
          }
          throw CliException.unreachable("no gateway of --server answered: " + String.join("; ", roundFailures));
        }
      }
      gateway.next();
      if (outage == null && (connected || gateway.size() > 1)) {
        outage = d.reason();
        err.println(Main.program() + ": " + d.reason() + (gateway.size() == 1
            ? "; reconnecting every " + RETRY_MS / 1000 + " s"
            : " (" + from + "); failing over to " + gateway.base())
            + (cursor >= 0 ? (gateway.size() == 1 ? " to resume after id " : ", resuming after id ") + cursor : ""));
        err.flush();
      }
      if (roundDone) {
        long wait = round503 && roundRetryAfterMs >= 0
            ? Math.min(GatewayClient.MAX_RETRY_AFTER_MS, Math.max(RETRY_MS, roundRetryAfterMs)) : RETRY_MS;
        roundFailures.clear();
        round503 = false;
        roundRetryAfterMs = -1;
        if (pause(wait)) {
          return 0;
        }
      }
    }
  }

  /** "From now" is after the gateway's last id at start, so that a reconnection has a cursor. */
  private void startFromNow() {
    GatewayClient.Answer h = gateway.send("/health", new GatewayClient.Query(), REQUEST_TIMEOUT);
    if (h.status() != 200 && h.status() != 503) {
      throw gateway.refused(h.status(), h.body());
    }
    JsonNode j = h.json();
    if (!j.path("last_id").canConvertToLong()) {
      throw CliException.unreachable("the gateway's /health has no last_id: is --server a svcgate gateway?");
    }
    cursor = j.get("last_id").longValue();
    epoch = j.path("epoch").isTextual() ? j.get("epoch").textValue() : null;
    epochFrom = gateway.base();
  }

  private void open() {
    int conn = ++connection;
    boolean askFull = full && cursor < 0;
    GatewayClient.Query q = new GatewayClient.Query().add("format", "ndjson").add("kind", kind)
        .addAll("filter", filters).add("full", askFull ? "true" : null).add("after", askFull ? null : cursor);
    HttpRequest.Builder b = gateway.request("/api/events/stream", q, null).setHeader("Accept", "application/x-ndjson");
    if (epoch != null && !askFull) {
      b.setHeader("X-Svcgate-Epoch", epoch);
    }
    LineSink lines = new LineSink(conn, inbox);
    sink = lines;
    response = gateway.http().sendAsync(b.build(), info -> {
      inbox.add(new Opened(conn, info.statusCode(), info.headers()));
      if (info.statusCode() == 200) {
        return BodySubscribers.<LineSink, Void>fromLineSubscriber(lines, s -> null, StandardCharsets.UTF_8, "\n");
      }
      return BodySubscribers.mapping(BodySubscribers.ofByteArray(), (byte[] body) -> {
        inbox.add(new Refused(conn, info.statusCode(), body));
        return (Void) null;
      });
    }).whenComplete((HttpResponse<Void> r, Throwable t) -> inbox.add(new Ended(conn, t)));
  }

  private void cancel() {
    if (sink != null) {
      sink.cancel();
    }
    if (response != null) {
      response.cancel(true);
    }
  }

  /**
   * Reads connection {@link #connection} until it ends.
   *
   * @return why it ended, or null when the command is done (Ctrl-C, limit, duration, closed stdout)
   */
  private Drop consume() throws InterruptedException {
    int conn = connection;
    boolean open = false;
    HttpHeaders headers = null;
    long heard = System.nanoTime();
    while (true) {
      long now = System.nanoTime();
      if (bounded && now - deadline >= 0) {
        return null;
      }
      long wait = TimeUnit.MILLISECONDS.toNanos(IDLE_MS) - (now - heard);
      if (wait <= 0) {
        cancel();
        return Drop.failed("no news from the gateway for " + IDLE_MS / 1000 + " s");
      }
      if (bounded) {
        wait = Math.min(wait, deadline - now);
      }
      Object item = inbox.poll(wait, TimeUnit.NANOSECONDS);
      if (item == STOP) {
        return null;
      }
      if (item == null) {
        continue;
      }
      heard = System.nanoTime();
      if (item instanceof Opened o && o.conn() == conn) {
        headers = o.headers();
        if (o.status() == 200) {
          open = true;
          boolean again = connected;
          connected = true;
          failedInRow = 0;
          roundFailures.clear();
          round503 = false;
          roundRetryAfterMs = -1;
          String e = o.headers().firstValue("X-Svcgate-Epoch").orElse(null);
          if (e != null) {
            epoch = e;
            epochFrom = gateway.base();
          }
          if (outage != null) {
            outage = null;
            err.println(Main.program() + ": " + (again ? "reconnected" : "connected") + " to " + gateway.base()
                + (cursor >= 0 ? ", resuming after id " + cursor : ""));
            err.flush();
          }
        }
      } else if (item instanceof Refused r && r.conn() == conn) {
        return refused(r, headers);
      } else if (item instanceof LineSink.Line l && l.conn() == conn) {
        sink.request(1);
        Drop d = line(l.text());
        if (d != null) {
          cancel();
          return d;
        }
        if ((limit != null && printed >= limit) || out.checkError()) {
          return null;
        }
      } else if (item instanceof Ended e && e.conn() == conn) {
        if (!open) {
          String why = e.failure() == null ? "no answer" : GatewayClient.why(e.failure(), null);
          return new Drop(connected ? "lost the stream from " + gateway.base() + " (" + why + ")" : why, true, false, -1,
              gateway.unreachable(e.failure() == null ? new EOFException("no answer") : e.failure(), null));
        }
        return Drop.failed(e.failure() == null ? "the gateway closed the stream"
            : "lost the stream from " + gateway.base() + " (" + GatewayClient.why(e.failure(), null) + ")");
      }
    }
  }

  private Drop refused(Refused r, HttpHeaders headers) {
    if (r.status() == 410) {
      JsonNode g = json(r.body());
      long oldest = g.path("oldest").asLong(0);
      long last = g.path("last").asLong(Math.max(0, oldest - 1));
      URI from = epochFrom;
      epoch = g.path("epoch").isTextual() ? g.get("epoch").textValue() : null;
      epochFrom = gateway.base();
      if (epoch != null && from != null && !from.equals(gateway.base())) {
        // Another member, another history (independent gateways): its ids do not continue ours.
        err.println(Main.program() + ": " + gateway.base() + " keeps another history than " + from + " (epoch "
            + epoch + "), where id " + cursor + " means another event; going on after its latest event, " + last);
        err.flush();
        cursor = last;
        return Drop.again();
      }
      err.println(Main.program() + ": " + GatewayClient.errorMessage(r.status(), r.body())
          + "; going on from event " + oldest);
      err.flush();
      cursor = Math.max(0, Math.min(oldest - 1, last));
      return Drop.again();
    }
    String error = GatewayClient.errorMessage(r.status(), r.body());
    if (r.status() == 503) {
      return new Drop("the gateway answered HTTP 503: " + error, true, true,
          GatewayClient.retryAfterMs(headers == null ? null : headers.firstValue("Retry-After").orElse(null)),
          gateway.refused(r.status(), r.body()));
    }
    if (!connected || r.status() == 401 || r.status() == 403) {
      throw gateway.refused(r.status(), r.body());
    }
    return Drop.failed("the gateway answered HTTP " + r.status() + ": " + error);
  }

  /** Handles one ndjson line; returns a non-null drop when the stream ends with it. */
  private Drop line(String text) {
    if (text.isBlank()) {
      return null;
    }
    JsonNode m = json(text.getBytes(StandardCharsets.UTF_8));
    String k = m.path("kind").asText("");
    long id = m.path("id").asLong(-1);
    switch (k) {
      case "bookmark" -> {
        cursor = Math.max(cursor, id);
        return null;
      }
      case "gone" -> {
        return gone(m);
      }
      case "full" -> {
        print(text, m);
        cursor = id;
        return null;
      }
      default -> {
        if (id >= 0 && id <= cursor) {
          return null;
        }
        print(text, m);
        cursor = Math.max(cursor, id);
        printed++;
        return null;
      }
    }
  }

  private Drop gone(JsonNode m) {
    String reason = m.path("reason").asText("");
    if (reason.equals("history")) {
      long oldest = m.path("oldest").asLong(cursor + 1);
      err.println(Main.program() + ": events after " + cursor + " are gone from the gateway's history; "
          + "going on from event " + oldest);
      err.flush();
      cursor = Math.max(cursor, oldest - 1);
      return Drop.again();
    }
    cursor = Math.max(cursor, m.path("last").asLong(cursor));
    if (reason.equals("slow consumer")) {
      err.println(Main.program() + ": the gateway ended the stream because this client read too slowly; "
          + "resuming after id " + cursor);
      err.flush();
      return Drop.again();
    }
    return Drop.failed("the gateway ended the stream (" + (reason.isEmpty() ? "no reason given" : reason) + ")");
  }

  private void print(String raw, JsonNode m) {
    if (format == OutputFormat.JSON) {
      out.println(raw);
    } else {
      out.print(human.render(m, Instant.now()));
    }
    out.flush();
  }

  private static JsonNode json(byte[] bytes) {
    try {
      return Json.parse(bytes);
    } catch (IOException e) {
      throw CliException.unreachable("the gateway sent a line that is not JSON: " + e.getMessage().split("\n")[0]);
    }
  }

  /** Waits {@code ms}, ignoring what old connections still deliver; true when Ctrl-C came. */
  private boolean pause(long ms) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    if (bounded && deadline - until < 0) {
      until = deadline;
    }
    while (true) {
      long left = until - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      if (inbox.poll(left, TimeUnit.NANOSECONDS) == STOP) {
        return true;
      }
    }
  }
}
