package dev.strobe.client.cli;

import picocli.CommandLine;

/**
 * Parses an unsigned 64-bit decimal (a seed: 0 .. 18446744073709551615) into a {@code long} holding
 * the same bits. Called by picocli on the main thread.
 */
public final class UnsignedLongConverter implements CommandLine.ITypeConverter<Long> {

    @Override
    public Long convert(String value) {
        try {
            return Long.parseUnsignedLong(value.strip());
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException(
                    "'" + value + "' is not a seed; use a whole number from 0 to 18446744073709551615");
        }
    }
}
