package io.svcgate.gateway.cli;

import static io.svcgate.gateway.TestGateway.full;
import static io.svcgate.gateway.TestGateway.patch;
import static io.svcgate.gateway.TestGateway.set;
import static io.svcgate.gateway.cli.Fixtures.node;
import static io.svcgate.gateway.cli.Fixtures.url;
import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.gateway.Awaits;
import io.svcgate.gateway.TestGateway;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real launchers as child processes: {@code bin/om} (through {@code bin/svcgate})
 * and {@code java -cp … io.svcgate.gateway.cli.Main}.
 *
 * <p>So that this runs in {@code mvn test}, before the shaded jar exists, the
 * launcher is pointed ({@code SVCGATE_JAR}) at a manifest-only jar made here whose
 * {@code Class-Path} is this test's class path: the same classes the jar would
 * hold, started the way the jar is started ({@code java -jar}).
 */
@Timeout(120)
class LauncherTest {

  @TempDir
  Path dir;
  TestGateway gw;
  Path jar;
  Path om;

  @BeforeEach
  void start() throws Exception {
    gw = TestGateway.start(dir.resolve("data"), Map.of());
    gw.ingest(full("nuc-cva", 1, node(0)));
    jar = manifestJar(dir.resolve("svcgate.jar"));
    om = Paths.get(System.getProperty("basedir", ".")).toAbsolutePath().resolve("../bin/om").normalize();
    assertThat(om).isExecutable();
  }

  @AfterEach
  void stop() throws Exception {
    gw.close();
  }

  /** The entries of the test class path (surefire may hide them behind a manifest-only booter jar). */
  private static List<String> classPath() {
    String cp = System.getProperty("surefire.test.class.path");
    if (cp == null || cp.isBlank()) {
      cp = System.getProperty("java.class.path");
    }
    return Arrays.stream(cp.split(File.pathSeparator)).filter(s -> !s.isBlank()).collect(Collectors.toList());
  }

