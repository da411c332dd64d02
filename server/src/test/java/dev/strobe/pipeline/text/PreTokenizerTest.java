package dev.strobe.pipeline.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The scanner against CLIP's pattern itself, run by java.util.regex as the oracle. */
class PreTokenizerTest {
    private static final String WHITESPACE =
            "\\t\\n\\x0B\\f\\r \\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}"
                    + "\\x{202F}\\x{205F}\\x{3000}";
    private static final Pattern CLIP = Pattern.compile(
            "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]"
                    + "|[^" + WHITESPACE + "\\p{L}\\p{N}]+",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);

    private static List<String> oracle(String s) {
        List<String> out = new ArrayList<>();
        Matcher m = CLIP.matcher(s);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    private static List<String> scan(String s) {
        List<String> out = new ArrayList<>();
        PreTokenizer.split(s, out::add);
        return out;
    }

    @Test
    void examples() {
        assertEquals(List.of("it", "'s", "a", "2", "0", "2", "4", "!!!", "<|endoftext|>"),
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

    @Test
    void everyBmpCharacterInContextAgreesWithThePattern() {
        for (int cp = 0; cp < 0x10000; cp++) {
            if (Character.isSurrogate((char) cp) || cp == 0x0345) {
                continue;
            }
            String c = String.valueOf((char) cp);
            String s = "a" + c + "1" + c + c + " " + c + "'s" + c + "<|endoftext|>" + c;
            int code = cp;
            assertEquals(oracle(s), scan(s), () -> "U+" + Integer.toHexString(code));
        }
    }

    @Test
    void randomMixturesAgreeWithThePattern() {
        String[] parts = {"a", "Z", "é", "東", "1", "٣", "½", "Ⅻ", " ", "\t", "\u3000", "\u00a0", "'",
            "'s", "'ll", "'re", "'ve", "'d", "'m", "'t", "<", "|", ">", "<|endoftext|>",
            "<|startoftext|>", "!", "...", "\u0301", "\u200b", "\uD83D\uDC31", "\uD835\uDC00",
            "\uD800\uDC00", "-", "_"};
        Random r = new Random(3);
        for (int i = 0; i < 20000; i++) {
            StringBuilder b = new StringBuilder();
            int n = r.nextInt(20);
            for (int k = 0; k < n; k++) {
                b.append(parts[r.nextInt(parts.length)]);
            }
            String s = b.toString();
            assertEquals(oracle(s), scan(s), s);
        }
    }
}
