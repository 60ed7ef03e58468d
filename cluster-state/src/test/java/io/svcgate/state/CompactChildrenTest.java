package io.svcgate.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/**
 * The mapper's object nodes hold their children in {@link CompactChildren}: whatever is
 * done to one, through the map or through Jackson, it holds what a {@code LinkedHashMap}
 * holds, in the same order, and reads and writes the same JSON.
 */
class CompactChildrenTest {

  /** One operation on both maps. */
  record Op(int kind, String key, int value) {
  }

  @Provide
  Arbitrary<List<Op>> ops() {
    // few distinct keys, so that puts replace, removes hit, and objects cross the index size
    // both ways; "Aa" and "BB" (and their concatenations) share a String hash
    Arbitrary<String> keys = Arbitraries.oneOf(
        Arbitraries.of("Aa", "BB", "AaAa", "BBBB", "AaBB", "BBAa", ""),
        Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(2));
    Arbitrary<Op> op = Combinators.combine(Arbitraries.integers().between(0, 9), keys,
        Arbitraries.integers().between(0, 5)).as(Op::new);
    return op.list().ofMaxSize(300);
  }

  @Property(tries = 400)
  void behavesAsALinkedHashMap(@ForAll("ops") List<Op> ops) {
    Map<String, JsonNode> compact = new CompactChildren();
    Map<String, JsonNode> reference = new LinkedHashMap<>();
    for (Op op : ops) {
      JsonNode v = Json.NODES.numberNode(op.value());
      switch (op.kind()) {
        case 0, 1, 2, 3 -> assertThat(compact.put(op.key(), v)).isEqualTo(reference.put(op.key(), v));
        case 4, 5 -> assertThat(compact.remove(op.key())).isEqualTo(reference.remove(op.key()));
        case 6 -> {
          // remove every child of this value through the iterator
          compact.entrySet().removeIf(e -> e.getValue().intValue() == op.value());
          reference.entrySet().removeIf(e -> e.getValue().intValue() == op.value());
        }
        case 7 -> {
          // set every child's value through its entry
          for (Map.Entry<String, JsonNode> e : compact.entrySet()) {
            e.setValue(Json.NODES.numberNode(e.getValue().intValue() + op.value()));
          }
          reference.replaceAll((k, old) -> Json.NODES.numberNode(old.intValue() + op.value()));
        }
        case 8 -> {
          if (op.value() == 0) {
            compact.clear();
            reference.clear();
          }
        }
        default -> assertThat(compact.containsKey(op.key())).isEqualTo(reference.containsKey(op.key()));
      }
      assertThat(compact.get(op.key())).isEqualTo(reference.get(op.key()));
      assertThat(compact.size()).isEqualTo(reference.size());
    }
    assertThat(new ArrayList<>(compact.entrySet())).containsExactlyElementsOf(reference.entrySet());
    assertThat(compact).isEqualTo(reference);
    assertThat(compact.hashCode()).isEqualTo(reference.hashCode());
    List<String> visited = new ArrayList<>();
    compact.forEach((k, v) -> visited.add(k));
    assertThat(visited).containsExactlyElementsOf(reference.keySet());
    for (String k : reference.keySet()) {
      assertThat(compact.get(new String(k.toCharArray()))).as("a key equal but not the same string")
          .isEqualTo(reference.get(k));
    }
  }

  /** Objects of any size read and written through the mapper: the same tree and bytes as Jackson's own. */
  @Property(tries = 200)
  void theMappersObjectsReadAndWriteAsJacksonsOwn(
      @ForAll @Size(max = 40) List<@StringLength(max = 12) String> names) throws Exception {
    Map<String, Object> object = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      object.put(names.get(i), i % 3 == 0 ? Map.of("n", i) : i);
    }
    byte[] json = Json.MAPPER.writeValueAsBytes(object);

    JsonNode compact = Json.parse(json);
    JsonNode plain = Json.MAPPER.copy().setNodeFactory(JsonNodeFactory.withExactBigDecimals(true)).readTree(json);

    assertThat(compact).isEqualTo(plain);
    assertThat(plain).isEqualTo(compact);
    assertThat(compact.hashCode()).isEqualTo(plain.hashCode());
    assertThat(Json.compact(compact)).isEqualTo(new String(json, StandardCharsets.UTF_8));
    ObjectNode o = (ObjectNode) compact;
    List<String> fields = new ArrayList<>();
    o.fieldNames().forEachRemaining(fields::add);
    assertThat(fields).containsExactlyElementsOf(object.keySet());
  }

  @Test
  void anIteratorFailsFastOnAChangeMadeBesideIt() {
    Map<String, JsonNode> m = new CompactChildren();
    m.put("a", Json.NODES.numberNode(1));
    m.put("b", Json.NODES.numberNode(2));
    Iterator<Map.Entry<String, JsonNode>> it = m.entrySet().iterator();
    it.next();
    m.put("c", Json.NODES.numberNode(3));
    assertThatThrownBy(it::next).isInstanceOf(ConcurrentModificationException.class);
    assertThatThrownBy(() -> m.put(null, Json.NODES.nullNode())).isInstanceOf(NullPointerException.class);
  }

  @Test
  void theMappersObjectNodesUseIt() throws Exception {
    ObjectNode built = Json.NODES.objectNode();
    ObjectNode parsed = (ObjectNode) Json.parse("{\"a\":{\"b\":1}}");
    for (ObjectNode o : List.of(built, parsed, (ObjectNode) parsed.get("a"), built.putObject("x"))) {
      java.lang.reflect.Field children = ObjectNode.class.getDeclaredField("_children");
      children.setAccessible(true);
      assertThat(children.get(o)).isInstanceOf(CompactChildren.class);
    }
  }
}
