package dev.strobe.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The one duration syntax of server options, headers and client flags. */
class DurationsTest {

    @ParameterizedTest
    @CsvSource({
        "500ms, 500000000",
        "1.5s, 1500000000",
        "30s, 30000000000",
        "2m, 120000000000",
        "1H, 3600000000000",
        "PT1M30S, 90000000000",
        "' 0ms ', 0",
        "0.25ms, 250000"
    })
    void readsUnitsFractionsAndIso8601(String text, long nanos) {
        assertEquals(Duration.ofNanos(nanos), Durations.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"soon", "10", "-5s", "5 minutes", "PT-1S", "", "1e3s", "99999999999999s"})
    void refusesAnythingElseWithASentence(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
        assertTrue(e.getMessage().contains("write it like 500ms, 1.5s, 2m or 1h"), e.getMessage());
    }
}
