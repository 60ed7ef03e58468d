package io.svcgate.state.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "1s        | 1000",
      "500ms     | 500",
      "1m30s     | 90000",
      "1m 30s    | 90000",
      "2h        | 7200000",
      "1d        | 86400000",
      "1w        | 604800000",
      "10        | 10000",
      "0         | 0",
      "0s        | 0",
      "30s1m     | 90000",
      "1M30S     | 90000",
      "500MS     | 500",
      "1H        | 3600000",
      "1D1W      | 691200000",
      "1m1m      | 120000",
      "\" 1h 5m \" | 3900000",
      "1w2d3h4m5s6ms | 788645006",
      "007       | 7000",
  })
  void valid(String text, long millis) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "\"\"      | 0 | empty duration",
      "\"   \"   | 3 | empty duration",
      "10x       | 2 | unknown unit 'x': expected ms, s, m, h, d or w",
      "1h5       | 3 | the number 5 needs a unit",
      "-1h       | 0 | signs are not allowed",
      "+1h       | 0 | signs are not allowed",
      "-5        | 0 | signs are not allowed",
      "1.5       | 1 | fractions are not allowed",
      "1.5h      | 1 | fractions are not allowed",
      "1,5s      | 1 | fractions are not allowed",
      "1_000     | 1 | underscores are not allowed",
      "h         | 0 | expected a number, got 'h'",
      "1 h       | 1 | the number 1 needs a unit right after it",
      "5 10      | 1 | the number 5 needs a unit",
      "1hours    | 1 | unknown unit 'hours'",
      "1sec      | 1 | unknown unit 'sec'",
      "1h-5m     | 2 | signs are not allowed",
      "1h/2      | 2 | expected a number, got '/'",
      "1/2       | 1 | expected a unit (ms, s, m, h, d or w) after 1, got '/'",
      "99999999999999999999 | 0 | duration too large",
      "99999999999999w | 0 | duration too large",
  })
  void invalid(String text, int position, String message) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(DurationSyntaxException.class)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at position " + position + ": ")
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(((DurationSyntaxException) e).position()).isEqualTo(position));
  }

  @ParameterizedTest
  @ValueSource(strings = {"1h5", "10x", "-1h", "1.5"})
  void specInvalidExamples(String text) {
    assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(DurationSyntaxException.class)
        .hasMessageStartingWith("invalid duration '" + text + "'");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "0      | 0s",
      "500    | 500ms",
      "1000   | 1s",
      "90000  | 1m30s",
      "7200000 | 2h",
      "788645006 | 1w2d3h4m5s6ms",
  })
  void format(long millis, String text) {
    assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(text);
  }

  @Property
  void formatParsesBack(@ForAll @LongRange(min = 0, max = 10L * 365 * 24 * 3600 * 1000) long millis) {
    Duration d = Duration.ofMillis(millis);
    assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
  }

  @Property
  void formatDropsBelowAMillisecond(@ForAll @LongRange(min = 0, max = 1_000_000_000_000L) long nanos) {
    Duration d = Duration.ofNanos(nanos);
    assertThat(Durations.parse(Durations.format(d))).isEqualTo(Duration.ofMillis(d.toMillis()));
  }
}
