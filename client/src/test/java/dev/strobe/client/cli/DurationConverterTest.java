package dev.strobe.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DurationConverterTest {

    @Test
    void parsesNumbersWithUnits() {
        assertEquals(Duration.ofMillis(500), DurationConverter.parse("500ms"));
        assertEquals(Duration.ofSeconds(60), DurationConverter.parse("60s"));
        assertEquals(Duration.ofMillis(1500), DurationConverter.parse("1.5s"));
        assertEquals(Duration.ofMinutes(2), DurationConverter.parse("2m"));
        assertEquals(Duration.ofHours(1), DurationConverter.parse("1H"));
        assertEquals(Duration.ofSeconds(90), DurationConverter.parse("PT1M30S"));
    }

    @Test
    void rejectsTextThatIsNoDuration() {
        CommandLine.TypeConversionException e =
                assertThrows(CommandLine.TypeConversionException.class, () -> DurationConverter.parse("soon"));
        assertTrue(e.getMessage().contains("500ms, 1.5s, 2m or 1h"), e.getMessage());
        assertThrows(CommandLine.TypeConversionException.class, () -> DurationConverter.parse("10"));
    }
}