  private static Path manifestJar(Path file) throws IOException {
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Main.class.getName());
    m.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath().stream()
        .map(e -> Paths.get(e).toAbsolutePath().toUri().toString()).collect(Collectors.joining(" ")));
    try (OutputStream out = Files.newOutputStream(file); JarOutputStream j = new JarOutputStream(out, m)) {
      j.flush();
    }
    return file;
  }

  /** A child process and what it wrote, read as it comes. */
  static final class Child {
    final Process process;
    final StringBuffer out = new StringBuffer();
    final StringBuffer err = new StringBuffer();
    private final List<Thread> pumps = new ArrayList<>();

    Child(ProcessBuilder pb) throws IOException {
      process = pb.start();
      pumps.add(pump(process.getInputStream(), out));
      pumps.add(pump(process.getErrorStream(), err));
      process.getOutputStream().close();
    }

    private static Thread pump(InputStream in, StringBuffer into) {
      Thread t = new Thread(() -> {
        byte[] b = new byte[8192];
        try {
          for (int n; (n = in.read(b)) > 0; ) {
            into.append(new String(b, 0, n, StandardCharsets.UTF_8));
          }
        } catch (IOException e) {
          into.append("<read failed: ").append(e.getMessage()).append('>');
        }
      });
      t.setDaemon(true);
      t.start();
      return t;
    }

    /** Waits for the exit and for all the output. */
    int exit() throws InterruptedException {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("still running after 60 s; stdout: " + out + " stderr: " + err);
      }
      for (Thread t : pumps) {
        t.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(t.isAlive()).as("the child's output is read to its end").isFalse();
      }
      return process.exitValue();
    }
  }

  private Child om(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(om.toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().put("SVCGATE_JAR", jar.toString());
    pb.environment().put("SVCGATE_SERVER", url(gw));
    pb.environment().remove("SVCGATE_TOKEN");
    pb.environment().remove("JAVA_OPTS");
    return new Child(pb);
  }


  @Test
  void seedExamplesThroughBinOm() throws Exception {
    Child status = om("daemon", "status", "--filter", "monitor.nodes.nuc-cva.frozen");
    assertThat(status.exit()).isZero();
    assertThat(status.out.toString()).isEqualTo("0\n");

    Child yes = om("node", "wait", "--filter", "monitor.nodes.nuc-cva.frozen=0", "--duration", "1s");
    assertThat(yes.exit()).isZero();

    Child no = om("node", "wait", "--filter", "monitor.nodes.nuc-cva.frozen>0", "--duration", "1s");
    assertThat(no.exit()).isEqualTo(1);
    assertThat(no.err.toString()).isEqualTo("timeout\n");
    assertThat(no.out.toString()).isEmpty();
  }

  @Test
  void usageShowsOmAndBadFlagsExitTwo() throws Exception {
    Child help = om("--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out.toString()).startsWith("Usage: om ");

    Child bad = om("node", "wait", "--filter", "a=1", "--bogus");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err.toString()).startsWith("om: Unknown option: '--bogus'\nUsage: om node wait ");
  }

  @Test
  void eventsUntilCtrlCExitsZero() throws Exception {
    Child ev = om("node", "events");
    Awaits.until("the stream is open", () -> gw.gateway.metrics().subscribers() >= 1);
    gw.ingest(patch("nuc-cva", 2, set(1764147721.2, "frozen")));
    Awaits.until("the event is printed", () -> ev.out.toString().contains("  monitor.nodes.nuc-cva.frozen => 1764147721.2\n"));
    Process kill = new ProcessBuilder("kill", "-INT", Long.toString(ev.process.pid())).inheritIO().start();
    assertThat(kill.waitFor()).isZero();
    assertThat(ev.exit()).isZero();
    assertThat(ev.err.toString()).isEmpty();
    Awaits.until("the stream is closed", () -> gw.gateway.metrics().subscribers() == 0);
  }

  @Test
  void theEnvironmentTakesAListOfGateways() throws Exception {
    int dead = Fixtures.deadPort();
    List<String> cmd = List.of(om.toString(), "daemon", "status", "--filter", "monitor.nodes.nuc-cva.frozen");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().put("SVCGATE_JAR", jar.toString());
    pb.environment().put("SVCGATE_SERVER", "http://127.0.0.1:" + dead + "," + url(gw));
    pb.environment().remove("SVCGATE_TOKEN");
    Child status = new Child(pb);
    assertThat(status.exit()).as(status.err.toString()).isZero();
    assertThat(status.out.toString()).isEqualTo("0\n");

    pb.environment().put("SVCGATE_SERVER", url(gw) + ",,");
    Child bad = new Child(pb);
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err.toString()).startsWith("om: --server: empty item (item 2 of 3 in '" + url(gw) + ",,')");
  }

  @Test
  void javaDashCpAsAChildProcess() throws Exception {
    int dead = Fixtures.deadPort();
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", String.join(File.pathSeparator, classPath()),
        Main.class.getName(), "node", "ls", "--server", "http://127.0.0.1:" + dead).directory(dir.toFile());
    pb.environment().remove("SVCGATE_SERVER");
    Child c = new Child(pb);
    assertThat(c.exit()).isEqualTo(3);
    assertThat(c.err.toString()).isEqualTo("svcgate: cannot reach the gateway at http://127.0.0.1:" + dead
        + ": connection refused\n");
  }

  /**
   * The JVM options bin/svcgate gives: the memory defaults for {@code serve}
   * (docs/operations.md, "Memory"), replaced by {@code SVCGATE_SERVE_JVM_OPTS},
   * one of them overridden by {@code JAVA_OPTS}; C1 and the serial collector for
   * a client command. The real JVM prints its final flags ({@code -XX:+PrintFlagsFinal
   * -version} in {@code JAVA_OPTS}, which stops it before the jar runs).
   */
  @Test
  void serveGetsTheMemoryDefaultsAndEachCanBeOverridden() throws Exception {
    Map<String, String> serve = flags(Map.of(), "serve");
    assertThat(serve).containsEntry("MaxHeapSize", Long.toString(256L << 20)).containsEntry("UseG1GC", "true")
        .containsEntry("ExplicitGCInvokesConcurrent", "true").containsEntry("MaxHeapFreeRatio", "20")
        .containsEntry("MinHeapFreeRatio", "10")
        .containsEntry("MaxMetaspaceSize", Long.toString(128L << 20))
        .containsEntry("MaxDirectMemorySize", Long.toString(128L << 20))
        .containsEntry("ExitOnOutOfMemoryError", "true");

    Map<String, String> replaced = flags(Map.of("SVCGATE_SERVE_JVM_OPTS", "-Xmx300m"), "serve");
    assertThat(replaced).containsEntry("MaxHeapSize", Long.toString(300L << 20))
        .containsEntry("ExitOnOutOfMemoryError", "true");
    assertThat(replaced.get("MaxMetaspaceSize")).isNotEqualTo(Long.toString(128L << 20));

    Map<String, String> one = flags(Map.of("JAVA_OPTS", "-Xmx200m"), "serve");
    assertThat(one).containsEntry("MaxHeapSize", Long.toString(200L << 20)).containsEntry("UseG1GC", "true")
        .containsEntry("MaxMetaspaceSize", Long.toString(128L << 20));

    Map<String, String> client = flags(Map.of(), "node", "ls");
    assertThat(client).containsEntry("TieredStopAtLevel", "1").containsEntry("UseSerialGC", "true")
        .containsEntry("ExitOnOutOfMemoryError", "false");
    assertThat(client.get("MaxMetaspaceSize")).isNotEqualTo(Long.toString(128L << 20));
  }

  /**
   * The class archive beside the jar (docs/operations.md, "Start time"): used by
   * {@code serve} when its recorded size matches, never by a client command, not at
   * all when {@code SVCGATE_CLASS_ARCHIVE} is empty; a file the JVM refuses (here:
   * not an archive at all) or a partial copy (its size does not match) changes
   * nothing but the start time: the JVM starts and says nothing about it. The JVM's
   * malloc trim is on for serve when this JVM has the option.
   */
  @Test
  void serveUsesTheClassArchiveOnlyWhenWholeAndStartsSilentlyWithoutIt() throws Exception {
    Path archive = dir.resolve("svcgate.jsa");
    assertThat(flags(Map.of(), "serve").get("SharedArchiveFile")).as("no archive").doesNotContain("svcgate.jsa");

    byte[] junk = new byte[64 << 10];
    new java.util.Random(7).nextBytes(junk);
    Files.write(archive, junk);
    Files.writeString(dir.resolve("svcgate.jsa.size"), junk.length + "\n");
    Map<String, String> refused = flags(Map.of(), "serve");
    assertThat(refused).containsEntry("SharedArchiveFile", archive.toString());
    assertThat(flags(Map.of(), "node", "ls").get("SharedArchiveFile")).as("client command")
        .doesNotContain("svcgate.jsa");
    assertThat(flags(Map.of("SVCGATE_CLASS_ARCHIVE", ""), "serve").get("SharedArchiveFile")).as("turned off")
        .doesNotContain("svcgate.jsa");

    Files.writeString(dir.resolve("svcgate.jsa.size"), (junk.length + 1) + "\n");
    assertThat(flags(Map.of(), "serve").get("SharedArchiveFile")).as("partial copy").doesNotContain("svcgate.jsa");

    Files.writeString(dir.resolve("svcgate.jsa.size"), junk.length + "\n");
    ProcessBuilder pb = new ProcessBuilder(om.resolveSibling("svcgate").toString(), "serve", "--version")
        .directory(dir.toFile());
    pb.environment().put("SVCGATE_JAR", jar.toString());
    pb.environment().remove("SVCGATE_SERVE_JVM_OPTS");
    pb.environment().remove("JAVA_OPTS");
    Child c = new Child(pb);
    assertThat(c.exit()).as("stderr: %s", c.err).isZero();
    assertThat(c.out.toString()).as("stdout").matches("svcgate \\S+ \\(\\S+\\)\n");
    assertThat(c.err.toString()).as("stderr").isEmpty();

    if (refused.containsKey("TrimNativeHeapInterval")) {
      assertThat(refused).containsEntry("TrimNativeHeapInterval", "5000");
    }
  }

  /**
   * RocksDB's native library copied beside the jar (native/, by archive-classes): serve
   * loads it from there only while native/jar.stamp names the jar as it is (size and
   * time); a client command never, and without the copy nothing changes.
   */
  @Test
  void serveLoadsTheNativeLibraryCopyOnlyWhileItsStampMatchesTheJar() throws Exception {
    Path nativeDir = dir.resolve("native");
    assertThat(libraryPath("serve")).as("no copy").doesNotContain(nativeDir.toString());

    Files.createDirectories(nativeDir);
    String stamp = Files.size(jar) + " " + Files.getLastModifiedTime(jar).toMillis() / 1000;
    Files.writeString(nativeDir.resolve("jar.stamp"), stamp + "\n");
    assertThat(libraryPath("serve")).isEqualTo(nativeDir.toString());
    assertThat(libraryPath("node", "ls")).as("client command").doesNotContain(nativeDir.toString());

    Files.writeString(nativeDir.resolve("jar.stamp"), (Files.size(jar) + 1) + stamp.substring(stamp.indexOf(' ')) + "\n");
    assertThat(libraryPath("serve")).as("another jar's copy").doesNotContain(nativeDir.toString());
  }

  /** The java.library.path bin/svcgate starts {@code args} with. */
  private String libraryPath(String... args) throws Exception {
    Child c = launch(Map.of(), "-XshowSettings:properties -version", args);
    Matcher m = Pattern.compile("(?m)^\\s*java\\.library\\.path = (.*)$")
        .matcher(c.err);
    assertThat(m.find()).as("properties printed: %s", c.err).isTrue();
    return m.group(1).trim();
  }

  /**
   * Runs bin/svcgate {@code args} on the test's jar with {@code env}, and {@code jvmOptions}
   * after any {@code JAVA_OPTS} of {@code env}; returns the child once it exited 0.
   */
  private Child launch(Map<String, String> env, String jvmOptions, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(om.resolveSibling("svcgate").toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().put("SVCGATE_JAR", jar.toString());
    pb.environment().remove("SVCGATE_SERVE_JVM_OPTS");
    pb.environment().putAll(env);
    pb.environment().put("JAVA_OPTS", (env.getOrDefault("JAVA_OPTS", "") + " " + jvmOptions).trim());
    Child c = new Child(pb);
    assertThat(c.exit()).as("stderr: %s", c.err).isZero();
    return c;
  }

  /** The final JVM flags bin/svcgate starts {@code args} with, name → value. */
  private Map<String, String> flags(Map<String, String> env, String... args) throws Exception {
    Child c = launch(env, "-XX:+PrintFlagsFinal -version", args);
    Map<String, String> flags = new java.util.HashMap<>();
    for (String line : c.out.toString().split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 4 && f[2].equals("=")) {
        flags.put(f[1], f[3]);
      }
    }
    assertThat(flags).as("flags printed").containsKey("MaxHeapSize");
    return flags;
  }
}
