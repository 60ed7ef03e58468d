package io.svcgate.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.svcgate.state.Json;
import io.svcgate.state.filter.Condition;
import io.svcgate.state.filter.Match;
import io.svcgate.state.filter.PathExpression;
import io.vertx.core.json.JsonArray;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * Holds the page's filter.js to the gateway's filter language: every path and
 * condition example of docs/filters.md, on its sample document, selects the same
 * locations and values in the browser as in {@link PathExpression} and
 * {@link Condition}, and the conditions hold in both exactly when the page says so.
 */
final class FilterParity {

  private FilterParity() {
  }

  static void check(WebDriver driver) throws IOException {
    List<String> lines = Files.readAllLines(Path.of("..", "docs", "filters.md"));
    int at = lines.indexOf("<!-- sample-document -->");
    StringBuilder json = new StringBuilder();
    for (int i = at + 2; !lines.get(i).equals("```"); i++) {
      json.append(lines.get(i)).append('\n');
    }
    JsonNode sample = Json.parse(json.toString());
    List<List<String>> paths = table(lines, "paths");
    List<List<String>> conditions = table(lines, "conditions");

    List<String> texts = new ArrayList<>();
    paths.forEach(r -> texts.add(r.get(0)));
    String script = """
        const doc = JSON.parse(arguments[0]);
        const texts = JSON.parse(arguments[1]);
        const conds = JSON.parse(arguments[2]);
        return JSON.stringify({
          paths: texts.map(t => SvcFilter.select(SvcFilter.parsePath(t), doc)),
          conditions: conds.map(c => SvcFilter.evaluate(SvcFilter.parseCondition(c), doc).holds)
        });
        """;
    List<String> conds = conditions.stream().map(r -> r.get(0)).toList();
    String out = (String) ((JavascriptExecutor) driver).executeScript(script, json.toString(),
        new JsonArray(texts).encode(), new JsonArray(conds).encode());
    JsonNode result = Json.parse(out);
    for (int i = 0; i < texts.size(); i++) {
      List<Match> java = PathExpression.parse(texts.get(i)).select(sample);
      JsonNode js = result.get("paths").get(i);
      assertThat(js.size()).as("matches of %s", texts.get(i)).isEqualTo(java.size());
      for (int j = 0; j < java.size(); j++) {
        JsonNode p = js.get(j).get("path");
        List<Object> steps = new ArrayList<>();
        p.forEach(s -> steps.add(s.isNumber() ? (Object) s.intValue() : s.textValue()));
        assertThat(steps).as("path of match %d of %s", j, texts.get(i)).isEqualTo(java.get(j).path().steps());
        assertThat(sameValue(js.get(j).get("value"), java.get(j).value()))
            .as("value of match %d of %s: %s vs %s", j, texts.get(i), js.get(j).get("value"), java.get(j).value()).isTrue();
      }
    }
    for (int i = 0; i < conds.size(); i++) {
      boolean java = Condition.parse(conds.get(i)).test(sample);
      assertThat(java).as("the gateway on %s", conds.get(i)).isEqualTo(Boolean.parseBoolean(conditions.get(i).get(1)));
      assertThat(result.get("conditions").get(i).booleanValue()).as("the page on %s", conds.get(i)).isEqualTo(java);
    }
  }

  /** Equal as JSON, numbers by value (the browser reads 0.0 as 0). */
  private static boolean sameValue(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return new BigDecimal(a.asText()).compareTo(new BigDecimal(b.asText())) == 0;
    }
    if (a.isArray() && b.isArray()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (int i = 0; i < a.size(); i++) {
        if (!sameValue(a.get(i), b.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (a.isObject() && b.isObject()) {
      if (a.size() != b.size()) {
        return false;
      }
      Iterator<Map.Entry<String, JsonNode>> it = a.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!b.has(e.getKey()) || !sameValue(e.getValue(), b.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

  private static List<List<String>> table(List<String> lines, String name) {
    int i = 0;
    while (!lines.get(i).startsWith("<!-- " + name + ":")) {
      i++;
    }
    i += 3;
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
        String cell = cur.toString().strip();
        out.add(cell.length() >= 2 && cell.startsWith("`") && cell.endsWith("`") ? cell.substring(1, cell.length() - 1) : cell);
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    return out;
  }
}
