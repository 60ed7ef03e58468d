package io.svcgate.gateway.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * README.md and docs/jmx.md say which events become JMX notifications as the
 * gateway does it ({@code JmxTest} checks the behaviour through a listener): events
 * of kind {@code event} by default, patches only with {@code jmx.notify-patches}.
 */
class JmxNotificationsDocTest {

  private static String page(String name) throws Exception {
    Path root = Path.of("").toAbsolutePath();
    while (root != null && !Files.exists(root.resolve("README.md"))) {
      root = root.getParent();
    }
    assertThat(root).as("README.md above " + Path.of("").toAbsolutePath()).isNotNull();
    return Files.readString(root.resolve(name)).replaceAll("\\s+", " ");
  }

  @Test
  void theReadmeSaysWhichEventsNotify() throws Exception {
    String readme = page("README.md");
    assertThat(readme).doesNotContain("every event also arrives as a notification");
    String jmx = readme.substring(readme.indexOf("JConsole:"), readme.indexOf("For a remote JConsole"));
    assertThat(jmx).contains("`kind: event`").contains("`jmx.notify-patches: true`");
  }

  @Test
  void theJmxPageSaysWhichEventsNotify() throws Exception {
    String jmx = page("docs/jmx.md");
    String notifications = jmx.substring(jmx.indexOf("## Notifications"), jmx.indexOf("## Connecting JConsole"));
    assertThat(notifications).contains("By default every event of kind `event`")
        .contains("patches do not").contains("With `jmx.notify-patches: true` every event notifies");
  }
}
