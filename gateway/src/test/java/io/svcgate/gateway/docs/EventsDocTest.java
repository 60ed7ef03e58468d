package io.svcgate.gateway.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.svcgate.gateway.TestGateway;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** docs/events.md lists exactly what {@code GET /api/events/catalogue} serves, in the same order. */
@Timeout(60)
class EventsDocTest {

  private static final Pattern ROW = Pattern.compile("^\\| `([a-z_]+)` \\| (?:`([a-z_]+)`)? \\| (.+) \\|$");

  @TempDir
  Path dir;

  @Test
  void theEventIdsPageListsTheServedCatalogue() throws Exception {
    Path root = Path.of("").toAbsolutePath();
    while (root != null && !Files.exists(root.resolve("docs/events.md"))) {
      root = root.getParent();
    }
    assertThat(root).as("docs/events.md above " + Path.of("").toAbsolutePath()).isNotNull();
    String page = Files.readString(root.resolve("docs/events.md"));
    String catalogue = page.substring(page.indexOf("| id | reason | message |"), page.indexOf("The gateway's own events"));
    List<String> documented = new ArrayList<>();
    for (String line : catalogue.split("\n")) {
      Matcher m = ROW.matcher(line);
      if (m.matches()) {
        documented.add(m.group(1) + "/" + m.group(2) + "/" + m.group(3));
      }
    }
    List<String> served = new ArrayList<>();
    try (TestGateway gw = TestGateway.start(dir, Map.of())) {
      for (Object o : gw.get("/api/events/catalogue").bodyAsJsonObject().getJsonArray("events")) {
        JsonObject e = (JsonObject) o;
        served.add(e.getString("id") + "/" + e.getString("reason") + "/" + e.getString("message"));
      }
    }
    assertThat(served).hasSizeGreaterThan(30);
    assertThat(documented).containsExactlyElementsOf(served);
  }
}
