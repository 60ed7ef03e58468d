package io.svcgate.gateway.durable;

import static io.svcgate.gateway.TestGateway.full;
import static io.svcgate.gateway.TestGateway.nodeData;
import static io.svcgate.gateway.TestGateway.patch;
import static io.svcgate.gateway.TestGateway.set;
import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.gateway.Addresses;
import io.svcgate.gateway.Gateway;
import io.svcgate.gateway.history.FaultyHistory;
import io.svcgate.gateway.ingest.HeartbeatIntake;
import io.svcgate.gateway.ingest.IngestResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The id in an acknowledgement is durable when the answer leaves: a message that
 * changes nothing (here a patch sent again) is answered with the last id numbered,
 * and that id may belong to a change still on its way to the disk; the answer waits
 * for it. Before, it was answered at once, so a crash at that moment could hand the
 * same id to another event after the restart (seen once in GatewayCrashTest).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AnswerIdsAreDurableTest {

  @TempDir
  Path dir;

  @Test
  void aMessageThatChangesNothingIsAnsweredOnlyOnceTheIdItNamesIsDurable() throws Exception {
    FaultyGateway started = FaultyGateway.start(dir);
    Gateway gateway = started.gateway();
    FaultyHistory faulty = started.faulty();
    try {
      HeartbeatIntake intake = new HeartbeatIntake(gateway.vertx(), gateway.metrics());
      Context context = gateway.vertx().getOrCreateContext();
      long durable = submit(context, intake, full("n1", 1, nodeData(0))).get(30, TimeUnit.SECONDS).id();
      assertThat(gateway.history().lastId()).isEqualTo(durable);

      faulty.holdWrites();
      JsonObject change = patch("n1", 2, set(2, "stats"));
      CompletableFuture<IngestResult> changed = new CompletableFuture<>();
      CompletableFuture<IngestResult> again = new CompletableFuture<>();
      CompletableFuture<Object> probe = new CompletableFuture<>();
      context.runOnContext(v -> {
        // from one context, in this order: the state verticle takes them in this order, and its
        // answers to them reach this context in the order it sent them
        intake.submit(intake.parse(change.toBuffer().getBytes())).onComplete(ar -> complete(changed, ar));
        intake.submit(intake.parse(change.toBuffer().getBytes())).onComplete(ar -> complete(again, ar));
        gateway.vertx().eventBus().request(Addresses.STATUS, "").onComplete(ar -> complete(probe, ar));
      });
      assertThat(faulty.awaitHeldWrite()).as("the change's write is held").isTrue();
      probe.get(30, TimeUnit.SECONDS);

      // the state verticle has taken the repeated patch (and answered it, if it answers at once)
      assertThat(changed).as("the change is not durable, so not acknowledged").isNotDone();
      assertThat(again).as("the answer to the repeat names the held change's id: it must wait for it").isNotDone();
      assertThat(gateway.history().lastId()).isEqualTo(durable);

      faulty.releaseWrites();
      long changedId = changed.get(30, TimeUnit.SECONDS).id();
      IngestResult repeat = again.get(30, TimeUnit.SECONDS);
      assertThat(changedId).isGreaterThan(durable);
      assertThat(repeat.id()).as("the repeat's answer names the last id, now durable").isEqualTo(changedId);
      assertThat(gateway.history().lastId()).isGreaterThanOrEqualTo(repeat.id());
    } finally {
      faulty.releaseWrites();
      gateway.stop().await(60, TimeUnit.SECONDS);
    }
  }

  private static CompletableFuture<IngestResult> submit(Context context, HeartbeatIntake intake, JsonObject message) {
    CompletableFuture<IngestResult> f = new CompletableFuture<>();
    context.runOnContext(v -> intake.submit(intake.parse(message.toBuffer().getBytes())).onComplete(ar -> complete(f, ar)));
    return f;
  }

  private static <T> void complete(CompletableFuture<T> f, io.vertx.core.AsyncResult<? extends T> ar) {
    if (ar.succeeded()) {
      f.complete(ar.result());
    } else {
      f.completeExceptionally(ar.cause());
    }
  }
}
