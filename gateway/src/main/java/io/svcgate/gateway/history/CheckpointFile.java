package io.svcgate.gateway.history;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A history packed into one file, for a Raft snapshot (docs/storage.md, "Snapshots
 * for Raft"): a zip holding a manifest ({@value #MANIFEST}: format, epoch, Raft
 * position, ids) and the files of a RocksDB checkpoint of the store under
 * {@code history/}. Also the swap of an unpacked store into a data directory, made
 * so that a crash at any point leaves either the old store or the new one.
 */
final class CheckpointFile {

  private static final Logger log = LoggerFactory.getLogger(CheckpointFile.class);

  static final String MANIFEST = "svcgate-snapshot.properties";
  static final String FORMAT = "1";
  private static final String PREFIX = "history/";
  /** The unpacked store before it replaces the data directory's. */
  static final String NEW_DIR = "history.new";
  /** The data directory's store while it is replaced. */
  static final String OLD_DIR = "history.old";
  /** Present once {@link #NEW_DIR} is complete and checked: from then on the swap goes forward. */
  static final String READY = "history.new.ready";
  /** Prefix of the checkpoint directories an export makes (and deletes) in the data directory. */
  static final String CHECKPOINT_TMP = "checkpoint.tmp-";

  /** What a packed history holds. */
  record Manifest(String epoch, RaftPosition position, long lastId, long oldestId) {

    byte[] bytes() {
      Properties p = new Properties();
      p.setProperty("format", FORMAT);
      p.setProperty("epoch", epoch);
      p.setProperty("term", Long.toString(position.term()));
      p.setProperty("index", Long.toString(position.index()));
      p.setProperty("last_id", Long.toString(lastId));
      p.setProperty("oldest_id", Long.toString(oldestId));
      StringWriter w = new StringWriter();
      try {
        p.store(w, "svcgate history snapshot");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return w.toString().getBytes(StandardCharsets.UTF_8);
    }

    static Manifest parse(byte[] bytes, Path file) {
      Properties p = new Properties();
      try {
        p.load(new StringReader(new String(bytes, StandardCharsets.UTF_8)));
        if (!FORMAT.equals(p.getProperty("format"))) {
          throw new HistoryStoreException("snapshot " + file + " has format " + p.getProperty("format")
              + ", this svcgate reads format " + FORMAT);
        }
        return new Manifest(required(p, "epoch", file), new RaftPosition(Long.parseLong(required(p, "term", file)),
            Long.parseLong(required(p, "index", file))), Long.parseLong(required(p, "last_id", file)),
            Long.parseLong(required(p, "oldest_id", file)));
      } catch (IOException | IllegalArgumentException e) {
        throw new HistoryStoreException("snapshot " + file + " has an unreadable manifest: " + e.getMessage(), e);
      }
    }

    private static String required(Properties p, String key, Path file) {
      String v = p.getProperty(key);
      if (v == null || v.isBlank()) {
        throw new HistoryStoreException("snapshot " + file + ": its manifest has no " + key);
      }
      return v;
    }
  }

  private CheckpointFile() {
  }

  /**
   * Packs the checkpoint in {@code dir} and {@code manifest} into {@code file}, written
   * to a temporary file beside it, fsynced, then renamed into place.
   */
  static void pack(Path dir, Manifest manifest, Path file) {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      try (OutputStream out = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(out)) {
        // the table files are LZ4-compressed already: store them as they are
        zip.setLevel(Deflater.NO_COMPRESSION);
        zip.putNextEntry(new ZipEntry(MANIFEST));
        zip.write(manifest.bytes());
        zip.closeEntry();
        for (Path f : files(dir)) {
          String name = f.getFileName().toString();
          if (name.equals("LOCK") || name.startsWith("LOG")) {
            continue; // RocksDB's lock and info logs are not data
          }
          zip.putNextEntry(new ZipEntry(PREFIX + name));
          Files.copy(f, zip);
          zip.closeEntry();
        }
      }
      fsync(tmp);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      fsync(parent);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw new HistoryStoreException("cannot write the history snapshot " + file + ": " + e, e);
    }
  }

