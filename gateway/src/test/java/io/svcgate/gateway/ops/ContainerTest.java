package io.svcgate.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.svcgate.gateway.Tools;
import io.svcgate.gateway.config.ConfigKey;
import io.svcgate.gateway.config.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What of the image can run without a Docker engine (docs/docker.md): the entry point
 * and the launcher as laid out in the image, with a fake {@code java} that records the
 * command it was given; the image's defaults file against a mounted config file, through
 * the real configuration loader; the Dockerfile's and the compose file's promises.
 */
@Timeout(120)
class ContainerTest {

  @TempDir
  Path dir;
  Path opt;
  Path recorded;
  Map<String, String> env;

  /** /opt/svcgate as the Dockerfile lays it out, and a fake java that writes its arguments one per line. */
  @BeforeEach
  void layOut() throws Exception {
    opt = dir.resolve("opt/svcgate");
    Files.createDirectories(opt.resolve("bin"));
    Files.createDirectories(opt.resolve("etc"));
    Files.createDirectories(opt.resolve("lib"));
    for (String s : List.of("bin/svcgate", "bin/om", "docker/docker-entrypoint", "docker/healthcheck")) {
      Path to = opt.resolve("bin").resolve(Path.of(s).getFileName());
      Files.copy(Repo.ROOT.resolve(s), to, StandardCopyOption.COPY_ATTRIBUTES);
      assertThat(to).isExecutable();
    }
    Files.copy(Repo.ROOT.resolve("docker/container.yaml"), opt.resolve("etc/container.yaml"));
    Files.writeString(opt.resolve("lib/svcgate.jar"), "");
    Path fakeBin = Files.createDirectories(dir.resolve("fakebin"));
    recorded = dir.resolve("java-args");
    Path java = fakeBin.resolve("java");
    Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > \"$FAKE_JAVA_ARGS\"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    env = new HashMap<>();
    env.put("PATH", opt.resolve("bin") + ":" + fakeBin + ":/usr/bin:/bin");
    env.put("FAKE_JAVA_ARGS", recorded.toString());
    env.put("JAVA_DEFAULT_OPTS", dockerfileEnv("JAVA_DEFAULT_OPTS"));
  }

