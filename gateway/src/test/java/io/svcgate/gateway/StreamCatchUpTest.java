package io.svcgate.gateway;

import static io.svcgate.gateway.TestGateway.full;
import static io.svcgate.gateway.TestGateway.nodeData;
import static io.svcgate.gateway.TestGateway.patch;
import static io.svcgate.gateway.TestGateway.set;
import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.gateway.StreamClient.Frame;
import io.svcgate.gateway.config.ConfigKey;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream that resumes far back in a large history: the replay follows the socket, so
 * a client that reads catches up whatever the backlog, and one that stops reading is
 * ended once the live feed has moved on by a buffer's worth while it took nothing.
 */
@Timeout(120)
class StreamCatchUpTest {

  private static final int EVENTS = 256;
  private static final String BLOB = "x".repeat(128 * 1024);

  @TempDir
  Path dir;
  TestGateway gw;

  @AfterEach
  void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
  }

  /** 256 events of 128 KiB after a full; returns the id of the full. */
  private long bigHistory() throws Exception {
    long first = gw.ingest(full("n1", 1, nodeData(0)));
    for (int g = 2; g < 2 + EVENTS; g++) {
      gw.ingest(patch("n1", g, set(BLOB + g, "blob")));
    }
    return first;
  }

  @Test
  void aReaderResumingFarBackGetsTheWholeBacklogInOrder() throws Exception {
    gw = TestGateway.start(dir, Map.of());
    long first = bigHistory();
    long last = gw.get("/api/events?after=0&limit=1").bodyAsJsonObject().getLong("last");
    assertThat(last - first).isGreaterThanOrEqualTo(EVENTS);
    try (StreamClient c = StreamClient.sse(gw.clientVertx, gw.port(), "/api/events/stream", Long.toString(first))) {
      long expect = first + 1;
      while (expect <= last) {
        Frame f = c.nextEvent();
        assertThat(f).as("stream ended before event " + expect).isNotNull();
        assertThat(f.data().getString("kind")).as("at event " + expect + ": " + f.data()).isNotEqualTo("gone");
        assertThat(f.data().getLong("id")).isEqualTo(expect);
        assertThat(f.id()).isEqualTo(Long.toString(expect));
        expect++;
      }
      // and it is live now: the next event arrives as it is made
      long next = gw.ingest(patch("n1", 2 + EVENTS, set(1, "frozen")));
      while (expect <= next) {
        assertThat(c.nextEvent().data().getLong("id")).isEqualTo(expect++);
      }
    }
    assertThat(gw.gateway.metrics().slowConsumerDisconnects()).isZero();
  }

  @Test
  void eventsNearlyAsLargeAsTheBufferAfterSmallOnesAllArrive() throws Exception {
    gw = TestGateway.start(dir, Map.of(ConfigKey.STREAM_BUFFER_BYTES, "200000"));
    long first = gw.ingest(full("n1", 1, nodeData(0)));
    String big = "y".repeat(199_950);
    long last = first;
    for (int g = 2; g < 60; g++) {
      last = gw.ingest(patch("n1", g, g % 2 == 0 ? set(g, "small") : set(big + g, "big")));
    }
    try (StreamClient c = StreamClient.ndjson(gw.clientVertx, gw.port(), "/api/events/stream?after=" + first)) {
      for (long expect = first + 1; expect <= last; expect++) {
        Frame f = c.nextEvent();
        assertThat(f.data().getString("kind")).as("at event " + expect + ": " + f.data()).isNotEqualTo("gone");
        assertThat(f.data().getLong("id")).isEqualTo(expect);
      }
    }
  }

  @Test
  void aReaderCatchingUpWhileTheFeedMovesOnIsNotEnded() throws Exception {
    gw = TestGateway.start(dir, Map.of(ConfigKey.STREAM_BUFFER_EVENTS, "20"));
    long first = bigHistory();
    try (StreamClient c = StreamClient.ndjson(gw.clientVertx, gw.port(), "/api/events/stream?after=" + first)) {
      long expect = first + 1;
      long last = 0;
      // every event read is answered by a new one: the reader is always a backlog behind
      for (int i = 0; i < EVENTS + 40; i++) {
        Frame f = c.nextEvent();
        assertThat(f.data().getString("kind")).as("at event " + expect + ": " + f.data()).isNotEqualTo("gone");
        assertThat(f.data().getLong("id")).isEqualTo(expect++);
        if (i < 40) {
          last = gw.ingest(patch("n1", 2 + EVENTS + i, set(BLOB + i, "blob")));
        }
      }
      assertThat(expect - 1).isEqualTo(last);
    }
    assertThat(gw.gateway.metrics().slowConsumerDisconnects()).isZero();
  }

  @Test
  void aLiveReaderSlowerThanTheFeedFallsBackToTheHistoryAndIsNotEnded() throws Exception {
    gw = TestGateway.start(dir, Map.of(ConfigKey.STREAM_BUFFER_EVENTS, "100"));
    long first = gw.ingest(full("n1", 1, nodeData(0)));
    long last = first;
    try (StreamClient c = StreamClient.ndjson(gw.clientVertx, gw.port(), "/api/events/stream")) {
      c.readSlowly(2);
      for (int g = 2; g < 2 + EVENTS; g++) {
        last = gw.ingest(patch("n1", g, set(BLOB + g, "blob")));
      }
      long expect = first + 1;
      while (expect <= last) {
        Frame f = c.nextEvent();
        assertThat(f.data().getString("kind")).as("at event " + expect + ": " + f.data()).isNotEqualTo("gone");
        assertThat(f.data().getLong("id")).isEqualTo(expect++);
      }
    }
    assertThat(gw.gateway.metrics().slowConsumerDisconnects()).isZero();
  }

  @Test
  void aReaderThatStopsReadingIsEndedAndResumesWhereItStopped() throws Exception {
    gw = TestGateway.start(dir, Map.of(ConfigKey.STREAM_BUFFER_EVENTS, "50", ConfigKey.STREAM_BUFFER_BYTES, "1048576",
        ConfigKey.STREAM_STALL_TIMEOUT, "1s"));
    long first = bigHistory();
    long totalBytes = 0;
    try (StreamClient c = StreamClient.ndjson(gw.clientVertx, gw.port(), "/api/events/stream?after=" + first)) {
      c.pause();
      // the live feed moves on meanwhile: the stalled stream must not hold it in memory
      for (int g = 2 + EVENTS; g < 2 + EVENTS + 100; g++) {
        gw.ingest(patch("n1", g, set(g, "counter")));
      }
      Awaits.until("the stalled stream is ended", () -> gw.gateway.metrics().slowConsumerDisconnects() >= 1);
      assertThat(gw.gateway.metrics().slowConsumerDisconnects()).isEqualTo(1);
      c.resume();
      long expect = first + 1;
      JsonObject gone = null;
      Frame f;
      while ((f = c.next()) != null) {
        if ("gone".equals(f.data().getString("kind"))) {
          gone = f.data();
        } else if (!"bookmark".equals(f.data().getString("kind"))) {
          assertThat(f.data().getLong("id")).isEqualTo(expect++);
          totalBytes += f.data().encode().length();
        }
      }
      assertThat(gone).isNotNull();
      assertThat(gone.getString("reason")).isEqualTo("slow consumer");
      assertThat(gone.getLong("last")).isEqualTo(expect - 1);
    }
    // What it got before the end is what the sockets hold plus the stream's own
    // bounds, not the 32 MiB backlog.
    assertThat(totalBytes).isLessThan(EVENTS * (long) BLOB.length() / 2);
  }
}
