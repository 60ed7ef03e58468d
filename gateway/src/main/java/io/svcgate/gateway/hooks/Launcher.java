package io.svcgate.gateway.hooks;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts hook processes, each in a process group of its own, and kills those groups.
 *
 * <p>Java cannot call {@code setsid(2)}, so a hook runs as {@code setsid -w <program> <args…>}
 * ({@code setsid} from util-linux). The JVM's child is never a process group leader, so
 * {@code setsid} does not fork: it makes itself the leader of a new session and group and
 * execs the hook, whose pid is therefore its process group id. ({@code -w} only matters if
 * it had to fork: it then waits for the hook and passes on its exit code.) Killing the group is
 * {@code kill -KILL -- -<pid>} (the {@code kill} program; Java cannot signal a group),
 * which also reaches the hook's children and grandchildren that were reparented when their
 * parent died, unless they moved to a session of their own.
 *
 * <p>Without {@code setsid} or {@code kill} in {@code PATH} (not Linux), hooks run in the
 * gateway's process group and a kill reaches the hook and the descendants it still has.
 *
 * <p>Immutable and thread-safe.
 */
final class Launcher {

  private static final long KILL_WAIT_SECONDS = 5;

  private final String setsid;
  private final String kill;

  Launcher(String setsid, String kill) {
    this.setsid = setsid;
    this.kill = kill;
  }

  /** A launcher using {@code setsid} and {@code kill} from {@code PATH}, when both are there. */
  static Launcher fromPath() {
    Path setsid = lookUp("setsid");
    Path kill = lookUp("kill");
    if (setsid == null || kill == null) {
      return new Launcher(null, null);
    }
    return new Launcher(setsid.toString(), kill.toString());
  }

  /** Whether hooks get a process group of their own. */
  boolean ownGroups() {
    return setsid != null;
  }

  private static Path lookUp(String name) {
    try {
      return resolve(name);
    } catch (StartException e) {
      return null;
    }
  }

  /**
   * The file a program name runs, as {@code execvp} would find it: a name with a {@code /}
   * is a path (relative to the gateway's working directory), any other is looked up in
   * {@code PATH}.
   *
   * @throws StartException saying "not found" or "not executable"
   */
  static Path resolve(String program) throws StartException {
    if (program.indexOf('/') >= 0) {
      Path p;
      try {
        p = Path.of(program);
      } catch (InvalidPathException e) {
        throw new StartException("not found: " + program);
      }
      if (!Files.exists(p)) {
        throw new StartException("not found: " + program);
      }
      if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
        throw new StartException("not executable: " + program);
      }
      return p;
    }
    String path = System.getenv("PATH");
    Path notExecutable = null;
    for (String dir : path == null ? new String[0] : path.split(File.pathSeparator)) {
      try {
        Path p = Path.of(dir.isEmpty() ? "." : dir, program);
        if (Files.isRegularFile(p)) {
          if (Files.isExecutable(p)) {
            return p;
          }
          if (notExecutable == null) {
            notExecutable = p;
          }
        }
      } catch (InvalidPathException e) {
        // Skip an entry of PATH that is no path.
      }
    }
    if (notExecutable != null) {
      throw new StartException("not executable: " + notExecutable);
    }
    throw new StartException("not found in PATH: " + program);
  }

  /**
   * Starts {@code command} (its program already resolved) in a process group of its own,
   * with stderr merged into stdout and {@code env} added to the gateway's environment.
   */
  Process start(List<String> command, Map<String, String> env) throws IOException {
    List<String> argv = new ArrayList<>(command.size() + 2);
    if (setsid != null) {
      argv.add(setsid);
      argv.add("-w");
    }
    argv.addAll(command);
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.environment().putAll(env);
    return pb.start();
  }

  /**
   * Kills the hook {@code process} with SIGKILL: its whole process group (while the hook
   * lives, its pid is the group's id), the descendants it still has, and itself.
   */
  void kill(Process process) {
    if (process.isAlive()) {
      killGroup(process.pid());
    }
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  /**
   * Kills what is left of the group of a hook that has exited: processes it started in
   * the background that are still running.
   *
   * <p>The kernel does not reuse a process group id while the group has members, so this
   * reaches the hook's leftovers; when there are none, the id could only belong to someone
   * else if the whole pid space had wrapped around since the hook exited, an instant ago.
   */
  void killLeftovers(Process process) {
    killGroup(process.pid());
  }

  private void killGroup(long pgid) {
    if (setsid == null || kill == null) {
      return;
    }
    try {
      Process k = new ProcessBuilder(kill, "-KILL", "--", "-" + pgid)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
      if (!k.waitFor(KILL_WAIT_SECONDS, TimeUnit.SECONDS)) {
        k.destroyForcibly();
      }
    } catch (IOException e) {
      // kill itself could not start (out of processes): the direct kill in kill() remains.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A hook's program cannot be started; the message is the reason, for the log. */
  static final class StartException extends Exception {
    StartException(String message) {
      super(message);
    }
  }
}
