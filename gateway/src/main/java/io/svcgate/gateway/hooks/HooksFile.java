package io.svcgate.gateway.hooks;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The hooks of a node configuration file (INI): its {@code [hook#N]} sections.
 *
 * <p>The syntax, checked on every line of the file: blank lines; comments, whose first
 * non-blank character is {@code #} or {@code ;}; section headers {@code [name]}; and
 * {@code key = value} lines (blanks around key and value are dropped, keys are case
 * insensitive, the value is everything after the first {@code =}, so {@code #} inside a
 * value is kept). A line that is none of these is an error. Sections other than
 * {@code [hook#N]}, and keys before the first section, are ignored. In a hook section,
 * {@code events} and {@code command} are read; a duplicate key or section is an error; a
 * section without a command or without events is skipped with a warning, and so is an
 * unknown key.
 *
 * <p>Immutable and thread-safe.
 */
public final class HooksFile {

  /** The largest file read, in bytes; a node configuration is a few KiB. */
  public static final int MAX_BYTES = 1 << 20;

  /** No hooks: what a missing file means. */
  public static final HooksFile EMPTY = new HooksFile(List.of(), List.of());

  private static final String HOOK_PREFIX = "hook#";
  private static final Pattern EVENT_SEPARATORS = Pattern.compile("[\\s,]+");
  private static final int MAX_SHOWN = 80;

  private final List<Hook> hooks;
  private final List<String> warnings;
  private final Map<String, List<List<String>>> commandsById;
  private final List<List<String>> commandsForAll;

  private HooksFile(List<Hook> hooks, List<String> warnings) {
    this.hooks = List.copyOf(hooks);
    this.warnings = List.copyOf(warnings);
    this.commandsForAll = distinctCommands(null);
    Map<String, List<List<String>>> byId = new HashMap<>();
    for (Hook h : this.hooks) {
      for (String id : h.events()) {
        byId.computeIfAbsent(id, this::distinctCommands);
      }
    }
    this.commandsById = Map.copyOf(byId);
  }

  private List<List<String>> distinctCommands(String eventId) {
    Set<List<String>> commands = new LinkedHashSet<>();
    for (Hook h : hooks) {
      if (eventId == null ? h.all() : h.triggeredBy(eventId)) {
        commands.add(h.command());
      }
    }
    return List.copyOf(commands);
  }

  /** The hooks, in file order. */
  public List<Hook> hooks() {
    return hooks;
  }

  /** What was skipped and why, one message per problem, each naming its line. */
  public List<String> warnings() {
    return warnings;
  }

  /**
   * The distinct commands an event with this {@code data.id} runs, each once, in the
   * order of their first hook in the file.
   */
  public List<List<String>> commandsFor(String eventId) {
    return commandsById.getOrDefault(eventId, commandsForAll);
  }

  /**
   * Parses the bytes of a hooks file (UTF-8, an optional byte order mark).
   *
   * @throws HooksFileException when the bytes are not UTF-8 or the text is malformed
   */
  public static HooksFile parse(byte[] bytes) throws HooksFileException {
    if (bytes.length > MAX_BYTES) {
      throw new HooksFileException(0, "larger than " + MAX_BYTES + " bytes");
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes))
        .toString();
    } catch (CharacterCodingException e) {
      throw new HooksFileException(0, "not valid UTF-8 text");
    }
    return parse(text);
  }

  /**
   * Parses the text of a hooks file.
   *
   * @throws HooksFileException naming the line and what is wrong with it
   */
  public static HooksFile parse(String text) throws HooksFileException {
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    Map<String, Section> sections = new LinkedHashMap<>();
    Section current = null;
    boolean inHookSection = false;
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int lineNo = i + 1;
      String s = lines[i].strip();
      if (s.isEmpty() || s.startsWith("#") || s.startsWith(";")) {
        continue;
      }
      if (s.startsWith("[")) {
        if (!s.endsWith("]")) {
          throw new HooksFileException(lineNo, "a section header must end with ']': " + shown(s));
        }
        String name = s.substring(1, s.length() - 1).strip();
        if (name.isEmpty()) {
          throw new HooksFileException(lineNo, "empty section name: " + shown(s));
        }
        if (name.indexOf('[') >= 0 || name.indexOf(']') >= 0) {
          throw new HooksFileException(lineNo, "a section name cannot hold '[' or ']': " + shown(s));
        }
        inHookSection = name.equals("hook") || name.startsWith(HOOK_PREFIX);
        if (!inHookSection) {
          current = null;
          continue;
        }
        if (name.length() <= HOOK_PREFIX.length()) {
          throw new HooksFileException(lineNo, "a hook section needs a name after 'hook#', e.g. [hook#1]: "
            + shown(s));
        }
        Section previous = sections.get(name);
        if (previous != null) {
          throw new HooksFileException(lineNo, "duplicate section [" + name + "] (first at line "
            + previous.line + ")");
        }
        current = new Section(name, lineNo);
        sections.put(name, current);
        continue;
      }
      int eq = s.indexOf('=');
      if (eq < 0) {
        throw new HooksFileException(lineNo, "expected 'key = value', a [section] header or a comment, got: "
          + shown(s));
      }
      String key = s.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      if (key.isEmpty()) {
        throw new HooksFileException(lineNo, "a key is missing before '=': " + shown(s));
      }
      if (current == null) {
        continue;
      }
      Entry previous = current.entries.get(key);
      if (previous != null) {
        throw new HooksFileException(lineNo, "duplicate key '" + key + "' in [" + current.name
          + "] (first at line " + previous.line + ")");
      }
      String raw = lines[i];
      int column = raw.indexOf('=') + 1;
      while (column < raw.length() && Character.isWhitespace(raw.charAt(column))) {
        column++;
      }
      current.entries.put(key, new Entry(s.substring(eq + 1).strip(), lineNo, column + 1));
    }
    List<Hook> hooks = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    for (Section section : sections.values()) {
      Hook hook = section.toHook(warnings);
      if (hook != null) {
        hooks.add(hook);
      }
    }
    return new HooksFile(hooks, warnings);
  }

  private static String shown(String s) {
    return s.length() <= MAX_SHOWN ? s : s.substring(0, MAX_SHOWN) + "…";
  }

  /** A value, the line it is on and the column it starts at (1-based). */
  private record Entry(String value, int line, int column) {
  }

  private static final class Section {
    final String name;
    final int line;
    final Map<String, Entry> entries = new LinkedHashMap<>();

    Section(String name, int line) {
      this.name = name;
      this.line = line;
    }

    Hook toHook(List<String> warnings) throws HooksFileException {
      for (Map.Entry<String, Entry> e : entries.entrySet()) {
        if (!e.getKey().equals("events") && !e.getKey().equals("command")) {
          warnings.add("line " + e.getValue().line + ": unknown key '" + e.getKey() + "' in [" + name
            + "] ignored");
        }
      }
      Entry command = entries.get("command");
      List<String> words = List.of();
      if (command != null) {
        try {
          words = CommandLine.split(command.value);
        } catch (CommandLine.SyntaxException e) {
          throw new HooksFileException(command.line, "[" + name + "] command: " + e.reason() + " at column "
            + (command.column + e.index()));
        }
        if (!words.isEmpty() && words.get(0).isEmpty()) {
          throw new HooksFileException(command.line, "[" + name + "] command: the program name is empty");
        }
      }
      if (words.isEmpty()) {
        warnings.add("line " + line + ": [" + name + "] has no command, skipped");
        return null;
      }
      Entry events = entries.get("events");
      Set<String> ids = new LinkedHashSet<>();
      if (events != null) {
        for (String id : EVENT_SEPARATORS.split(events.value)) {
          if (!id.isEmpty()) {
            ids.add(id);
          }
        }
      }
      if (ids.isEmpty()) {
        warnings.add("line " + line + ": [" + name + "] has no events, skipped");
        return null;
      }
      boolean all = ids.remove(Hook.ALL);
      return new Hook(name, all, ids, words, line);
    }
  }
}
