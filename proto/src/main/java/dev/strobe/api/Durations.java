package dev.strobe.api;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration syntax of every strobe program (server options, environment variables, config
 * files, the HTTP timeout header, client and load-driver flags): a non-negative number with a unit,
 * {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, fractions allowed ({@code 1.5s}), or an
 * ISO-8601 duration ({@code PT30S}). Stateless.
 */
public final class Durations {
    private static final Pattern SIMPLE = Pattern.compile("(\\d{1,12}(?:\\.\\d{1,9})?)\\s*(ms|s|m|h)");

    private Durations() {}

    /**
     * Parses {@code value}.
     *
     * @throws IllegalArgumentException with a sentence saying how to write a duration
     */
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
        if (text.startsWith("pt") || text.startsWith("p")) {
            try {
                Duration d = Duration.parse(text.toUpperCase(Locale.ROOT));
                if (!d.isNegative()) {
                    return d;
                }
            } catch (DateTimeParseException e) {
                // fall through to the sentence below
            }
        }
        throw new IllegalArgumentException("'" + value + "' is not a duration; write it like 500ms, 1.5s, 2m or 1h");
    }
}
