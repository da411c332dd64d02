package dev.strobe.client.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Parses command-line durations: a number with a unit ({@code 500ms}, {@code 60s}, {@code 2m},
 * {@code 1h}; fractions allowed, e.g. {@code 1.5s}) or an ISO-8601 duration ({@code PT1M}).
 * Called by picocli on the main thread.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

  private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)");

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  /** Parses {@code value}; throws a picocli conversion error with a usable sentence otherwise. */
  public static Duration parse(String value) {
    String text = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
    Matcher m = SIMPLE.matcher(text);
    if (m.matches()) {
      double amount = Double.parseDouble(m.group(1));
      double nanosPerUnit = switch (m.group(2)) {
        case "ms" -> 1e6;
        case "s" -> 1e9;
        case "m" -> 60e9;
        default -> 3600e9;
      };
      return Duration.ofNanos(Math.round(amount * nanosPerUnit));
    }
    try {
      return Duration.parse(value.strip().toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException | NullPointerException e) {
      throw new CommandLine.TypeConversionException(
          "'" + value + "' is not a duration; write it like 500ms, 60s, 2m or 1h");
    }
  }
}
