package io.svcgate.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.gateway.Awaits;
import io.svcgate.gateway.Tools;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The install package as a user gets it (docs/install.md): {@code target/svcgate-<version>.tar.gz},
 * made by {@code mvn package}, unpacked with tar somewhere unrelated and run from there,
 * through a symbolic link as {@code /usr/local/bin/om} would be. Runs after package
 * (failsafe, {@code mvn verify}).
 */
@Timeout(300)
class PackageIT {

  @TempDir
  static Path dir;
  static Path home;
  static String version;

  @BeforeAll
  static void unpack() throws Exception {
    version = System.getProperty("svcgate.test.project-version");
    Path tarball = Path.of(System.getProperty("svcgate.test.tarball"));
    assertThat(tarball).exists();
    Repo.Run r = Repo.run(List.of("tar", "xzf", tarball.toString()), Map.of("PATH", "/usr/bin:/bin"), dir);
    assertThat(r.code()).as(r.err()).isZero();
    home = dir.resolve("svcgate-" + version);
  }

  private static Map<String, String> env() {
    return Map.of("PATH", "/usr/bin:/bin", "JAVA_HOME", System.getProperty("java.home"));
  }

  @Test
  void theLayout() {
    for (String f : List.of("bin/svcgate", "bin/om")) {
      assertThat(home.resolve(f)).isExecutable();
    }
    for (String f : List.of("lib/svcgate.jar", "README.md", "build.properties", "etc/svcgate.yaml.example",
        "etc/node.conf.example", "etc/systemd/svcgate.service", "etc/systemd/svcgate-defaults.yaml",
        "share/bash-completion/completions/svcgate", "share/bash-completion/completions/om",
        "share/man/man1/svcgate.1", "share/man/man1/om.1", "share/doc/svcgate/install.md",
        "share/doc/svcgate/configuration.md")) {
      assertThat(home.resolve(f)).as(f).isRegularFile();
    }
  }

  @Test
  void itRunsFromWhereItIsUnpackedThroughALink() throws Exception {
    Path bin = Files.createDirectories(dir.resolve("usr-local-bin"));
    Path om = Files.createSymbolicLink(bin.resolve("om"), home.resolve("bin/om"));
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Repo.Run v = Repo.run(List.of(om.toString(), "--version"), env(), elsewhere);
    assertThat(v.code()).as(v.err()).isZero();
    assertThat(v.out()).matches("om " + Pattern.quote(version) + " \\(\\S+\\)\\n");
    int dead;
    try (ServerSocket s = new ServerSocket(0)) {
      dead = s.getLocalPort();
    }
    Repo.Run down = Repo.run(List.of(om.toString(), "node", "ls", "--server", "http://127.0.0.1:" + dead), env(),
        elsewhere);
    assertThat(down.code()).isEqualTo(3);
    assertThat(down.err()).startsWith("om: cannot reach the gateway at http://127.0.0.1:" + dead);
  }

  /**
   * The class archive (docs/install.md, docs/operations.md "Start time"): made where
   * the package is unpacked by {@code bin/svcgate archive-classes}, then used by
   * {@code serve} (classes come from it); once the jar changes (here: its time) the
   * archive no longer matches, and serve starts without it, saying nothing about it.
   */
  @Test
  void theClassArchiveIsMadeWhereUnpackedAndUsedByServe() throws Exception {
    String svcgate = home.resolve("bin/svcgate").toString();
    Repo.Run make = Repo.run(List.of(svcgate, "archive-classes"), env(), home);
    assertThat(make.code()).as(make.err()).isZero();
    assertThat(home.resolve("lib/svcgate.jsa")).isRegularFile();
    assertThat(home.resolve("lib/svcgate.jsa.size")).hasContent(Long.toString(Files.size(home.resolve("lib/svcgate.jsa"))));

    Map<String, String> logged = new java.util.HashMap<>(env());
    logged.put("JAVA_OPTS", "-Xlog:class+load");
    Repo.Run used = Repo.run(List.of(svcgate, "serve", "--version"), logged, home);
    assertThat(used.code()).as(used.err()).isZero();
    assertThat(used.out()).containsPattern("io\\.svcgate\\.gateway\\.\\S+ source: shared objects file \\(top\\)");

    Path jar = home.resolve("lib/svcgate.jar");
    Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(
        Files.getLastModifiedTime(jar).toMillis() + 2_000));
    Repo.Run stale = Repo.run(List.of(svcgate, "serve", "--version"), env(), home);
    assertThat(stale.code()).as(stale.err()).isZero();
    assertThat(stale.out()).matches("svcgate " + Pattern.quote(version) + " \\(\\S+\\)\\n");
    assertThat(stale.err()).isEmpty();

