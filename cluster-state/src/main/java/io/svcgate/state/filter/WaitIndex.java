package io.svcgate.state.filter;

import io.svcgate.state.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Pending waits on the state, indexed by the paths their conditions read, so that
 * a change re-evaluates only the waits it can affect (docs/filters.md, "Waits", rule 2).
 *
 * <p>Each wait is filed in a trie under the fixed prefix of each of its
 * conditions' paths ({@link PathExpression#fixedPrefix()}, cut before its first
 * list index, because a list delete shifts the elements after it).
 * {@link #affected} walks the trie along each changed path: it finds the waits
 * filed at or above the change, and those filed below it, then keeps those whose
 * expression can reach the change ({@link PathExpression#touchedBy}). Its cost
 * depends on the length of the changed paths and on the waits found, not on the
 * other waits.
 *
 * <p>Not thread-safe: one owner (the state verticle) registers, cancels and asks.
 * Bounded: past {@link #maxWaits()} pending waits, {@link #register} throws
 * {@link TooManyWaitsException}.
 *
 * @param <W> what the owner wants back for an affected wait (a promise, a request…)
 */
public final class WaitIndex<W> {

  /** A filed wait. */
  public interface Registration<W> {

    /** What was registered. */
    W waiter();

    /** The conditions it was filed under. */
    List<Condition> conditions();

    /** True until {@link #cancel()}. */
    boolean isActive();

    /** Removes the wait from the index; calling it again does nothing. */
    void cancel();
  }

  private final int maxWaits;
  private final Node root = new Node(null, null);
  private int size;
  /** Registrations examined by {@link #affected} so far (tests check the cost with it). */
  long probes;

  /**
   * @param maxWaits the most waits pending at once (at least 1)
   */
  public WaitIndex(int maxWaits) {
    if (maxWaits < 1) {
      throw new IllegalArgumentException("maxWaits must be at least 1, got " + maxWaits);
    }
    this.maxWaits = maxWaits;
  }

  /**
   * Files a wait on one condition.
   *
   * @throws TooManyWaitsException when {@link #maxWaits()} waits are already pending
   */
  public Registration<W> register(Condition condition, W waiter) {
    return register(List.of(condition), waiter);
  }

  /**
   * Files a wait on several conditions (all of them are read; it is affected when
   * any of their paths is).
   *
   * @throws TooManyWaitsException when {@link #maxWaits()} waits are already pending
   * @throws IllegalArgumentException when {@code conditions} is empty
   */
  public Registration<W> register(Collection<Condition> conditions, W waiter) {
    Objects.requireNonNull(waiter, "waiter");
    if (conditions.isEmpty()) {
      throw new IllegalArgumentException("a wait needs at least one condition");
    }
    if (size >= maxWaits) {
      throw new TooManyWaitsException(maxWaits);
    }
    Reg reg = new Reg(waiter, List.copyOf(conditions));
    for (Condition c : reg.conditions) {
      Node n = root;
      for (Object step : key(c.path())) {
        n = n.childOrNew(step);
      }
      if (!reg.nodes.contains(n)) {
        reg.nodes.add(n);
        n.addReg(reg);
      }
    }
    size++;
    return reg;
  }

  /**
   * The waiters whose conditions may have changed after changes at
   * {@code changedPaths} (absolute paths, e.g. the stanza paths of a patch event).
   * Each waiter appears once.
   */
  public Set<W> affected(Collection<Path> changedPaths) {
    Found found = new Found();
    // The trie nodes along the previous path: the paths of one change mostly share their
    // first steps (monitor.nodes.<n>.services.status.<path>), found once for all of them.
    Node[] trail = trail(16);
    trail[0] = root;
    Path previous = null;
    int resolved = 0;
    for (Path changed : changedPaths) {
      int shared = previous == null ? 0 : previous.sharedSteps(changed, resolved);
      int size = changed.size();
      if (trail.length <= size) {
        trail = Arrays.copyOf(trail, size + 1);
      }
      Node n = root;
      collect(n, changed, found);
      int depth = 0;
      while (depth < size) {
        Node next = depth < shared ? trail[depth + 1] : n.child(changed.get(depth));
        if (next == null) {
          break;
        }
        n = next;
        trail[++depth] = n;
        collect(n, changed, found);
      }
      previous = changed;
      resolved = depth;
      if (depth == size && n.children != null) {
        collectBelow(n, changed, found);
      }
    }
    return found.waiters;
  }

  @SuppressWarnings("unchecked")
  private Node[] trail(int length) {
    return (Node[]) new WaitIndex<?>.Node[length];
  }

  /** Collects the waits filed anywhere below {@code n} (a change at {@code n} can reach them all). */
  private void collectBelow(Node n, Path changed, Found found) {
    ArrayDeque<Node> below = new ArrayDeque<>(n.children.values());
    while (!below.isEmpty()) {
      Node b = below.pop();
      collect(b, changed, found);
      if (b.children != null) {
        below.addAll(b.children.values());
      }
    }
  }

  /** As {@link #affected(Collection)} for one path. */
  public Set<W> affected(Path changedPath) {
    return affected(List.of(changedPath));
  }

  /** How many waits are pending. */
  public int size() {
    return size;
  }

  /** The most waits that may be pending at once. */
  public int maxWaits() {
    return maxWaits;
  }

  /** Every pending waiter (for example to answer them all at shutdown). */
  public List<W> waiters() {
    List<W> out = new ArrayList<>(size);
    Set<Reg> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    ArrayDeque<Node> todo = new ArrayDeque<>();
    todo.push(root);
    while (!todo.isEmpty()) {
      Node n = todo.pop();
      for (Reg r : n.regs()) {
        if (seen.add(r)) {
          out.add(r.waiter);
        }
      }
      if (n.children != null) {
        todo.addAll(n.children.values());
      }
    }
    return out;
  }

  /** The trie key of a path expression: its fixed prefix up to the first index. */
  static List<Object> key(PathExpression path) {
    List<Object> steps = path.fixedPrefix().steps();
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i) instanceof Integer) {
        return steps.subList(0, i);
      }
    }
    return steps;
  }

  private void collect(Node n, Path changed, Found found) {
    if (n.regs == null) {
      return;
    }
    for (Reg r : n.regs) {
      probes++;
      if (!found.has(r) && r.touchedBy(changed)) {
        found.add(r);
      }
    }
  }

  /** The waits one call of {@link #affected} found so far. */
  private final class Found {
    /** The waiters, each once, in the order found. */
    final Set<W> waiters = new LinkedHashSet<>();
    /** The registrations found; made at the first one (most trie nodes a change passes hold none). */
    private Set<Reg> regs;

    boolean has(Reg r) {
      return regs != null && regs.contains(r);
    }

    void add(Reg r) {
      if (regs == null) {
        regs = Collections.newSetFromMap(new IdentityHashMap<>());
      }
      regs.add(r);
      waiters.add(r.waiter);
    }
  }

  private final class Node {
    final Node parent;
    final Object step;
    Map<Object, Node> children;
    /** The waits filed here, in registration order; null while none (most trie nodes hold none). */
    private Set<Reg> regs;

    Node(Node parent, Object step) {
      this.parent = parent;
      this.step = step;
    }

    Set<Reg> regs() {
      return regs == null ? Set.of() : regs;
    }

    void addReg(Reg r) {
      if (regs == null) {
        regs = new LinkedHashSet<>(2);
      }
      regs.add(r);
    }

    void removeReg(Reg r) {
      if (regs != null && regs.remove(r) && regs.isEmpty()) {
        regs = null;
      }
    }

    /** The child at {@code step}, or null. */
    Node child(Object step) {
      return children == null ? null : children.get(step);
    }

    Node childOrNew(Object step) {
      if (children == null) {
        children = new HashMap<>();
      }
      return children.computeIfAbsent(step, s -> new Node(this, s));
    }

    /** Drops this node and its empty ancestors from the trie. */
    void prune() {
      Node n = this;
      while (n.parent != null && n.regs == null && (n.children == null || n.children.isEmpty())) {
        n.parent.children.remove(n.step);
        n = n.parent;
      }
    }
  }

  private final class Reg implements Registration<W> {
    final W waiter;
    final List<Condition> conditions;
    final List<Node> nodes = new ArrayList<>(1);
    boolean active = true;

    Reg(W waiter, List<Condition> conditions) {
      this.waiter = waiter;
      this.conditions = conditions;
    }

    boolean touchedBy(Path changed) {
      for (int i = 0, n = conditions.size(); i < n; i++) {
        if (conditions.get(i).path().touchedBy(changed)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public W waiter() {
      return waiter;
    }

    @Override
    public List<Condition> conditions() {
      return conditions;
    }

    @Override
    public boolean isActive() {
      return active;
    }

    @Override
    public void cancel() {
      if (!active) {
        return;
      }
      active = false;
      for (Node n : nodes) {
        n.removeReg(this);
        n.prune();
      }
      size--;
    }
  }
}
