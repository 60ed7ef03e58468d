package io.svcgate.state.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.svcgate.state.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every example of docs/filters.md holds against its sample document. */
class DocsExamplesTest {

  private static List<String> lines;
  private static JsonNode sample;

  @BeforeAll
  static void read() throws IOException {
    Path doc = Path.of("..", "docs", "filters.md");
    lines = Files.readAllLines(doc);
    int at = lines.indexOf("<!-- sample-document -->");
    assertThat(at).as("sample marker").isGreaterThanOrEqualTo(0);
    StringBuilder json = new StringBuilder();
    for (int i = at + 2; !lines.get(i).equals("```"); i++) {
      json.append(lines.get(i)).append('\n');
    }
    sample = Json.parse(json.toString());
  }

  /** The rows (cells unquoted) of the table after the marker starting with {@code <!-- name:}. */
  private static List<List<String>> table(String name) {
    int i = 0;
    while (!lines.get(i).startsWith("<!-- " + name + ":")) {
      i++;
    }
    i += 3; // marker, header, separator
    List<List<String>> rows = new ArrayList<>();
    for (; i < lines.size() && lines.get(i).startsWith("|"); i++) {
      rows.add(cells(lines.get(i)));
    }
    assertThat(rows).as(name).isNotEmpty();
    return rows;
  }

  private static List<String> cells(String row) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (int i = 1; i < row.length(); i++) {
      char c = row.charAt(i);
      if (c == '\\' && i + 1 < row.length() && row.charAt(i + 1) == '|') {
        cur.append('|');
        i++;
      } else if (c == '|') {
        out.add(unquote(cur.toString().strip()));
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    return out;
  }

  private static String unquote(String cell) {
    return cell.length() >= 2 && cell.startsWith("`") && cell.endsWith("`") ? cell.substring(1, cell.length() - 1) : cell;
  }

  @Test
  void paths() {
    for (List<String> row : table("paths")) {
      String printed = PathExpression.parse(row.get(0)).select(sample).stream()
          .map(m -> Values.plain(m.value()))
          .collect(Collectors.joining(" ; "));
      assertThat(printed).as(row.get(0)).isEqualTo(row.get(1).replace("\\n", "\n"));
    }
  }

  @Test
  void conditions() {
    for (List<String> row : table("conditions")) {
      assertThat(Condition.parse(row.get(0)).test(sample)).as(row.get(0)).isEqualTo(Boolean.parseBoolean(row.get(1)));
      assertThat(row.get(1)).isIn("true", "false");
    }
  }

  @Test
  void errors() {
    for (List<String> row : table("errors")) {
      assertThatThrownBy(() -> Condition.parse(row.get(0))).as(row.get(0))
          .isInstanceOf(FilterSyntaxException.class)
          .hasMessage(row.get(1));
    }
  }

  @Test
  void durations() {
    for (List<String> row : table("durations")) {
      assertThat(Durations.parse(row.get(0)).toMillis()).as(row.get(0)).isEqualTo(Long.parseLong(row.get(1)));
    }
  }

  @Test
  void durationErrors() {
    for (List<String> row : table("duration-errors")) {
      assertThatThrownBy(() -> Durations.parse(row.get(0))).as(row.get(0))
          .isInstanceOf(DurationSyntaxException.class)
          .hasMessage(row.get(1));
    }
  }
}
