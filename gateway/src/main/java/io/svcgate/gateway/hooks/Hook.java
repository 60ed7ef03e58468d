package io.svcgate.gateway.hooks;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One {@code [hook#N]} section of the hooks file: which events trigger it and what runs.
 *
 * @param name the section name, e.g. {@code hook#1}
 * @param all true when {@code events} names {@code all}: every event triggers it
 * @param events the event ids named in {@code events}, without {@code all}
 * @param command the program and its arguments, already split into words; run without a shell
 * @param line the line of the section header, for messages
 */
public record Hook(String name, boolean all, Set<String> events, List<String> command, int line) {

  /** The word of {@code events} that makes a hook run on every event. */
  public static final String ALL = "all";

  public Hook {
    Objects.requireNonNull(name, "name");
    events = Set.copyOf(events);
    command = List.copyOf(command);
    if (command.isEmpty()) {
      throw new IllegalArgumentException("a hook needs a command");
    }
    if (!all && events.isEmpty()) {
      throw new IllegalArgumentException("a hook needs at least one event id, or all");
    }
  }

  /** Whether an event of kind "event" with this {@code data.id} runs this hook. */
  public boolean triggeredBy(String eventId) {
    return all || events.contains(eventId);
  }

  /** The command as one line, words quoted where needed, as it is logged. */
  public String commandLine() {
    return CommandLine.join(command);
  }
}
