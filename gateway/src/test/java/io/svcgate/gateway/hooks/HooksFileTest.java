package io.svcgate.gateway.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class HooksFileTest {

  @Test
  void readsTheExampleOfTheSpec() throws Exception {
    HooksFile f = HooksFile.parse(String.join("\n",
      "[hook#1]",
      "events = node_freeze node_thaw",
      "command = /usr/local/bin/on_freeze --notify ops",
      "",
      "[hook#2]",
      "events = all",
      "command = /root/on_event"));
    assertThat(f.warnings()).isEmpty();
    assertThat(f.hooks()).hasSize(2);
    Hook h1 = f.hooks().get(0);
    assertThat(h1.name()).isEqualTo("hook#1");
    assertThat(h1.all()).isFalse();
    assertThat(h1.events()).containsExactlyInAnyOrder("node_freeze", "node_thaw");
    assertThat(h1.command()).containsExactly("/usr/local/bin/on_freeze", "--notify", "ops");
    assertThat(h1.line()).isEqualTo(1);
    Hook h2 = f.hooks().get(1);
    assertThat(h2.all()).isTrue();
    assertThat(h2.events()).isEmpty();
    assertThat(h2.line()).isEqualTo(5);
  }

  @Test
  void eventsAreSplitOnSpacesCommasOrBoth() throws Exception {
    HooksFile f = HooksFile.parse("[hook#1]\nevents = a,b , c,,d\te  f,\ncommand = x\n");
    assertThat(f.hooks().get(0).events()).containsExactlyInAnyOrder("a", "b", "c", "d", "e", "f");
  }

  @Test
  void allAmongOtherIdsMeansAll() throws Exception {
    Hook h = HooksFile.parse("[hook#1]\nevents = node_freeze, all\ncommand = x\n").hooks().get(0);
    assertThat(h.all()).isTrue();
    assertThat(h.triggeredBy("anything")).isTrue();
  }

  @Test
  void eachEventRunsEachDistinctCommandOnceInFileOrder() throws Exception {
    HooksFile f = HooksFile.parse(String.join("\n",
      "[hook#1]", "events = a b", "command = /bin/x 1",
      "[hook#2]", "events = all", "command = /bin/y",
      "[hook#3]", "events = b,c", "command = /bin/x   '1'",
      "[hook#4]", "events = c", "command = /bin/z"));
    assertThat(f.commandsFor("a")).containsExactly(List.of("/bin/x", "1"), List.of("/bin/y"));
    assertThat(f.commandsFor("b")).containsExactly(List.of("/bin/x", "1"), List.of("/bin/y"));
    assertThat(f.commandsFor("c")).containsExactly(List.of("/bin/y"), List.of("/bin/x", "1"), List.of("/bin/z"));
    assertThat(f.commandsFor("other")).containsExactly(List.of("/bin/y"));
    assertThat(HooksFile.EMPTY.commandsFor("a")).isEmpty();
  }

  @Test
  void commentsOtherSectionsAndKeysOutsideSectionsAreIgnored() throws Exception {
    HooksFile f = HooksFile.parse(String.join("\r\n",
      "\uFEFF# node.conf",
      "top = level",
      "; another comment",
      "[node]",
      "  env = PRD",
      "[DEFAULT]",
      "events = all",
      "[ hook#a ]",
      "  EVENTS = x",
      "  Command = /bin/echo # not a comment",
      "[cluster]",
      "command = /bin/false",
      ""));
    assertThat(f.warnings()).isEmpty();
    assertThat(f.hooks()).singleElement().satisfies(h -> {
      assertThat(h.name()).isEqualTo("hook#a");
      assertThat(h.events()).containsExactly("x");
      assertThat(h.command()).containsExactly("/bin/echo", "#", "not", "a", "comment");
    });
  }

  @Test
  void aSectionWithoutCommandOrEventsIsSkippedWithAWarning() throws Exception {
    HooksFile f = HooksFile.parse(String.join("\n",
      "[hook#1]", "events = a",
      "[hook#2]", "events = a", "command =   ",
      "[hook#3]", "command = /bin/x",
      "[hook#4]", "events = , ,", "command = /bin/x",
      "[hook#5]", "events = a", "command = /bin/ok", "comand = typo"));
    assertThat(f.hooks()).extracting(Hook::name).containsExactly("hook#5");
    assertThat(f.warnings()).containsExactly(
      "line 1: [hook#1] has no command, skipped",
      "line 3: [hook#2] has no command, skipped",
      "line 6: [hook#3] has no events, skipped",
      "line 8: [hook#4] has no events, skipped",
      "line 14: unknown key 'comand' in [hook#5] ignored");
  }

  @Test
  void commandWordsAreSplitLikeAPosixShell() {
    assertThat(CommandLine.split("  /bin/prog  a\tb  ")).containsExactly("/bin/prog", "a", "b");
    assertThat(CommandLine.split("x 'two words' \"dq \\\"x\\\" \\$HOME \\n\" back\\ slash '' \"\"")).containsExactly(
      "x", "two words", "dq \"x\" $HOME \\n", "back slash", "", "");
    assertThat(CommandLine.split("a'b c'\"d\"e")).containsExactly("ab cde");
    assertThat(CommandLine.split("$HOME ~ * a|b ; > f # c")).containsExactly(
      "$HOME", "~", "*", "a|b", ";", ">", "f", "#", "c");
    assertThat(CommandLine.split("'it'\\''s'")).containsExactly("it's");
    assertThat(CommandLine.split("   ")).isEmpty();
  }

  @Property(tries = 300)
  void quotingRoundTrips(@ForAll @Size(max = 5) List<String> words) {
    assertThat(CommandLine.split(CommandLine.join(words))).isEqualTo(words);
  }

  @Test
  void malformedFilesSayTheLineAndWhatIsWrong() {
    assertError("[hook#1\nevents = a", 1, "line 1: a section header must end with ']': [hook#1");
    assertError("# c\n[]\n", 2, "line 2: empty section name: []");
    assertError("[a]]\n", 1, "line 1: a section name cannot hold '[' or ']': [a]]");
    assertError("[hook#1]\nevents a b\n", 2,
      "line 2: expected 'key = value', a [section] header or a comment, got: events a b");
    assertError("[x]\n = value\n", 2, "line 2: a key is missing before '=': = value");
    assertError("[hook#1]\nevents = a\nEvents = b\ncommand = x\n", 3,
      "line 3: duplicate key 'events' in [hook#1] (first at line 2)");
    assertError("[hook#1]\nevents = a\ncommand = x\n[hook#1]\n", 4,
      "line 4: duplicate section [hook#1] (first at line 1)");
    assertError("[hook#]\n", 1, "line 1: a hook section needs a name after 'hook#', e.g. [hook#1]: [hook#]");
    assertError("[hook]\n", 1, "line 1: a hook section needs a name after 'hook#', e.g. [hook#1]: [hook]");
    assertError("[hook#1]\nevents = a\ncommand = /bin/x 'oops\n", 3,
      "line 3: [hook#1] command: unterminated single quote at column 18");
    assertError("[hook#1]\nevents = a\ncommand = /bin/x \"oops\n", 3,
      "line 3: [hook#1] command: unterminated double quote at column 18");
    assertError("[hook#1]\nevents = a\ncommand = /bin/x \\\n", 3,
      "line 3: [hook#1] command: a backslash at the end escapes nothing at column 18");
    assertError("[hook#1]\nevents = a\ncommand = '' x\n", 3, "line 3: [hook#1] command: the program name is empty");
  }

  @Test
  void bytesMustBeUtf8AndNotHuge() {
    assertThatThrownBy(() -> HooksFile.parse(new byte[] {'[', (byte) 0xff, ']'}))
      .isInstanceOf(HooksFileException.class).hasMessage("not valid UTF-8 text");
    byte[] big = "#".repeat(HooksFile.MAX_BYTES + 1).getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> HooksFile.parse(big))
      .isInstanceOf(HooksFileException.class).hasMessage("larger than 1048576 bytes");
  }

  private static void assertError(String text, int line, String message) {
    assertThatThrownBy(() -> HooksFile.parse(text))
      .isInstanceOfSatisfying(HooksFileException.class, e -> assertThat(e.line()).isEqualTo(line))
      .hasMessage(message);
  }
}
