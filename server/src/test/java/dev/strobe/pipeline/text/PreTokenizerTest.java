package dev.strobe.pipeline.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hand-checked cases of the scanner; every BMP code point is compared with the real pattern (the
 * regex package) in {@link PreTokenizerFixtureTest}.
 */
class PreTokenizerTest {
    private static List<String> scan(String s) {
        List<String> out = new ArrayList<>();
        PreTokenizer.split(s, out::add);
        return out;
    }

    @Test
    void examples() {
        assertEquals(
                List.of("it", "'s", "a", "2", "0", "2", "4", "!!!", "<|endoftext|>"),
                scan("it's a 2024!!! <|endoftext|>"));
        // A punctuation run swallows a following '<': the special token is only seen at a piece start.
        assertEquals(List.of("!<|", "endoftext", "|>"), scan("!<|endoftext|>"));
        assertEquals(List.of("'", "x", "'re", "'ll", "'d", "'m", "'t", "'ve"), scan("'x 're 'll 'd 'm 't 've"));
        assertEquals(List.of("café", "東京", "\uD83D\uDC31\uD83D\uDC4D"), scan("café 東京 \uD83D\uDC31\uD83D\uDC4D"));
    }

    @Test
    void longSMatchesSCaseInsensitivelyLikeTheReference() {
        assertEquals(List.of("'\u017f"), scan("'\u017f"));
        assertEquals(List.of("<|\u017ftartoftext|>"), scan("<|\u017ftartoftext|>"));
    }

    @Test
    void ypogegrammeniIsDroppedLikeTheReference() {
        // Python's regex module (IGNORECASE) matches U+0345 with no alternative.
        assertEquals(List.of("a", "b"), scan("a\u0345b"));
    }
}
