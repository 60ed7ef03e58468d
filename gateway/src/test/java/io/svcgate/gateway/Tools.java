package io.svcgate.gateway;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * External programs some tests run (promtool, systemd-analyze). Absent on a
 * developer's machine, such a test is skipped with a message naming the Debian
 * package; absent in CI ({@code CI=true}, where .ci/run installs them), it fails.
 */
public final class Tools {

  private Tools() {
  }

  /** The program's path on {@code PATH}, or null. */
  public static String find(String program) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (d.isEmpty()) {
        continue;
      }
      Path p = Path.of(d, program);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return null;
  }

  /** The program's path; skips the test (fails it in CI) when it is not installed. */
  public static String require(String program, String debianPackage) {
    String path = find(program);
    if (path == null) {
      String message = program + " is not installed (Debian package '" + debianPackage
          + "'; .ci/run installs it)";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        Assertions.fail(message + ": CI must have it");
      }
      Assumptions.abort(message + ": this test is skipped");
    }
    return path;
  }
}
