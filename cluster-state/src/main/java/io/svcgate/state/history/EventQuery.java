package io.svcgate.state.history;

import com.fasterxml.jackson.databind.JsonNode;
import io.svcgate.state.Event;
import io.svcgate.state.Stanza;
import io.svcgate.state.filter.Condition;
import io.svcgate.state.filter.EventCondition;
import io.svcgate.state.filter.FilterSyntaxException;
import io.svcgate.state.filter.PathExpression;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The filters of history pages and event streams (docs/api.md): {@code kind},
 * {@code nodename}, {@code eventid}, {@code path}, {@code filter}. An event is
 * selected when every filter given holds; a filter given several times (or with
 * several values) holds when one of its values does, except {@code filter},
 * whose conditions must all hold.
 *
 * <ul>
 *   <li>{@code kind=patch|event}.</li>
 *   <li>{@code nodename=n}: the envelope's nodename.</li>
 *   <li>{@code eventid=x}: an event of kind {@code event} whose {@code data.id} is x.</li>
 *   <li>{@code path=p}: for an event, its {@code data.path} (or the older
 *       {@code data.svcname}) equals p, an object path such as {@code ns1/svc/web};
 *       for a patch, some stanza path starts with p, read as a filter path or a JSON
 *       Pointer ({@code monitor.nodes.n1}, {@code /monitor/nodes/n1},
 *       {@code monitor.nodes.*.frozen}). When p does not read as a path, no patch
 *       matches it (an error when only patches were asked for).</li>
 *   <li>{@code filter=C}: a condition on the envelope.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class EventQuery {

  /** The query parameters this class reads; others are left to the caller. */
  public static final Set<String> PARAMETERS = Set.of("kind", "nodename", "eventid", "path", "filter");

  /** No filter: every event. */
  public static final EventQuery ALL = new EventQuery(Set.of(), Set.of(), Set.of(), null, null, EventCondition.ANY);

  private final Set<String> kinds;
  private final Set<String> nodenames;
  private final Set<String> eventIds;
  private final String objectPath;
  private final PathExpression stanzaPrefix;
  private final EventCondition filter;

  private EventQuery(Set<String> kinds, Set<String> nodenames, Set<String> eventIds, String objectPath,
                     PathExpression stanzaPrefix, EventCondition filter) {
    this.kinds = kinds;
    this.nodenames = nodenames;
    this.eventIds = eventIds;
    this.objectPath = objectPath;
    this.stanzaPrefix = stanzaPrefix;
    this.filter = filter;
  }

  /**
   * Reads the filters from query parameters (name → values, as a router gives
   * them). Parameters other than {@link #PARAMETERS} are ignored.
   *
   * @throws IllegalArgumentException naming the parameter and what is wrong
   */
  public static EventQuery parse(Map<String, List<String>> params) {
    Builder b = builder();
    for (String k : values(params, "kind")) {
      b.kind(k);
    }
    for (String n : values(params, "nodename")) {
      b.nodename(n);
    }
    for (String id : values(params, "eventid")) {
      b.eventId(id);
    }
    List<String> paths = values(params, "path");
    if (paths.size() > 1) {
      throw new IllegalArgumentException("path= may be given once, got " + paths.size() + " values");
    }
    if (!paths.isEmpty()) {
      b.path(paths.get(0));
    }
    for (String f : values(params, "filter")) {
      b.filter(f);
    }
    return b.build();
  }

  private static List<String> values(Map<String, List<String>> params, String name) {
    List<String> v = params.get(name);
    return v == null ? List.of() : v;
  }

  /** A builder, for callers that do not come from query parameters. */
  public static Builder builder() {
    return new Builder();
  }

  /** True when this event passes every filter. */
  public boolean test(Event e) {
    if (!kinds.isEmpty() && !kinds.contains(e.kind())) {
      return false;
    }
    if (!nodenames.isEmpty() && !nodenames.contains(e.nodename())) {
      return false;
    }
    if (!eventIds.isEmpty() && (e.eventId() == null || !eventIds.contains(e.eventId()))) {
      return false;
    }
    if (objectPath != null && !pathMatches(e)) {
      return false;
    }
    return filter.test(e);
  }

  private boolean pathMatches(Event e) {
    if (Event.EVENT.equals(e.kind())) {
      JsonNode data = e.data();
      JsonNode p = data.get("path");
      if (p == null || p.isNull()) {
        p = data.get("svcname");
      }
      return p != null && p.isTextual() && objectPath.equals(p.textValue());
    }
    if (e.isPatch() && stanzaPrefix != null) {
      for (Stanza s : e.stanzas()) {
        if (stanzaPrefix.selectsPrefixOf(s.path())) {
          return true;
        }
      }
    }
    return false;
  }

  /** True when there is no filter at all. */
  public boolean isAll() {
    return kinds.isEmpty() && nodenames.isEmpty() && eventIds.isEmpty() && objectPath == null && filter.isEmpty();
  }

  public Set<String> kinds() {
    return kinds;
  }

  public Set<String> nodenames() {
    return nodenames;
  }

  public Set<String> eventIds() {
    return eventIds;
  }

  /** The {@code path=} value as given; null when none. */
  public String path() {
    return objectPath;
  }

  public EventCondition filter() {
    return filter;
  }

  @Override
  public String toString() {
    return "EventQuery{kinds=" + kinds + ", nodenames=" + nodenames + ", eventIds=" + eventIds + ", path=" + objectPath
        + ", filter=" + filter + "}";
  }

  /** Collects filters; {@link #build()} checks that they make sense together. */
  public static final class Builder {
    private final Set<String> kinds = new LinkedHashSet<>();
    private final Set<String> nodenames = new LinkedHashSet<>();
    private final Set<String> eventIds = new LinkedHashSet<>();
    private String path;
    private PathExpression stanzaPrefix;
    private FilterSyntaxException pathError;
    private final List<Condition> conditions = new ArrayList<>();

    private Builder() {
    }

    /** Adds an allowed kind: {@code patch} or {@code event}. */
    public Builder kind(String kind) {
      Objects.requireNonNull(kind, "kind");
      if (!Event.PATCH.equals(kind) && !Event.EVENT.equals(kind)) {
        throw new IllegalArgumentException("kind must be patch or event, got '" + kind + "'");
      }
      kinds.add(kind);
      return this;
    }

    /** Adds an allowed nodename. */
    public Builder nodename(String nodename) {
      requireValue(nodename, "nodename");
      nodenames.add(nodename);
      return this;
    }

    /** Adds an allowed {@code data.id} of events. */
    public Builder eventId(String id) {
      requireValue(id, "eventid");
      eventIds.add(id);
      return this;
    }

    /** Sets the object path (events) and stanza path prefix (patches). */
    public Builder path(String path) {
      requireValue(path, "path");
      this.path = path;
      try {
        PathExpression e = PathExpression.parse(path);
        this.stanzaPrefix = e.hasNegativeIndex() ? null : e;
        this.pathError = e.hasNegativeIndex()
            ? new FilterSyntaxException(path, path.indexOf("[-") + 1, "a negative index needs the document; not allowed in path=")
            : null;
      } catch (FilterSyntaxException ex) {
        this.stanzaPrefix = null;
        this.pathError = ex;
      }
      return this;
    }

    /**
     * Adds a condition on the envelope.
     *
     * @throws IllegalArgumentException with the position when it does not parse
     */
    public Builder filter(String condition) {
      Objects.requireNonNull(condition, "filter");
      try {
        conditions.add(Condition.parse(condition));
      } catch (FilterSyntaxException e) {
        throw new IllegalArgumentException("filter '" + condition + "': " + e.getMessage(), e);
      }
      return this;
    }

    /** Adds a parsed condition on the envelope. */
    public Builder filter(Condition condition) {
      conditions.add(Objects.requireNonNull(condition, "filter"));
      return this;
    }

    private static void requireValue(String value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isBlank()) {
        throw new IllegalArgumentException(name + "= must not be empty");
      }
    }

    /**
     * The query.
     *
     * @throws IllegalArgumentException when the filters can select nothing by construction
     */
    public EventQuery build() {
      boolean onlyPatches = kinds.size() == 1 && kinds.contains(Event.PATCH);
      if (onlyPatches && !eventIds.isEmpty()) {
        throw new IllegalArgumentException("eventid= selects events of kind event; it cannot be combined with kind=patch");
      }
      if (onlyPatches && path != null && pathError != null) {
        throw new IllegalArgumentException("path '" + path + "' is not a document path for patches: " + pathError.getMessage(),
            pathError);
      }
      return new EventQuery(
          Collections.unmodifiableSet(new LinkedHashSet<>(kinds)),
          Collections.unmodifiableSet(new LinkedHashSet<>(nodenames)),
          Collections.unmodifiableSet(new LinkedHashSet<>(eventIds)),
          path, stanzaPrefix, EventCondition.of(conditions));
    }
  }
}
