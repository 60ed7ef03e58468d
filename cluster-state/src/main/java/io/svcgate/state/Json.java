package io.svcgate.state;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one Jackson configuration of svcgate.
 *
 * <p>Numbers with a fraction are kept as exact decimals and written in plain
 * notation, so a node's {@code 1764147001.2} is stored and served as sent, never as
 * {@code 1.7641470012E9}. Object members keep their insertion order. Short text
 * values are shared by value ({@link SharedTextNodes}). Reads are
 * bounded: nesting depth {@link #MAX_DEPTH}, strings {@link #MAX_STRING_LENGTH}
 * characters.
 */
public final class Json {

  /** Maximum JSON nesting depth of any input. */
  public static final int MAX_DEPTH = 64;
  /** Maximum length of one JSON string of any input, in characters. */
  public static final int MAX_STRING_LENGTH = 1 << 20;

  /** Thread-safe mapper; share it, never reconfigure it. */
  public static final ObjectMapper MAPPER = JsonMapper.builder(
          new com.fasterxml.jackson.core.JsonFactoryBuilder()
              .streamReadConstraints(StreamReadConstraints.builder()
                  .maxNestingDepth(MAX_DEPTH)
                  .maxStringLength(MAX_STRING_LENGTH)
                  .build())
              .build())
      .nodeFactory(new SharedTextNodes())
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
      .disable(SerializationFeature.INDENT_OUTPUT)
      .build();

  /** The node factory matching {@link #MAPPER}. */
  public static final JsonNodeFactory NODES = MAPPER.getNodeFactory();

  private Json() {
  }

  /**
   * Parses bytes into a tree; throws {@link JsonProcessingException} on anything that
   * is not one JSON value, and a {@link StreamConstraintsException} on a number whose
   * exponent no decimal can hold (such as {@code 1e+3111111111111}).
   */
  public static JsonNode parse(byte[] json) throws IOException {
    try {
      return MAPPER.readTree(json);
    } catch (NumberFormatException e) {
      throw numberOutOfRange(e);
    }
  }

  /** Parses a string into a tree; throws as {@link #parse(byte[])} does. */
  public static JsonNode parse(String json) throws JsonProcessingException {
    try {
      return MAPPER.readTree(json);
    } catch (NumberFormatException e) {
      throw numberOutOfRange(e);
    }
  }

  // Jackson reads a number's exponent into an int when it builds the BigDecimal and
  // throws a plain NumberFormatException beyond it: that is a size limit of the input.
  private static StreamConstraintsException numberOutOfRange(NumberFormatException e) {
    String m = e.getMessage() == null ? "" : e.getMessage();
    int cut = m.indexOf('"', m.indexOf('"') + 1);
    String value = cut > 0 ? m.substring(m.indexOf('"') + 1, Math.min(cut, m.indexOf('"') + 41)) : "";
    return new StreamConstraintsException("number " + (value.isEmpty() ? "" : value + (cut - m.indexOf('"') > 41 ? "… " : " "))
        + "is out of range: its exponent is too large");
  }

  /** Compact UTF-8 bytes of a tree. */
  public static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Compact string of a tree. */
  public static String compact(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Indented string of a tree, for people. */
  public static String pretty(JsonNode node) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
