package io.svcgate.gateway.cli;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --format}: for people (the default) or JSON for programs. */
enum OutputFormat {
  HUMAN, JSON;

  /** Reads {@code human} or {@code json}, in any case. */
  static final class Converter implements ITypeConverter<OutputFormat> {
    @Override
    public OutputFormat convert(String value) {
      return switch (value.trim().toLowerCase(Locale.ROOT)) {
        case "human" -> HUMAN;
        case "json" -> JSON;
        default -> throw new TypeConversionException("expected human or json, got '" + value + "'");
      };
    }
  }
}