  /**
   * Unpacks {@code file} into {@code dir} (which must not exist), fsyncing every file.
   *
   * @return its manifest
   * @throws HistoryStoreException when the file is not a packed history
   */
  static Manifest unpack(Path file, Path dir) {
    Manifest manifest = null;
    try (InputStream in = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(in)) {
      Files.createDirectories(dir);
      ZipEntry e;
      while ((e = zip.getNextEntry()) != null) {
        String name = e.getName();
        if (name.equals(MANIFEST)) {
          manifest = Manifest.parse(zip.readAllBytes(), file);
          continue;
        }
        String base = name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : "";
        if (e.isDirectory() || base.isEmpty() || base.contains("/") || base.contains("\\") || base.equals("..")
            || base.equals(".")) {
          throw new HistoryStoreException("snapshot " + file + " holds an unexpected entry " + name);
        }
        Path target = dir.resolve(base);
        Files.copy(zip, target);
        fsync(target);
      }
      fsync(dir);
    } catch (IOException e) {
      throw new HistoryStoreException("cannot read the history snapshot " + file + ": " + e, e);
    }
    if (manifest == null) {
      throw new HistoryStoreException("snapshot " + file + " is not an svcgate history snapshot: no " + MANIFEST);
    }
    return manifest;
  }

  /**
   * Completes or undoes a replacement of the store of {@code dataDir} that a crash
   * interrupted; does nothing when none was under way. Call with the directory locked.
   * Once {@link #READY} exists the new store is complete and checked, and the swap
   * goes forward; before, the new store is dropped and the old one stays.
   */
  static void finishSwap(Path dataDir) {
    Path store = dataDir.resolve(RocksEventLog.STORE_DIR);
    Path fresh = dataDir.resolve(NEW_DIR);
    Path old = dataDir.resolve(OLD_DIR);
    Path ready = dataDir.resolve(READY);
    try {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dataDir, CHECKPOINT_TMP + "*")) {
        for (Path leftover : ds) {
          deleteTree(leftover); // an export cut short
        }
      }
      if (Files.exists(ready)) {
        if (Files.isDirectory(fresh)) {
          if (Files.exists(store)) {
            deleteTree(old);
            Files.move(store, old, StandardCopyOption.ATOMIC_MOVE);
            fsync(dataDir);
          }
          Files.move(fresh, store, StandardCopyOption.ATOMIC_MOVE);
          fsync(dataDir);
          log.info("history {}: the store is replaced by a snapshot", dataDir);
        }
        deleteTree(old);
        Files.delete(ready);
        fsync(dataDir);
      } else {
        if (Files.exists(fresh)) {
          log.info("history {}: dropping an incomplete snapshot import", dataDir);
          deleteTree(fresh);
        }
        if (!Files.exists(store) && Files.isDirectory(old)) {
          Files.move(old, store, StandardCopyOption.ATOMIC_MOVE);
          fsync(dataDir);
        } else {
          deleteTree(old);
        }
      }
    } catch (IOException e) {
      throw new HistoryStoreException("cannot complete the replacement of the history in " + dataDir + ": " + e, e);
    }
  }

  /** Marks the unpacked store complete, then swaps it in (see {@link #finishSwap}). */
  static void commitSwap(Path dataDir) {
    Path ready = dataDir.resolve(READY);
    try {
      Files.deleteIfExists(ready);
      Files.createFile(ready);
      fsync(dataDir);
    } catch (IOException e) {
      throw new HistoryStoreException("cannot mark the snapshot import in " + dataDir + " complete: " + e, e);
    }
    finishSwap(dataDir);
  }

  private static List<Path> files(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        if (Files.isRegularFile(p)) {
          out.add(p);
        }
      }
    }
    out.sort(null);
    return out;
  }

  static void fsync(Path p) throws IOException {
    if (Files.isDirectory(p)) {
      try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
        ch.force(true);
      } catch (IOException e) {
        // some file systems cannot sync a directory; the files themselves are synced
        log.debug("cannot fsync directory {}: {}", p, e.toString());
      }
    } else {
      try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      log.debug("cannot delete {}: {}", p, e.toString());
    }
  }
}
