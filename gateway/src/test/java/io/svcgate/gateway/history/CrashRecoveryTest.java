package io.svcgate.gateway.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.svcgate.state.Event;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real process appending to the history is killed with SIGKILL during sustained
 * appends; every id it acknowledged must be there, intact, after reopening, and the
 * next run continues the ids.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CrashRecoveryTest {

  @TempDir
  Path tmp;

  @Test
  void noAcknowledgedEventIsLostWhenTheProcessIsKilled() throws Exception {
    Path dir = tmp.resolve("data");
    long acked = 0;
    // durable first, then with fsync off (a killed process still loses nothing: its writes are in the OS)
    for (boolean durable : new boolean[] {true, false, true}) {
      acked = runAndKill(dir, durable, acked);
      try (RocksEventLog log = RocksEventLog.open(dir, true)) {
        assertThat(log.lastId()).as("every acknowledged id is kept").isGreaterThanOrEqualTo(acked);
        long id = 0;
        while (id < log.lastId()) {
          List<Event> page = log.readAfter(id, 5000);
          for (Event e : page) {
            assertThat(e.id()).isEqualTo(++id);
            assertThat(e.json()).as("event %d", id).isEqualTo(AppendingChild.event(id).json());
          }
        }
        acked = log.lastId();
      }
    }
  }

  /** Starts the child, waits for a few thousand acknowledged ids, kills it; returns the last id acknowledged. */
  private long runAndKill(Path dir, boolean durable, long before) throws Exception {
    Path err = Files.createTempFile(tmp, "child", ".err");
    ProcessBuilder pb = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        "-Xmx256m",
        AppendingChild.class.getName(), dir.toString(), Boolean.toString(durable))
        .redirectError(err.toFile());
    Process child = pb.start();
    long acked = 0;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
        StandardCharsets.US_ASCII))) {
      String line = readProtocolLine(out, child, err);
      assertThat(line).isEqualTo("ready " + before);
      // the directory is the child's: another open is refused, naming the child
      assertThatThrownBy(() -> RocksEventLog.open(dir, true))
          .isInstanceOf(DataDirectoryInUseException.class)
          .hasMessage("data directory " + dir + " is in use by another svcgate (pid " + child.pid() + ")");
      while (acked < before + 5000) {
        line = readProtocolLine(out, child, err);
        assertThat(line).startsWith("acked ");
        long id = Long.parseLong(line.substring(6));
        assertThat(id).as("acks come in order").isGreaterThan(acked);
        acked = id;
      }
      // SIGKILL, keeping our end of its stdout open (Process.destroyForcibly would close it)
      assertThat(child.toHandle().destroyForcibly()).isTrue();
      // read what the child acknowledged before it died
      while ((line = out.readLine()) != null) {
        if (line.startsWith("acked ")) {
          acked = Long.parseLong(line.substring(6));
        }
      }
    } finally {
      child.destroyForcibly();
      child.waitFor(60, TimeUnit.SECONDS);
    }
    assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
    return acked;
  }

  private static String readProtocolLine(BufferedReader out, Process child, Path err) throws IOException {
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith("ready ") || line.startsWith("acked ")) {
        return line;
      }
    }
    throw new AssertionError("the child ended (" + child.onExit().join().exitValue() + ") before it acknowledged "
        + "enough: " + Files.readString(err));
  }
}
