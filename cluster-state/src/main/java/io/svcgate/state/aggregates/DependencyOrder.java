package io.svcgate.state.aggregates;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Orders objects so that every object comes after the objects it reads (its children):
 * the strongly connected components of the slave graph, children first. A component
 * of more than one object, or of one object that lists itself, is a cycle.
 *
 * <p>Iterative (no recursion), so a long chain of slaves cannot overflow the stack.
 * Deterministic: for the same nodes in the same iteration order and the same edges,
 * the same result.
 */
final class DependencyOrder {

  private DependencyOrder() {
  }

  /**
   * @param nodes    the objects to order; edges to objects outside this collection are ignored
   * @param children the objects each one reads
   * @return the components, each one after every component it reads
   */
  static List<List<String>> components(Collection<String> nodes, Function<String, List<String>> children) {
    Set<String> members = nodes instanceof Set<String> s ? s : new HashSet<>(nodes);
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new HashSet<>();
    List<List<String>> out = new ArrayList<>();
    Deque<Frame> calls = new ArrayDeque<>();
    int counter = 0;
    for (String root : nodes) {
      if (index.containsKey(root)) {
        continue;
      }
      index.put(root, counter);
      low.put(root, counter);
      counter++;
      stack.push(root);
      onStack.add(root);
      calls.push(new Frame(root, children.apply(root).iterator()));
      while (!calls.isEmpty()) {
        Frame f = calls.peek();
        if (f.edges.hasNext()) {
          String w = f.edges.next();
          if (!members.contains(w)) {
            continue;
          }
          if (!index.containsKey(w)) {
            index.put(w, counter);
            low.put(w, counter);
            counter++;
            stack.push(w);
            onStack.add(w);
            calls.push(new Frame(w, children.apply(w).iterator()));
          } else if (onStack.contains(w)) {
            low.put(f.node, Math.min(low.get(f.node), index.get(w)));
          }
          continue;
        }
        calls.pop();
        if (low.get(f.node).equals(index.get(f.node))) {
          List<String> component = new ArrayList<>();
          String w;
          do {
            w = stack.pop();
            onStack.remove(w);
            component.add(w);
          } while (!w.equals(f.node));
          out.add(component);
        }
        if (!calls.isEmpty()) {
          Frame parent = calls.peek();
          low.put(parent.node, Math.min(low.get(parent.node), low.get(f.node)));
        }
      }
    }
    return out;
  }

  private static final class Frame {
    final String node;
    final Iterator<String> edges;

    Frame(String node, Iterator<String> edges) {
      this.node = node;
      this.edges = edges;
    }
  }
}
