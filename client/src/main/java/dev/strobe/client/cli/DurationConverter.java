package dev.strobe.client.cli;

import dev.strobe.api.Durations;
import java.time.Duration;
import picocli.CommandLine;

/** picocli's adapter to the shared duration syntax ({@link Durations}); called on the main thread. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    /** Parses {@code value}; throws a picocli conversion error with a usable sentence otherwise. */
    public static Duration parse(String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
