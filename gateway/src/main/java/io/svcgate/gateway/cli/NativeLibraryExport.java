package io.svcgate.gateway.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.rocksdb.util.Environment;

/**
 * Copies RocksDB's native library for this machine out of the jar into a directory,
 * once ({@code bin/svcgate archive-classes}, run by the build and at install;
 * docs/operations.md, "Start time"). {@code serve} then loads it from there
 * ({@code -Djava.library.path}), where RocksDB otherwise writes a fresh copy of it
 * (15 MiB) into the temporary directory at every start and leaves it behind whenever
 * the JVM does not exit normally.
 *
 * <p>Usage: {@code NativeLibraryExport DIR}. Writes {@code DIR/<library>} through a
 * temporary file and an atomic rename, so a reader never maps a partial file; prints
 * the path. Exit code 0 when written, 1 when the jar holds no library for this
 * platform or the copy failed (serve then extracts it at each start, as before).
 */
public final class NativeLibraryExport {

  private NativeLibraryExport() {
  }

  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: NativeLibraryExport DIR");
      System.exit(2);
    }
    try {
      System.out.println(export(Path.of(args[0])));
    } catch (IOException | RuntimeException e) {
      System.err.println("no native library copied: " + e.getMessage());
      System.exit(1);
    }
  }

  /**
   * Writes the library the RocksDB classes of this class path would extract into
   * {@code dir}, replacing any file of that name.
   *
   * @return the library's path
   */
  static Path export(Path dir) throws IOException {
    // Environment names the file without loading the library (RocksDB's own class would).
    String name = Environment.getJniLibraryFileName("rocksdb");
    Files.createDirectories(dir);
    Path target = dir.resolve(name);
    Path tmp = Files.createTempFile(dir, name, ".tmp");
    try (InputStream in = NativeLibraryExport.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("the jar holds no " + name + " for this platform");
      }
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return target;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
