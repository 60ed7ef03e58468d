package io.svcgate.state;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The one way a change gets into the document and out as an event (docs/model.md §1,
 * §3): a list of absolute stanzas is applied all or none ({@link #stage}; a failure
 * rolls back what went in, leaving the document byte for byte as it was), the caller
 * may look at what it would do ({@link #stagedSizeChange}) before it keeps it
 * ({@link #commit}) or not ({@link #rollback}), and the kept change becomes an event
 * with the next id ({@link #patch}). Ids are consecutive, with no gaps: this is the only
 * place that hands them out. Every entry point of {@link ClusterState} (a node's
 * generation, the gateway's own changes, the derived state, the replay of the history)
 * goes through it. Single-threaded.
 */
final class ChangeWriter {

  /** Why a list of stanzas did not apply: the index of the failing stanza and its message. */
  static final class Failure extends Exception {
    final int index;

    Failure(int index, String message) {
      super(message, null, false, false);
      this.index = index;
    }
  }

  private final DocumentEdit edit;
  private long lastId;

  ChangeWriter(ObjectNode document, long lastId) {
    this.edit = new DocumentEdit(document);
    this.lastId = lastId;
  }

  /** The id of the last event made or replayed. */
  long lastId() {
    return lastId;
  }

  /**
   * Applies every stanza, in order, or none: when one does not apply, the ones before
   * it are rolled back and the failure is thrown. What applied stays open: call
   * {@link #commit} or {@link #rollback} before anything else.
   *
   * @param relFrom how many leading steps of the paths the sender did not write, for messages
   * @return the op hints, one letter per stanza ({@link Event#opHints()})
   */
  String stage(List<Stanza> stanzas, int relFrom) throws Failure {
    char[] hints = new char[stanzas.size()];
    for (int i = 0; i < hints.length; i++) {
      try {
        hints[i] = edit.apply(stanzas.get(i), relFrom);
      } catch (DocumentEdit.StanzaException e) {
        edit.rollback();
        throw new Failure(i, e.getMessage());
      }
    }
    return new String(hints);
  }

  /** Values added minus values removed by what is staged ({@link DocumentEdit#sizeChange}). */
  long stagedSizeChange() {
    return edit.sizeChange();
  }

  /** Keeps what is staged. */
  void commit() {
    edit.commit();
  }

  /** Undoes what is staged. */
  void rollback() {
    edit.rollback();
  }

  /** The patch event of stanzas just committed, with the next id. */
  Event patch(String nodename, List<Stanza> stanzas, String hints, double now) {
    return Event.patch(++lastId, now, nodename, stanzas, hints);
  }

  /** An event of kind {@code event} with the next id; {@code data} is handed over. */
  Event event(String nodename, ObjectNode data, double now) {
    return Event.event(++lastId, now, nodename, data);
  }

  /**
   * Applies and commits stanzas that cannot fail (the state made them from the
   * document), as one patch event.
   *
   * @throws IllegalStateException when they do fail (a bug): nothing changed
   */
  Event applyOwn(List<Stanza> stanzas, String nodename, double now) {
    String hints;
    try {
      hints = stage(stanzas, 0);
    } catch (Failure f) {
      throw new IllegalStateException("the gateway's own change does not apply: " + f.getMessage(), f);
    }
    commit();
    return patch(nodename, stanzas, hints, now);
  }

  /**
   * Re-applies the stanzas of an event already numbered and takes its id.
   *
   * @throws IllegalArgumentException when the id does not follow {@link #lastId()}
   * @throws IllegalStateException    when the stanzas do not apply; nothing changed
   */
  void replay(Event e) {
    if (e.id() != lastId + 1) {
      throw new IllegalArgumentException("replayed event " + e.id() + " does not follow the last id " + lastId);
    }
    if (e.isPatch()) {
      try {
        stage(e.stanzas(), 0);
      } catch (Failure f) {
        throw new IllegalStateException("event " + e.id() + " does not apply to the state: " + f.getMessage(), f);
      }
      commit();
    }
    lastId = e.id();
  }
}
