package io.svcgate.state;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Finds the shared test vectors: {@code shared/vectors} beside the repository or in an ancestor folder. */
final class VectorFiles {

  private VectorFiles() {
  }

  /** The vectors folder; fails the test with a clear message when it is absent. */
  static Path dir() {
    String prop = System.getProperty("svcgate.vectors");
    if (prop != null) {
      return Paths.get(prop);
    }
    Path start = Paths.get("").toAbsolutePath();
    for (Path p = start; p != null; p = p.getParent()) {
      Path candidate = p.resolve("shared").resolve("vectors");
      if (Files.isRegularFile(candidate.resolve("json-patch-tests.json"))) {
        return candidate;
      }
    }
    throw new AssertionError("test vectors not found: no shared/vectors/json-patch-tests.json in " + start
        + " or any folder above it (the CI puts shared/ beside the repository; or set -Dsvcgate.vectors=<dir>)");
  }
}