  private List<String> entrypoint(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(opt.resolve("bin/docker-entrypoint").toString()));
    cmd.addAll(List.of(args));
    Repo.Run r = Repo.run(cmd, env, dir);
    assertThat(r.code()).as("exit code; stderr: %s", r.err()).isZero();
    return Files.readAllLines(recorded);
  }

  @Test
  void serveKeepsTheMemoryDefaultsUnderJavaOptsAndReadsTheImageDefaultsFileBelowEverythingElse() throws Exception {
    env.put("JAVA_OPTS", "-Xmx300m -XX:MaxDirectMemorySize=64m");
    List<String> java = entrypoint("serve", "--jmx-port", "9010");
    String jar = opt.resolve("bin/../lib/svcgate.jar").toString();
    assertThat(java).containsSubsequence("-XX:+ExitOnOutOfMemoryError", "-XX:MaxRAMPercentage=50",
        "-XX:MaxDirectMemorySize=128m", "-Djava.rmi.server.hostname=127.0.0.1", "-Xmx300m",
        "-XX:MaxDirectMemorySize=64m", "-Dsvcgate.program=svcgate", "-jar", jar, "serve", "--defaults");
    // the user's JAVA_OPTS come after the image's, so the JVM takes theirs where they repeat one
    assertThat(java.lastIndexOf("-XX:MaxDirectMemorySize=64m")).isGreaterThan(java.indexOf("-XX:MaxDirectMemorySize=128m"));
    assertThat(java.subList(java.indexOf("serve"), java.size()))
        .containsExactly("serve", "--defaults", opt.resolve("bin/../etc/container.yaml").toString(), "--jmx-port", "9010");
    assertThat(java).doesNotContain("-XX:TieredStopAtLevel=1");
  }

  @Test
  void theRmiHostNameIsSetWhereverTheJmxPortComesFrom() throws Exception {
    env.put("SVCGATE_JMX_RMI_HOSTNAME", "gw.example.com");
    assertThat(entrypoint("serve", "--config", "/etc/svcgate/svcgate.yaml"))
        .contains("-Djava.rmi.server.hostname=gw.example.com");
    assertThat(entrypoint()).contains("-Djava.rmi.server.hostname=gw.example.com").containsSequence("serve", "--defaults");
  }

  @Test
  void clientCommandsAndAShell() throws Exception {
    List<String> om = entrypoint("om", "node", "ls");
    assertThat(om).contains("-Dsvcgate.program=om", "-XX:TieredStopAtLevel=1").endsWith("node", "ls");
    assertThat(om).doesNotContain("--defaults");
    assertThat(entrypoint("--version")).endsWith("--version").contains("-Dsvcgate.program=svcgate");
    assertThat(entrypoint("daemon", "status")).endsWith("daemon", "status");

    Files.deleteIfExists(recorded);
    Repo.Run sh = Repo.run(List.of(opt.resolve("bin/docker-entrypoint").toString(), "bash", "-c", "echo in a shell: $0"),
        env, dir);
    assertThat(sh.code()).isZero();
    assertThat(sh.out()).isEqualTo("in a shell: bash\n");
    assertThat(recorded).doesNotExist();
  }

  @Test
  void theLauncherSaysNotInstalledWithItsOwnExitCode() throws Exception {
    Files.delete(opt.resolve("lib/svcgate.jar"));
    Repo.Run r = Repo.run(List.of(opt.resolve("bin/om").toString(), "node", "ls"), env, dir);
    assertThat(r.code()).isEqualTo(127);
    assertThat(r.err()).startsWith("om: not installed: no svcgate.jar next to ");
    Files.writeString(opt.resolve("lib/svcgate.jar"), "");
    env.put("PATH", "/usr/bin:/bin");
    env.put("JAVA_HOME", dir.resolve("no-jdk").toString());
    r = Repo.run(List.of(opt.resolve("bin/svcgate").toString(), "--version"), env, dir);
    assertThat(r.code()).isEqualTo(127);
    assertThat(r.err()).startsWith("svcgate: not installed: no Java runtime");
  }

  @Test
  void aMountedConfigFileWinsOverTheImageDefaultsAndTheEnvironmentOverBoth() throws Exception {
    Path defaults = Repo.ROOT.resolve("docker/container.yaml");
    Path mine = Files.writeString(dir.resolve("svcgate.yaml"), "http: {port: 8443}\nhooks: {file: /srv/hooks.conf}\n");
    GatewayConfig c = GatewayConfig.load(defaults, mine, Map.of(), Map.of());
    assertThat(c.port(ConfigKey.HTTP_PORT)).isEqualTo(8443);
    assertThat(c.string(ConfigKey.HOOKS_FILE)).isEqualTo("/srv/hooks.conf");
    assertThat(c.string(ConfigKey.HTTP_HOST)).isEqualTo("0.0.0.0");
    assertThat(c.string(ConfigKey.DATA)).isEqualTo("/data");
    c = GatewayConfig.load(defaults, mine, Map.of("SVCGATE_HTTP_PORT", "9000"), Map.of());
    assertThat(c.port(ConfigKey.HTTP_PORT)).isEqualTo(9000);
  }

  @Test
  void theDockerfileSetsNoGatewayVariableAndLabelsTheJarsVersion() throws Exception {
    String dockerfile = Files.readString(Repo.ROOT.resolve("Dockerfile"));
    // the environment wins over a config file: an image variable would silently override a mounted one
    for (String line : dockerfile.lines().filter(l -> !l.startsWith("#")).toList()) {
      assertThat(line).as("an image ENV/ARG of the gateway").doesNotContainPattern("\\bSVCGATE_(?!VERSION|REVISION)[A-Z_]+=");
    }
    assertThat(dockerfile).contains("org.opencontainers.image.version=\"${SVCGATE_VERSION}\"")
        .contains("org.opencontainers.image.revision=\"${SVCGATE_REVISION}\"")
        .contains("if [ \"$built\" != \"$SVCGATE_VERSION\" ]")
        .contains("-Dsvcgate.rocksdb.natives=$natives")
        .contains("COPY docker/container.yaml /opt/svcgate/etc/container.yaml");
    assertThat(dockerfileEnv("JAVA_DEFAULT_OPTS")).contains("-XX:MaxRAMPercentage=50", "-XX:MaxDirectMemorySize=",
        "-XX:+ExplicitGCInvokesConcurrent", "-XX:MaxHeapFreeRatio=20");
  }

  @Test
  void dockerBuildPassesThePomsVersionAndTheGitRevision() throws Exception {
    Path fakeBin = dir.resolve("fakebin");
    Path docker = fakeBin.resolve("docker");
    Files.writeString(docker, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > \"$FAKE_JAVA_ARGS\"\n");
    Files.setPosixFilePermissions(docker, PosixFilePermissions.fromString("rwxr-xr-x"));
    List<String> args = new ArrayList<>(List.of(Repo.ROOT.resolve("docker/build").toString()));
    Repo.Run r = Repo.run(args, env, dir);
    assertThat(r.code()).as(r.err()).isZero();
    List<String> build = Files.readAllLines(recorded);
    String pomVersion = System.getProperty("svcgate.test.project-version");
    assertThat(build).containsSequence("build", "--build-arg", "SVCGATE_VERSION=" + pomVersion)
        .contains("-t", "svcgate:" + pomVersion).endsWith(Repo.ROOT.toString());
    String revision = build.stream().filter(a -> a.startsWith("SVCGATE_REVISION=")).findFirst().orElseThrow();
    Matcher m = Pattern.compile("^revision=(.*)$", Pattern.MULTILINE).matcher(Files.readString(
        Repo.ROOT.resolve("gateway/target/classes/io/svcgate/gateway/build.properties")));
    assertThat(m.find()).isTrue();
    if (!m.group(1).equals("unknown")) {
      // the same commit as the jar this test runs from (the -dirty mark may differ as files change)
      assertThat(revision.replace("-dirty", "")).isEqualTo("SVCGATE_REVISION=" + m.group(1).replace("-dirty", ""));
    }
  }

  @Test
  void theComposeFileMountsWhatExistsAndStopsGracefully() throws Exception {
    Path compose = Repo.ROOT.resolve("docker/compose.yaml");
    JsonNode c = new YAMLMapper().readTree(compose.toFile());
    JsonNode svcgate = c.path("services").path("svcgate");
    assertThat(svcgate.path("stop_grace_period").asText()).isEqualTo("40s");
    for (JsonNode service : c.path("services")) {
      for (JsonNode v : service.path("volumes")) {
        String source = v.asText().split(":")[0];
        if (source.startsWith(".")) {
          assertThat(compose.getParent().resolve(source).normalize()).as(v.asText()).exists();
        }
      }
    }
    // the Prometheus of the compose file: its config and the rules, side by side as mounted
    String promtool = Tools.require("promtool", "prometheus");
    Path etc = Files.createDirectories(dir.resolve("etc-prometheus"));
    Files.copy(Repo.ROOT.resolve("docker/monitoring/prometheus.yml"), etc.resolve("prometheus.yml"));
    Files.copy(Repo.ROOT.resolve("docs/prometheus/svcgate-alerts.yml"), etc.resolve("svcgate-alerts.yml"));
    Repo.Run r = Repo.run(List.of(promtool, "check", "config", "prometheus.yml"), Map.of("PATH", "/usr/bin:/bin"), etc);
    assertThat(r.code()).as(r.out() + r.err()).isZero();
  }

  /** The value of {@code name} in the Dockerfile's ENV instruction. */
  private static String dockerfileEnv(String name) throws Exception {
    Matcher m = Pattern.compile("\\b" + name + "=\"([^\"]*)\"").matcher(Files.readString(Repo.ROOT.resolve("Dockerfile")));
    assertThat(m.find()).as(name + " in the Dockerfile").isTrue();
    return m.group(1);
  }
}
