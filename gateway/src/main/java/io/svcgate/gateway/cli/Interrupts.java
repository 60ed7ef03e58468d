package io.svcgate.gateway.cli;

import java.lang.reflect.Proxy;

/**
 * Routes Ctrl-C (SIGINT) to the running command so that it can stop cleanly and
 * exit 0 ({@code node events}). Without a command listening, Ctrl-C ends the
 * process as usual (exit 130).
 *
 * <p>The handler is installed by {@link Main#main} only, never in tests, which
 * call {@link #interrupt()} instead. The JDK's {@code sun.misc.Signal} is used
 * through reflection; when it is missing, Ctrl-C simply ends the process.
 */
final class Interrupts {

  private static volatile Runnable listener;

  private Interrupts() {
  }

  /** Installs the SIGINT handler; quietly does nothing on a JDK without {@code sun.misc.Signal}. */
  static void install() {
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Object handler = Proxy.newProxyInstance(Interrupts.class.getClassLoader(), new Class<?>[] {handlerClass},
          (proxy, method, args) -> {
            if (method.getName().equals("handle")) {
              if (!interrupt()) {
                Runtime.getRuntime().exit(130);
              }
              return null;
            }
            return switch (method.getName()) {
              case "hashCode" -> System.identityHashCode(proxy);
              case "equals" -> proxy == args[0];
              default -> "svcgate SIGINT handler";
            };
          });
      Object sigint = signalClass.getConstructor(String.class).newInstance("INT");
      signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, sigint, handler);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      // No signal API: the default behaviour (the JVM exits with 130) stays.
    }
  }

  /**
   * Makes {@code onInterrupt} the action of the next Ctrl-C, until the returned
   * handle is closed. One command listens at a time.
   */
  static Registration listen(Runnable onInterrupt) {
    listener = onInterrupt;
    return () -> {
      if (listener == onInterrupt) {
        listener = null;
      }
    };
  }

  /**
   * Tells the listening command that Ctrl-C was pressed.
   *
   * @return false when no command listens (the signal handler then ends the process with 130)
   */
  static boolean interrupt() {
    Runnable r = listener;
    if (r == null) {
      return false;
    }
    r.run();
    return true;
  }

  /** Stops listening. */
  interface Registration extends AutoCloseable {
    @Override
    void close();
  }
}
