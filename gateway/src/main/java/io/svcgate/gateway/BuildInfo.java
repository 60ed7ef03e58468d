package io.svcgate.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version and source revision of this build, read once from the
 * {@code build.properties} resource that Maven writes at build time (the
 * project version, and {@code git rev-parse} of the sources, or {@code unknown}
 * when they were built outside git). {@code --version}, the JMX {@code Version},
 * {@code GET /health} and the {@code svcgate_build_info} metric all read it
 * (docs/operations.md, "Versions").
 */
public final class BuildInfo {

  private static final String UNKNOWN = "unknown";
  private static final BuildInfo CURRENT = load();

  private final String version;
  private final String revision;

  private BuildInfo(String version, String revision) {
    this.version = version;
    this.revision = revision;
  }

  /** This build's. */
  public static BuildInfo current() {
    return CURRENT;
  }

  /** The project version, for example {@code 0.1.0} or {@code 0.2.0-SNAPSHOT}. */
  public String version() {
    return version;
  }

  /** The source revision (abbreviated git commit, {@code -dirty} when built from changed sources), or {@code unknown}. */
  public String revision() {
    return revision;
  }

  /** {@code svcgate <version> (<revision>)}. */
  @Override
  public String toString() {
    return "svcgate " + version + " (" + revision + ")";
  }

  private static BuildInfo load() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // fall through to unknown: a version is never a reason not to start
    }
    return new BuildInfo(clean(p.getProperty("version")), clean(p.getProperty("revision")));
  }

  /** An unfiltered placeholder or nothing reads as unknown. */
  private static String clean(String v) {
    return v == null || v.isBlank() || v.contains("${") ? UNKNOWN : v.trim();
  }
}
