package io.svcgate.gateway.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.svcgate.state.Event;
import io.svcgate.state.Json;
import io.svcgate.state.Stanza;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Hooks run as real processes: shell scripts this test writes into a temporary directory. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HooksTest {

  private static final Duration FAST_WATCH = Duration.ofMillis(20);
  private static final Duration NO_WATCH = Duration.ofHours(1);

  @TempDir
  Path dir;
  private Path conf;
  private Hooks hooks;
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(Hooks.class);
  private Level previousLevel;

  @BeforeEach
  void captureLog() {
    conf = dir.resolve("node.conf");
    logged.start();
    previousLevel = logger.getLevel();
    logger.setLevel(Level.DEBUG);
    logger.addAppender(logged);
  }

  @AfterEach
  void closeHooks() {
    if (hooks != null) {
      hooks.close();
    }
    logger.detachAppender(logged);
    logger.setLevel(previousLevel);
  }

  @Test
  void theHookGetsTheEnvelopeOnStdinAndTheVariablesInItsOwnProcessGroup() throws Exception {
    Path capture = script("capture.sh",
      "cat > \"$DIR/stdin\"",
      "printf '%s\\n' \"$SVCGATE_EVENT_ID\" \"$SVCGATE_EVENT_NODENAME\" \"$SVCGATE_EVENT_SEQ\" > \"$DIR/env\"",
      "set -- $(cat /proc/$$/stat)",
      "echo \"$1 $5\" > \"$DIR/pid-pgid\"");
    writeConf("[hook#1]", "events = node_freeze", "command = " + capture);
    hooks = start(options());

    ObjectNode data = Json.NODES.objectNode().put("id", "node_freeze").put("reason", "target")
      .put("path", "ns1/svc/wéb \"q\"");
    Event event = Event.event(42, 1764147721.123456, "n1", data);
    assertThat(hooks.submit(event)).isEqualTo(1);
    awaitSettled(1);

    assertThat(hooks.stats().ok()).isEqualTo(1);
    assertThat(Files.readAllBytes(dir.resolve("stdin"))).isEqualTo(event.json());
    assertThat(Files.readAllLines(dir.resolve("env"))).containsExactly("node_freeze", "n1", "42");
    String[] pidPgid = Files.readString(dir.resolve("pid-pgid")).trim().split(" ");
    if (Launcher.fromPath().ownGroups()) {
      assertThat(pidPgid[1]).as("the hook leads its own process group").isEqualTo(pidPgid[0]);
    }
    assertThat(messages()).contains(
      "execute node_freeze hook: " + capture,
      "hooks file " + conf + ": 1 hooks (hook#1 on node_freeze: " + capture + ")");
    assertThat(messages()).anyMatch(m -> m.matches("node_freeze hook exit code 0 after \\d+ ms \\(event 42\\): "
      + Pattern.quote(capture.toString())));
  }

  @Test
  void allAndListedIdsSeparatedBySpacesOrCommasRunEachDistinctCommandOncePerEvent() throws Exception {
    Path rec = script("rec.sh", "touch \"$DIR/ran.$SVCGATE_EVENT_SEQ.$1\"");
    writeConf(
      "[hook#1]", "events = node_freeze,node_thaw", "command = " + rec + " one",
      "[hook#2]", "events = all", "command = " + rec + " every",
      "[hook#3]", "events = node_thaw   instance_freeze", "command = " + rec + "   'one'",
      "[node]", "command = " + rec + " never");
    hooks = start(options());

    assertThat(hooks.submit(event(1, "node_freeze"))).isEqualTo(2);
    assertThat(hooks.submit(event(2, "node_thaw"))).isEqualTo(2);
    assertThat(hooks.submit(event(3, "instance_freeze"))).isEqualTo(2);
    assertThat(hooks.submit(event(4, "other"))).isEqualTo(1);
    assertThat(hooks.submit(Event.patch(5, 1.0, "n1", List.of(new Stanza(io.svcgate.state.Path.of("a"),
      Json.NODES.numberNode(1)))))).isZero();
    awaitSettled(7);

    assertThat(hooks.stats().ok()).isEqualTo(7);
    assertThat(files("ran.")).containsExactlyInAnyOrder(
      "ran.1.one", "ran.1.every", "ran.2.one", "ran.2.every", "ran.3.one", "ran.3.every", "ran.4.every");
  }

  @Test
  void commandArgumentsAreSplitWithShellQuotingAndNothingIsExpanded() throws Exception {
    Path args = script("args.sh",
      "{ printf '%s\\n' \"$#\"; for a in \"$@\"; do printf '[%s]\\n' \"$a\"; done; } > \"$DIR/args\"");
    writeConf("[hook#1]", "events = all",
      "command = " + CommandLine.quote(args.toString())
        + " 'two words' \"dq \\\"x\\\"\" back\\ slash '' $HOME * a;b");
    hooks = start(options());

    hooks.submit(event(1, "x"));
    awaitSettled(1);

    assertThat(Files.readAllLines(dir.resolve("args"))).containsExactly(
      "7", "[two words]", "[dq \"x\"]", "[back slash]", "[]", "[$HOME]", "[*]", "[a;b]");
  }

  @Test
  void aHangingHookIsKilledAtTheTimeoutWithItsChildren() throws Exception {
    assumeTrue(Launcher.fromPath().ownGroups(), "setsid and kill in PATH");
    Path hang = script("hang.sh",
      "sleep 1000 &",
      "echo $! > \"$DIR/child.tmp\" && mv \"$DIR/child.tmp\" \"$DIR/child\"",
      "(sleep 1000 & echo $! > \"$DIR/orphan.tmp\" && mv \"$DIR/orphan.tmp\" \"$DIR/orphan\")",
      "echo started",
      "wait");
    writeConf("[hook#1]", "events = all", "command = " + hang);
    hooks = start(options().withTimeout(Duration.ofMillis(300)));

    long t0 = System.nanoTime();
    hooks.submit(event(7, "node_freeze"));
    awaitSettled(1);
    long elapsedMillis = (System.nanoTime() - t0) / 1_000_000;

    assertThat(hooks.stats().timeouts()).isEqualTo(1);
    assertThat(hooks.stats().failures()).isZero();
    assertThat(elapsedMillis).isGreaterThanOrEqualTo(300);
    long child = Long.parseLong(Files.readString(dir.resolve("child")).trim());
    long orphan = Long.parseLong(Files.readString(dir.resolve("orphan")).trim());
    await("the hook's child is killed", () -> !alive(child));
    await("the hook's orphaned grandchild is killed", () -> !alive(orphan));
    assertThat(messages()).anyMatch(m -> m.startsWith("node_freeze hook timeout after ")
      && m.contains("(hooks.timeout PT0.3S), process group killed (event 7): " + hang + "; output: started"));
  }

  @Test
  void whatAHookLeavesRunningInItsGroupIsKilledWhenItExits() throws Exception {
    assumeTrue(Launcher.fromPath().ownGroups(), "setsid and kill in PATH");
    Path leave = script("leave.sh",
      "sleep 1000 &",
      "echo $! > \"$DIR/child\"");
    writeConf("[hook#1]", "events = all", "command = " + leave);
    hooks = start(options());

    hooks.submit(event(1, "x"));
    awaitSettled(1);

    assertThat(hooks.stats().ok()).isEqualTo(1);
    long child = Long.parseLong(Files.readString(dir.resolve("child")).trim());
    await("the leftover child is killed", () -> !alive(child));
  }

  @Test
  void missingOrNotExecutableCommandsAreLoggedAndCountedAndLaterEventsStillRunHooks() throws Exception {
    Path rec = script("rec.sh", "touch \"$DIR/ran.$SVCGATE_EVENT_SEQ\"");
    Path notExecutable = dir.resolve("plain.sh");
    Files.writeString(notExecutable, "#!/bin/sh\nexit 0\n");
    writeConf(
      "[hook#1]", "events = all", "command = /nonexistent/svcgate-hook --flag",
      "[hook#2]", "events = all", "command = " + notExecutable,
      "[hook#3]", "events = all", "command = svcgate-no-such-program",
      "[hook#4]", "events = all", "command = " + dir,
      "[hook#5]", "events = all", "command = " + rec);
    hooks = start(options());

    assertThat(hooks.submit(event(1, "node_freeze"))).isEqualTo(5);
    awaitSettled(5);
    assertThat(hooks.stats().failures()).isEqualTo(4);
    assertThat(hooks.stats().ok()).isEqualTo(1);
    assertThat(messages()).contains(
      "node_freeze hook not found: /nonexistent/svcgate-hook (event 1): /nonexistent/svcgate-hook --flag",
      "node_freeze hook not executable: " + notExecutable + " (event 1): " + notExecutable,
      "node_freeze hook not found in PATH: svcgate-no-such-program (event 1): svcgate-no-such-program",
      "node_freeze hook not executable: " + dir + " (event 1): " + dir);

    assertThat(hooks.submit(event(2, "node_thaw"))).isEqualTo(5);
    awaitSettled(10);
    assertThat(hooks.stats().failures()).isEqualTo(8);
    assertThat(hooks.stats().ok()).isEqualTo(2);
    assertThat(files("ran.")).containsExactlyInAnyOrder("ran.1", "ran.2");
  }

  @Test
  void aFailingChattyHookNeverBlocksAndItsExitCodeAndOutputTailAreLogged() throws Exception {
    Path chatty = script("chatty.sh",
      "i=0",
      "while [ $i -lt 20000 ]; do echo \"line $i of a hook that talks a lot\"; i=$((i+1)); done",
      "echo 'last words' >&2",
      "exit 3");
    writeConf("[hook#1]", "events = all", "command = " + chatty);
    hooks = start(options());

    hooks.submit(event(9, "node_freeze"));
    awaitSettled(1);

    assertThat(hooks.stats().failures()).isEqualTo(1);
    assertThat(hooks.stats().timeouts()).isZero();
    String line = messages().stream().filter(m -> m.contains("exit code 3")).findFirst().orElseThrow();
    assertThat(line).matches("node_freeze hook exit code 3 after \\d+ ms \\(event 9\\): " + Pattern.quote(chatty.toString())
      + "; output \\(last 4096 of \\d+ bytes\\): .*line 19999 of a hook that talks a lot\\\\nlast words");
    assertThat(line.length()).isLessThan(4096 + 300);
  }

  @Test
  void atMostMaxRunningRunAtOnceAndTheOthersWaitInOrder() throws Exception {
    Path block = blockingScript();
    writeConf("[hook#1]", "events = all", "command = " + block);
    hooks = start(options().withMaxRunning(2).withQueue(10));

    for (int seq = 1; seq <= 5; seq++) {
      assertThat(hooks.submit(event(seq, "e"))).isEqualTo(1);
    }
    assertThat(hooks.stats().running()).isEqualTo(2);
    assertThat(hooks.stats().queued()).isEqualTo(3);
    awaitStarted(2);
    for (int seq = 1; seq <= 3; seq++) {
      release(seq);
      awaitStarted(seq + 2);
      assertThat(hooks.stats().running()).isEqualTo(2);
    }
    release(4);
    release(5);
    awaitSettled(5);

    assertThat(hooks.stats().ok()).isEqualTo(5);
    assertThat(hooks.stats().running()).isZero();
    assertThat(hooks.stats().queued()).isZero();
    List<String[]> started = started();
    assertThat(started).hasSize(5);
    assertThat(started.subList(0, 2)).extracting(s -> s[0]).containsExactlyInAnyOrder("1", "2");
    assertThat(started.subList(2, 5)).extracting(s -> s[0]).containsExactly("3", "4", "5");
    assertThat(started).extracting(s -> Integer.parseInt(s[1])).allSatisfy(n -> assertThat(n).isBetween(1, 2));
  }

  @Test
  void runsBeyondTheQueueAreDroppedAndCounted() throws Exception {
    Path block = blockingScript();
    writeConf("[hook#1]", "events = all", "command = " + block);
    hooks = start(options().withMaxRunning(1).withQueue(2));

    List<Integer> accepted = new ArrayList<>();
    for (int seq = 1; seq <= 5; seq++) {
      accepted.add(hooks.submit(event(seq, "e")));
    }
    assertThat(accepted).containsExactly(1, 1, 1, 0, 0);
    assertThat(hooks.stats().dropped()).isEqualTo(2);
    assertThat(hooks.stats().running()).isEqualTo(1);
    assertThat(hooks.stats().queued()).isEqualTo(2);
    assertThat(messages()).anyMatch(m -> m.startsWith("e hook dropped, 1 running and 2 waiting "
      + "(hooks.max-running 1, hooks.queue 2), 1 dropped in all (event 4): "));
    for (int seq = 1; seq <= 3; seq++) {
      awaitStarted(seq);
      release(seq);
    }
    awaitSettled(3);

    assertThat(hooks.stats().ok()).isEqualTo(3);
    assertThat(hooks.stats().runs()).isEqualTo(3);
    assertThat(started()).extracting(s -> s[0]).containsExactly("1", "2", "3");
  }

  @Test
  void closeKillsRunningHooksAndDropsWaitingOnes() throws Exception {
    Path block = blockingScript();
    writeConf("[hook#1]", "events = all", "command = " + block);
    hooks = start(options().withMaxRunning(1).withQueue(5));

    hooks.submit(event(1, "e"));
    hooks.submit(event(2, "e"));
    awaitStarted(1);
    hooks.close();

    assertThat(hooks.stats().running()).isZero();
    assertThat(hooks.stats().queued()).isZero();
    assertThat(hooks.stats().failures()).isEqualTo(1);
    assertThat(hooks.stats().dropped()).isEqualTo(1);
    assertThat(messages()).anyMatch(m -> m.startsWith("e hook killed after ") && m.contains("hooks closing"));
    assertThat(hooks.submit(event(3, "e"))).isZero();
    assertThat(started()).hasSize(1);
  }

  @Test
  void theFileIsReReadWhenItChangesAndABrokenFileKeepsThePreviousHooks() throws Exception {
    Path rec = script("rec.sh", "touch \"$DIR/ran.$SVCGATE_EVENT_SEQ.$1\"");
    writeConf("[hook#1]", "events = a", "command = " + rec + " first");
    hooks = new Hooks(options(), Launcher.fromPath(), FAST_WATCH);
    assertThat(hooks.stats().configured()).isEqualTo(1);

    writeConf("[hook#1]", "events = b", "command = " + rec + " second",
      "[hook#2]", "events = b c", "command = " + rec + " third");
    await("the changed file is applied", () -> hooks.stats().configured() == 2);
    assertThat(hooks.submit(event(1, "a"))).isZero();
    assertThat(hooks.submit(event(2, "b"))).isEqualTo(2);

    writeConf("[hook#1]", "events = b", "command = " + rec + " 'unterminated");
    await("the broken file is noticed", () -> hooks.lastError() != null);
    assertThat(hooks.lastError()).isEqualTo("line 3: [hook#1] command: unterminated single quote at column "
      + (("command = " + rec + " 'x").indexOf('\'') + 1));
    assertThat(hooks.stats().configured()).isEqualTo(2);
    assertThat(hooks.submit(event(3, "c"))).isEqualTo(1);
    assertThat(messages()).contains("hooks file " + conf + ": " + hooks.lastError()
      + "; keeping the 2 hooks in effect");

    Files.delete(conf);
    await("a missing file means no hooks", () -> hooks.stats().configured() == 0);
    assertThat(hooks.lastError()).isNull();
    assertThat(messages()).contains("hooks file " + conf + " does not exist: no hooks");

    writeConf("[hook#9]", "events = all", "command = " + rec + " back");
    await("a new file is read", () -> hooks.stats().configured() == 1);
    assertThat(hooks.submit(event(4, "z"))).isEqualTo(1);
    awaitSettled(4);
    assertThat(files("ran.")).containsExactlyInAnyOrder("ran.2.second", "ran.2.third", "ran.3.third",
      "ran.4.back");
  }

  @Test
  void aChangeThatKeepsTheSizeAndTheTimestampIsStillSeen() throws Exception {
    writeConf("[hook#1]", "events = aa", "command = /bin/true");
    hooks = new Hooks(options(), Launcher.fromPath(), FAST_WATCH);
    FileTime mtime = Files.getLastModifiedTime(conf);
    Files.writeString(conf, "[hook#1]\nevents = bb\ncommand = /bin/true\n");
    Files.setLastModifiedTime(conf, mtime);

    await("the new content is applied", () -> hooks.hooks().hooks().get(0).events().contains("bb"));
  }

  @Test
  void reloadReReadsTheFileNowAndSaysWhetherItWasApplied() throws Exception {
    writeConf("[hook#1]", "events = a", "command = /bin/true");
    hooks = new Hooks(options(), Launcher.fromPath(), NO_WATCH);

    writeConf("[hook#1]", "events = a", "command = /bin/true", "[hook#2]", "events = all", "command = /bin/true x");
    assertThat(hooks.stats().configured()).isEqualTo(1);
    assertThat(hooks.reload()).isTrue();
    assertThat(hooks.stats().configured()).isEqualTo(2);

    writeConf("[hook#1]", "events a");
    assertThat(hooks.reload()).isFalse();
    assertThat(hooks.lastError()).isEqualTo(
      "line 2: expected 'key = value', a [section] header or a comment, got: events a");
    assertThat(hooks.stats().configured()).isEqualTo(2);
    assertThat(hooks.hooks().commandsFor("a")).containsExactly(List.of("/bin/true"), List.of("/bin/true", "x"));
  }

  @Test
  void aBrokenFileAtStartMeansNoHooksUntilItIsMended() throws Exception {
    writeConf("[hook#1", "events = a");
    hooks = new Hooks(options(), Launcher.fromPath(), FAST_WATCH);
    assertThat(hooks.stats().configured()).isZero();
    assertThat(hooks.lastError()).isEqualTo("line 1: a section header must end with ']': [hook#1");

    writeConf("[hook#1]", "events = a", "command = /bin/true");
    await("the mended file is applied", () -> hooks.stats().configured() == 1);
    assertThat(hooks.lastError()).isNull();
  }

  @Test
  void noFileMeansNoHooks() {
    hooks = start(HooksOptions.of(null));
    assertThat(hooks.reload()).isTrue();
    assertThat(hooks.submit(event(1, "a"))).isZero();
    assertThat(hooks.stats().configured()).isZero();
  }

  @Test
  void optionsAreValidatedWithPreciseMessages() {
    HooksOptions ok = HooksOptions.of(conf);
    assertThat(ok.timeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(ok.maxRunning()).isEqualTo(8);
    assertThat(ok.queue()).isEqualTo(1000);
    assertThatThrownBy(() -> ok.withTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
      .hasMessage("hooks.timeout must be more than 0 and at most 24h, got PT0S");
    assertThatThrownBy(() -> ok.withTimeout(null)).hasMessage("hooks.timeout is missing");
    assertThatThrownBy(() -> ok.withMaxRunning(0)).hasMessage("hooks.max-running must be between 1 and 1024, got 0");
    assertThatThrownBy(() -> ok.withQueue(-1)).hasMessage("hooks.queue must be between 0 and 1000000, got -1");
    assertThat(ok.withQueue(0).queue()).isZero();
  }

  // --- helpers

  private HooksOptions options() {
    return HooksOptions.of(conf).withTimeout(Duration.ofSeconds(10));
  }

  private Hooks start(HooksOptions options) {
    return new Hooks(options, Launcher.fromPath(), NO_WATCH);
  }

  private static Event event(long seq, String id) {
    return Event.event(seq, 1764147721.5 + seq, "n1", Json.NODES.objectNode().put("id", id));
  }

  /** An executable /bin/sh script; {@code $DIR} in it is this test's directory. */
  private Path script(String name, String... lines) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, "#!/bin/sh\nDIR=" + CommandLine.quote(dir.toString()) + "\n" + String.join("\n", lines)
      + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  /**
   * A hook that notes its start with how many runs were active then, and blocks until the
   * test writes to its fifo.
   */
  private Path blockingScript() throws Exception {
    for (int seq = 1; seq <= 5; seq++) {
      Process p = new ProcessBuilder("mkfifo", dir.resolve("gate." + seq).toString()).inheritIO().start();
      assertThat(p.waitFor()).isZero();
    }
    return script("block.sh",
      "mkdir \"$DIR/active.$SVCGATE_EVENT_SEQ\"",
      "n=$(ls -d \"$DIR\"/active.* | wc -l)",
      "echo \"$SVCGATE_EVENT_SEQ $n\" >> \"$DIR/started\"",
      "read line < \"$DIR/gate.$SVCGATE_EVENT_SEQ\"",
      "rmdir \"$DIR/active.$SVCGATE_EVENT_SEQ\"");
  }

  private void release(int seq) throws IOException {
    try (OutputStream gate = Files.newOutputStream(dir.resolve("gate." + seq))) {
      gate.write("go\n".getBytes(StandardCharsets.UTF_8));
    }
  }

  private List<String[]> started() throws IOException {
    Path f = dir.resolve("started");
    if (!Files.exists(f)) {
      return List.of();
    }
    return Files.readAllLines(f).stream().map(l -> l.trim().split("\\s+")).collect(Collectors.toList());
  }

  private void awaitStarted(int n) {
    await(n + " runs started", () -> {
      try {
        return started().size() >= n;
      } catch (IOException e) {
        return false;
      }
    });
  }

  /** Writes the hooks file at once (a rename), as an editor saving it would. */
  private void writeConf(String... lines) throws IOException {
    Path tmp = dir.resolve("node.conf.tmp");
    Files.writeString(tmp, String.join("\n", lines) + "\n");
    Files.move(tmp, conf, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private List<String> files(String prefix) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix)).collect(Collectors.toList());
    }
  }

  private List<String> messages() {
    return logged.list.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
  }

  /** Waits until {@code runs} runs have started and all of them are reported. */
  private void awaitSettled(long runs) {
    HookStats s = hooks.stats();
    await(runs + " runs reported", () -> s.runs() == runs && s.ok() + s.failures() + s.timeouts() == runs
      && s.running() == 0);
  }

  private void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out waiting for: " + what + "; stats " + (hooks == null ? "-" : hooks.stats())
          + "; log " + messages());
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }

  /** Whether the process runs (exists and is no zombie), from /proc. */
  private static boolean alive(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
