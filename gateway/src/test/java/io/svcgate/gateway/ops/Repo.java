package io.svcgate.gateway.ops;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The repository's root and a way to run its scripts as child processes. */
final class Repo {

  static final Path ROOT = Paths.get(System.getProperty("basedir", ".")).toAbsolutePath().resolve("..").normalize();

  private Repo() {
  }

  /** What a finished child left. */
  record Run(int code, String out, String err) {
  }

  /** Runs {@code cmd} with {@code env} on top of a minimal environment (PATH given by the caller), stdin closed. */
  static Run run(List<String> cmd, Map<String, String> env, Path dir) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().clear();
    pb.environment().put("HOME", dir.toString());
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    // the outputs are small: read one, then the other
    String out;
    String err;
    try (InputStream o = p.getInputStream(); InputStream e = p.getErrorStream()) {
      out = new String(o.readAllBytes(), StandardCharsets.UTF_8);
      err = new String(e.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("still running after 60 s: " + cmd);
    }
    return new Run(p.exitValue(), out, err);
  }
}
