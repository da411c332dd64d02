package dev.strobe.pipeline.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.strobe.pipeline.fidelity.FidelityFixture;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * strobe's {@link PythonLowerCase} and {@link PreTokenizer} against Python's {@code str.lower()}
 * and CLIP's pattern run by the {@code regex} package, for every BMP code point in a context, from
 * {@code fidelity/pretokenizer.json.gz} (written by {@code reference/fidelity/pretokenizer.py}).
 */
class PreTokenizerFixtureTest {

    private static String context(char c) {
        return "a" + c + "1" + c + c + " " + c + "'s" + c + "<|endoftext|>" + c + "'" + c;
    }

    private static String spans(String text) {
        StringBuilder b = new StringBuilder();
        int[] at = {0};
        PreTokenizer.split(text, piece -> {
            int start = text.indexOf(piece, at[0]);
            at[0] = start + piece.length();
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(start).append('-').append(at[0]);
        });
        return b.toString();
    }

    @Test
    void everyBmpCodePointLowersAndSplitsLikePythonAndTheRegexPackage() {
        FidelityFixture fixture = FidelityFixture.load("pretokenizer.json.gz");
        JsonObject lowered = fixture.root().getAsJsonObject("lowered");
        JsonArray pieces = fixture.root().getAsJsonArray("pieces");
        List<String> differ = new ArrayList<>();
        int compared = 0;
        for (int cp = 0; cp < 0x10000; cp++) {
            JsonElement expected = pieces.get(cp);
            if (expected.isJsonNull()) {
                continue; // surrogates
            }
            String text = context((char) cp);
            JsonElement low = lowered.get(Integer.toString(cp));
            String expectedLow = low == null ? text : low.getAsString();
            String ours = PythonLowerCase.lower(text);
            compared++;
            if (!ours.equals(expectedLow) || !spans(ours).equals(expected.getAsString())) {
                differ.add(String.format("U+%04X", cp));
                // Java 17 has Unicode 13; Python and regex know later characters.
                assertEquals(
                        Character.UNASSIGNED,
                        Character.getType(cp),
                        String.format(
                                "U+%04X (assigned in Java's Unicode 13) vs %s: lowered %s, pieces %s vs %s",
                                cp, fixture.source("regex"), ours.equals(expectedLow), spans(ours), expected));
            }
        }
        System.out.printf(
                "pre-tokenizer: %d BMP code points, %d differ (all unassigned in Java %s): %s%n",
                compared, differ.size(), Runtime.version().feature(), differ);
        assertEquals(0x10000 - 0x800, compared);
        assertTrue(differ.size() < 200, differ.size() + " code points differ");
    }
}
