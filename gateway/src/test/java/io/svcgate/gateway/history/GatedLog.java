package io.svcgate.gateway.history;

import io.svcgate.state.ClusterState.GenerationChange;
import io.svcgate.state.Event;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;

/**
 * A durable log whose appends wait for a permit, so a test decides when the writer's
 * disk write happens; it tells when the writer is inside an append and records the
 * size of each write.
 */
final class GatedLog implements DurableEventLog {

  final DurableEventLog delegate;
  final Semaphore permits = new Semaphore(0);
  final BlockingQueue<Integer> entered = new LinkedBlockingQueue<>();
  final List<Integer> writes = new CopyOnWriteArrayList<>();
  volatile RuntimeException failWith;

  GatedLog(DurableEventLog delegate) {
    this.delegate = delegate;
  }

  /** Lets every write through from now on. */
  void open() {
    permits.release(1_000_000);
  }

  @Override
  public void append(List<Event> events) {
    append(events, List.of());
  }

  @Override
  public void append(List<Event> events, List<GenerationChange> generations) {
    entered.add(events.size());
    permits.acquireUninterruptibly();
    RuntimeException e = failWith;
    if (e != null) {
      throw e;
    }
    delegate.append(events, generations);
    writes.add(events.size());
  }

  @Override
  public Map<String, Long> loadGenerations() {
    return delegate.loadGenerations();
  }

  @Override
  public String epoch() {
    return delegate.epoch();
  }

  @Override
  public long lastId() {
    return delegate.lastId();
  }

  @Override
  public long oldestId() {
    return delegate.oldestId();
  }

  @Override
  public long size() {
    return delegate.size();
  }

  @Override
  public List<Event> readAfter(long after, int limit) {
    return delegate.readAfter(after, limit);
  }

  @Override
  public long retain(long maxEvents, long minTsMicros) {
    return delegate.retain(maxEvents, minTsMicros);
  }

  @Override
  public void saveSnapshot(long id, byte[] blob) {
    delegate.saveSnapshot(id, blob);
  }

  @Override
  public Optional<Snapshot> loadSnapshot() {
    return delegate.loadSnapshot();
  }

  @Override
  public long snapshotId() {
    return delegate.snapshotId();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
