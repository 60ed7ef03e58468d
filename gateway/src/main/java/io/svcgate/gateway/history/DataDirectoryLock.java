package io.svcgate.gateway.history;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The exclusive lock of a data directory: an OS file lock on {@code <dir>/LOCK}, which
 * holds the pid of its owner. The OS releases it when the process dies, so a killed
 * gateway never leaves a stale lock behind. The file itself is never deleted.
 */
final class DataDirectoryLock implements AutoCloseable {

  static final String FILE = "LOCK";

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirectoryLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Creates {@code dir} if needed and locks it.
   *
   * @throws DataDirectoryInUseException when another process, or another history of this one, holds it
   * @throws HistoryStoreException       when the directory or the lock file cannot be made
   */
  static DataDirectoryLock acquire(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new HistoryStoreException("cannot create data directory " + dir + ": " + e, e);
    }
    Path file = dir.resolve(FILE);
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new HistoryStoreException("cannot open lock file " + file + ": " + e, e);
    }
    try {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        String owner = readOwner(channel);
        channel.close();
        throw new DataDirectoryInUseException("data directory " + dir + " is in use by another svcgate (pid "
            + owner + ")");
      }
      byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(pid), 0);
      channel.force(false);
      return new DataDirectoryLock(channel, lock);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new HistoryStoreException("cannot lock data directory " + dir + ": " + e, e);
    }
  }

  private static String readOwner(FileChannel channel) {
    try {
      ByteBuffer buf = ByteBuffer.allocate(32);
      channel.read(buf, 0);
      String s = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).trim();
      return s.matches("[0-9]{1,19}") ? s : "unknown";
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // already failing; the first error is the one reported
    }
  }

  /** Releases the lock. */
  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException ignored) {
      // closing the channel releases it too
    }
    closeQuietly(channel);
  }
}