    Map<String, String> properties = new java.util.HashMap<>(env());
    properties.put("JAVA_OPTS", "-XshowSettings:properties -version");
    Repo.Run staleNative = Repo.run(List.of(svcgate, "serve"), properties, home);
    assertThat(staleNative.code()).as(staleNative.err()).isZero();
    assertThat(staleNative.err()).containsPattern("java\\.library\\.path = ")
        .doesNotContain(home.resolve("lib/native").toString());
  }

  /**
   * RocksDB's native library (docs/operations.md, "Start time"): archive-classes copies
   * it out of the jar into lib/native/, and a gateway started by the launcher maps it
   * from there and writes no copy of it into its temporary directory.
   */
  @Test
  void serveLoadsRocksDbFromTheCopyMadeAtInstall() throws Exception {
    String svcgate = home.resolve("bin/svcgate").toString();
    Repo.Run make = Repo.run(List.of(svcgate, "archive-classes"), env(), home);
    assertThat(make.code()).as(make.err()).isZero();
    Path library = home.resolve("lib/native/librocksdbjni-linux64.so");
    assertThat(library).isRegularFile();
    assertThat(make.out()).contains("native library " + library);

    Path tmp = Files.createDirectories(dir.resolve("gateway-tmp"));
    Process gateway = serve("native", Map.of("JAVA_OPTS", "-Djava.io.tmpdir=" + tmp));
    try {
      String maps = Files.readString(Path.of("/proc/" + gateway.pid() + "/maps"));
      assertThat(maps.lines().filter(l -> l.contains("librocksdbjni")))
          .isNotEmpty().allMatch(l -> l.endsWith(" " + library));
      try (Stream<Path> files = Files.list(tmp)) {
        assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("librocksdbjni"));
      }
    } finally {
      stop(gateway);
    }
  }

  /**
   * The heap return (docs/operations.md, "Memory"): a gateway started with the
   * launcher's defaults has the JVM run a concurrent collection at each
   * {@code memory.heap-return-interval}, which the JVM's own GC log shows as asked for
   * by {@code System.gc()}; on a JVM whose flags would make that a full collection
   * (G1 without {@code -XX:+ExplicitGCInvokesConcurrent}) it stays off and says why.
   */
  @Test
  void theGatewayHasTheJvmGiveUnusedHeapBack() throws Exception {
    Path gcLog = dir.resolve("heap-return-gc.log");
    Process gateway = serve("heap-return", Map.of("SVCGATE_MEMORY_HEAP_RETURN_INTERVAL", "1s",
        "JAVA_OPTS", "-Xms8m -Xlog:gc:file=" + gcLog));
    try {
      awaitLogged("heap-return", "heap return: a concurrent collection every 1.0 s, the first after 1.0 s");
      Pattern cycle = Pattern.compile("Pause Young \\(Concurrent Start\\) \\(System\\.gc\\(\\)\\)[^\\n]*\\n"
          + "(?:[^\\n]*\\n)*?[^\\n]*Pause Remark");
      Awaits.until("a concurrent cycle asked for by the gateway, in the GC log", () -> {
        try {
          return Files.exists(gcLog) && cycle.matcher(Files.readString(gcLog)).find();
        } catch (IOException e) {
          return false;
        }
      });
    } finally {
      stop(gateway);
    }

    Map<String, String> tooOften = new java.util.HashMap<>(env());
    tooOften.put("SVCGATE_MEMORY_HEAP_RETURN_INTERVAL", "500ms");
    Repo.Run refused = Repo.run(List.of(home.resolve("bin/svcgate").toString(), "serve", "--http-port", "0", "--data",
        dir.resolve("heap-return-refused").toString()), tooOften, home);
    assertThat(refused.code()).isEqualTo(2);
    assertThat(refused.err()).isEqualTo("svcgate: memory.heap-return-interval must be 0s (never) or at least 1s, "
        + "got 500ms\n");
    assertThat(dir.resolve("heap-return-refused")).doesNotExist();

    Process off = serve("heap-return-off", Map.of("SVCGATE_SERVE_JVM_OPTS", "-XX:+UseG1GC -Xmx256m"));
    try {
      awaitLogged("heap-return-off", "heap return: off (needs -XX:+ExplicitGCInvokesConcurrent, else each request "
          + "would be a full collection)");
    } finally {
      stop(off);
    }
  }

  /**
   * {@code bin/svcgate serve} from the unpacked package, on a free port with its own
   * data directory and its output in {@code <name>.log}, once it answers /health.
   */
  private static Process serve(String name, Map<String, String> extraEnv) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/svcgate").toString(), "serve", "--http-port",
        Integer.toString(port), "--data", dir.resolve(name + "-data").toString()).directory(home.toFile())
        .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
    pb.environment().clear();
    pb.environment().putAll(env());
    pb.environment().putAll(extraEnv);
    Process gateway = pb.start();
    HttpClient http = HttpClient.newHttpClient();
    URI health = URI.create("http://127.0.0.1:" + port + "/health");
    try {
      Awaits.until("the gateway answers /health", () -> {
        try {
          return http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.discarding())
              .statusCode() == 200;
        } catch (IOException e) {
          return false;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      });
    } catch (AssertionError e) {
      stop(gateway);
      throw new AssertionError(e.getMessage() + "; its output: " + Files.readString(dir.resolve(name + ".log")), e);
    }
    return gateway;
  }

  /** Waits until the output of {@link #serve}'s {@code name} holds {@code line}. */
  private static void awaitLogged(String name, String line) {
    Path log = dir.resolve(name + ".log");
    Awaits.until("'" + line + "' in " + log, () -> {
      try {
        return Files.readString(log).contains(line);
      } catch (IOException e) {
        return false;
      }
    });
  }

  private static void stop(Process gateway) throws InterruptedException {
    gateway.destroy();
    if (!gateway.waitFor(30, TimeUnit.SECONDS)) {
      gateway.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void theManPagesRenderWithoutAWarning() throws Exception {
    String groff = Tools.require("groff", "groff-base");
    for (String page : List.of("svcgate.1", "om.1")) {
      Repo.Run r = Repo.run(List.of(groff, "-man", "-Tutf8", "-ww", home.resolve("share/man/man1/" + page).toString()),
          env(), dir);
      assertThat(r.code()).isZero();
      assertThat(r.err()).as(page).isEmpty();
      String text = r.out().replaceAll(".\b", "");
      assertThat(text).contains("SYNOPSIS", "EXIT STATUS", "node wait", "--filter", "--token-file", version,
          "cluster members");
    }
  }

  @Test
  void bashCompletesCommandsAndOptions() throws Exception {
    Path script = home.resolve("share/bash-completion/completions/om");
    Repo.Run r = Repo.run(List.of("bash", "-c", "source '" + script + "' 2>/dev/null; "
        + "COMP_WORDS=(om node ''); COMP_CWORD=2; _complete_om; echo \"${COMPREPLY[*]}\"; "
        + "COMP_WORDS=(om node wait --f); COMP_CWORD=3; _complete_om; echo \"${COMPREPLY[*]}\"; "
        + "COMP_WORDS=(om cluster ''); COMP_CWORD=2; _complete_om; echo \"${COMPREPLY[*]}\""), env(), dir);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("events wait ls\n--filter\nstatus members\n");
  }

  @Test
  void theSystemdUnitVerifiesAndIsHardened() throws Exception {
    String analyze = Tools.require("systemd-analyze", "systemd");
    String unit = Files.readString(home.resolve("etc/systemd/svcgate.service"));
    Matcher stop = Pattern.compile("(?m)^TimeoutStopSec=(\\d+)$").matcher(unit);
    assertThat(stop.find()).isTrue();
    assertThat(Integer.parseInt(stop.group(1))).as("longer than the 30 s graceful stop").isGreaterThan(30);
    assertThat(unit).contains("\nUser=svcgate\n", "\nStateDirectory=svcgate\n", "\nRestart=on-failure\n",
        "\nNoNewPrivileges=yes\n", "\nProtectSystem=strict\n", "\nReadWritePaths=/var/lib/svcgate\n");
    // verify checks that ExecStart's program exists: point it at the unpacked one
    Path units = Files.createDirectories(dir.resolve("units"));
    Path copy = Files.writeString(units.resolve("svcgate.service"),
        unit.replace("/opt/svcgate/", home.toString() + "/"));
    Repo.Run v = Repo.run(List.of(analyze, "verify", "--man=no", copy.toString()), env(), dir);
    assertThat(v.code()).as(v.out() + v.err()).isZero();
    assertThat(v.out() + v.err()).as("systemd-analyze verify said").isEmpty();
    Repo.Run s = Repo.run(List.of(analyze, "security", "--offline=yes", "--threshold=40", copy.toString()), env(), dir);
    assertThat(s.code()).as("exposure above 4.0 (the threshold is in tenths):%n%s", s.out()).isZero();
  }
}
