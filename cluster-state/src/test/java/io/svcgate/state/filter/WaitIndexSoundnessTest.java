package io.svcgate.state.filter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.svcgate.state.Json;
import io.svcgate.state.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Soundness of the wait index: a change never leaves out a wait whose condition
 * result it changed (no missed wake-up), whatever the document, the waits' paths
 * and the change (set, append, delete, type change).
 */
class WaitIndexSoundnessTest {

  private static final String[] KEYS = {"a", "b", "c"};
  private static final String[] STEPS = {".a", ".b", ".c", ".*", "[0]", "[1]", "[-1]", "[*]", "..a", "..b", "..*"};
  private static final String[] OPS = {"", "=1", "!=0", ">0", "~1", " in 1, 2", "=[1]", "={}"};

  @Property(tries = 400)
  void everyWaitWhoseResultChangesIsAffected(@ForAll long seed) {
    Random rnd = new Random(seed);
    JsonNode before = randomValue(rnd, 0);
    if (!before.isContainerNode()) {
      before = Json.NODES.objectNode().set("a", before);
    }
    WaitIndex<Condition> idx = new WaitIndex<>(1000);
    List<Condition> conditions = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      StringBuilder p = new StringBuilder(KEYS[rnd.nextInt(KEYS.length)]);
      int steps = rnd.nextInt(4);
      for (int s = 0; s < steps; s++) {
        p.append(STEPS[rnd.nextInt(STEPS.length)]);
      }
      String text = (rnd.nextInt(4) == 0 ? "!" : "") + p + OPS[rnd.nextInt(OPS.length)];
      Condition c = Condition.parse(text);
      conditions.add(c);
      idx.register(c, c);
    }
    for (int round = 0; round < 5; round++) {
      JsonNode after = before.deepCopy();
      Path changed = change(rnd, after);
      Set<Condition> affected = idx.affected(changed);
      for (Condition c : conditions) {
        if (c.test(before) != c.test(after)) {
          assertThat(affected).as("%s changed by %s\nbefore %s\nafter  %s", c, changed, before, after).contains(c);
        }
      }
      before = after;
    }
  }

  private static JsonNode randomValue(Random rnd, int depth) {
    int kind = depth >= 3 ? rnd.nextInt(3) : rnd.nextInt(5);
    switch (kind) {
      case 0:
        return Json.NODES.numberNode(rnd.nextInt(3));
      case 1:
        return rnd.nextBoolean() ? Json.NODES.nullNode() : Json.NODES.textNode("x1");
      case 2:
        return Json.NODES.booleanNode(rnd.nextBoolean());
      case 3: {
        ObjectNode o = Json.NODES.objectNode();
        for (String k : KEYS) {
          if (rnd.nextInt(3) > 0) {
            o.set(k, randomValue(rnd, depth + 1));
          }
        }
        return o;
      }
      default: {
        ArrayNode a = Json.NODES.arrayNode();
        int n = rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
          a.add(randomValue(rnd, depth + 1));
        }
        return a;
      }
    }
  }

  /** Applies one random change (as a stanza would) to {@code doc} and returns its path. */
  private static Path change(Random rnd, JsonNode doc) {
    List<Path> containers = new ArrayList<>();
    collectContainers(doc, Path.ROOT, containers);
    Path at = containers.get(rnd.nextInt(containers.size()));
    JsonNode target = at.isEmpty() ? doc : get(doc, at);
    if (target.isObject()) {
      ObjectNode o = (ObjectNode) target;
      String k = KEYS[rnd.nextInt(KEYS.length)];
      if (o.has(k) && rnd.nextInt(3) == 0) {
        o.remove(k);
      } else {
        o.set(k, randomValue(rnd, 1));
      }
      return at.child(k);
    }
    ArrayNode a = (ArrayNode) target;
    int choice = rnd.nextInt(3);
    if (a.isEmpty() || choice == 0) {
      int i = a.size();
      a.add(randomValue(rnd, 1));
      return at.child(i);
    }
    int i = rnd.nextInt(a.size());
    if (choice == 1) {
      a.remove(i);
    } else {
      a.set(i, randomValue(rnd, 1));
    }
    return at.child(i);
  }

  private static void collectContainers(JsonNode n, Path at, List<Path> out) {
    if (!n.isContainerNode()) {
      return;
    }
    out.add(at);
    if (n.isObject()) {
      n.fields().forEachRemaining(e -> collectContainers(e.getValue(), at.child(e.getKey()), out));
    } else {
      for (int i = 0; i < n.size(); i++) {
        collectContainers(n.get(i), at.child(i), out);
      }
    }
  }

  private static JsonNode get(JsonNode doc, Path p) {
    JsonNode n = doc;
    for (Object s : p.steps()) {
      n = s instanceof Integer i ? n.get(i) : n.get((String) s);
    }
    return n;
  }
}
