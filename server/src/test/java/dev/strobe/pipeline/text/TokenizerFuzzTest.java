package dev.strobe.pipeline.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.strobe.model.ClipBpeFiles;
import java.util.List;

/**
 * Fuzzes the text normalizer and the CLIP tokenizer with any string. Properties: nothing throws;
 * the row has exactly 77 ids, starts with start-of-text, keeps at most 75 prompt tokens, ends
 * them with end-of-text and pads the rest; every id is in the vocabulary; the row holds the first
 * tokens of {@link ClipTokenizer#tokens} in order, and the counts agree (promptTokens, truncated).
 * In {@code mvn verify} the seeds under {@code TokenizerFuzzTestInputs/} replay; {@code .ci/harden.sh}
 * fuzzes with -Dstrobe.fuzz=true (the build ignores a JAZZER_FUZZ environment variable).
 */
class TokenizerFuzzTest {
    private static final ClipBpeFiles FILES = ClipBpeFiles.builtin();
    private static final ClipTokenizer CLIP_L = ClipTokenizer.of(FILES, ClipTokenizer.PAD_CLIP_L);

    @FuzzTest(maxDuration = "30s")
    void anyTextTokenizesToAValidRow(String text) {
        if (text == null) {
            return; // refused by contract ("send an empty string"); the service never passes null
        }
        TokenizedPrompt p = CLIP_L.encode(text);
        long[] ids = p.ids();
        assertEquals(77, ids.length);
        List<String> tokens = CLIP_L.tokens(text);
        assertEquals(tokens.size(), p.promptTokens());
        assertEquals(tokens.size() > 75, p.truncated());
        int kept = Math.min(75, tokens.size());
        assertEquals(ClipBpeFiles.START, CLIP_L.token(ids[0]));
        for (int k = 0; k < kept; k++) {
            assertEquals(tokens.get(k), CLIP_L.token(ids[1 + k]), "token " + k + " of " + text);
        }
        assertEquals(ClipBpeFiles.END, CLIP_L.token(ids[1 + kept]));
        for (int i = 2 + kept; i < 77; i++) {
            assertEquals(CLIP_L.padId(), ids[i]);
        }
        for (long id : ids) {
            assertNotNull(CLIP_L.token(id), "id " + id + " is in the vocabulary");
        }
    }

    @FuzzTest(maxDuration = "30s")
    void normalizingNeverThrows(String text) {
        if (text == null) {
            return;
        }
        String n = new TextNormalizer().normalize(text);
        assertNotNull(n);
    }
}
