package dev.strobe.pipeline.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.model.ClipBpeFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Expected ids come from the published merges file, by hand: a merged token's id is 512 + its
 * 0-based merge index (merge k is on line k + 2 of the unzipped file), a single byte symbol's id is
 * its position in bytes_to_unicode order ('!' = 0 ... '~' = 93, '¡' = 94 ...), + 256 with {@code </w>}.
 * The merge steps of multi-byte words are written out next to each case.
 */
class ClipTokenizerTest {
    private static final long START = 49406;
    private static final long END = 49407;
    // Single tokens, "merge #k 'x y'" = line k + 2 of bpe_simple_vocab_16e6.txt.
    private static final long A = 320; // "a</w>": byte 'a' (0x61 - 0x21 = 64) + 256
    private static final long PHOTO = 1125; // merge #613 'pho to</w>'
    private static final long OF = 539; // merge #27 'o f</w>'
    private static final long CAT = 2368; // merge #1856 'c at</w>'

    private static ClipBpeFiles files;
    private static ClipTokenizer clipL;
    private static ClipTokenizer clipG;

    @BeforeAll
    static void load() {
        files = ClipBpeFiles.builtin();
        clipL = ClipTokenizer.of(files, ClipTokenizer.PAD_CLIP_L);
        clipG = ClipTokenizer.of(files, ClipTokenizer.PAD_OPEN_CLIP_G);
    }

    /** start, the given ids, end, then padding to 77. */
    private static long[] row(long pad, long... tokens) {
        long[] ids = new long[77];
        Arrays.fill(ids, pad);
        ids[0] = START;
        System.arraycopy(tokens, 0, ids, 1, tokens.length);
        ids[1 + tokens.length] = END;
        return ids;
    }

    private static long[] bpe(String text) {
        TokenizedPrompt p = clipL.encode(text);
        return Arrays.copyOfRange(p.ids(), 1, 1 + Math.min(p.promptTokens(), 75));
    }

    @Test
    void referenceExampleWithEndOfTextPadding() {
        TokenizedPrompt p = clipL.encode("a photo of a cat");
        assertArrayEquals(row(END, A, PHOTO, OF, A, CAT), p.ids());
        assertEquals(5, p.promptTokens());
        assertFalse(p.truncated());
    }

    @Test
    void openClipPadsWithExclamationMarkIdZero() {
        long[] ids = clipG.encode("a photo of a cat").ids();
        assertArrayEquals(row(0, A, PHOTO, OF, A, CAT), ids);
        assertEquals(0, clipG.padId());
        assertEquals(END, clipL.padId());
    }

    @Test
    void upperCaseIsLowered() {
        assertArrayEquals(
                clipL.encode("a photo of a cat").ids(),
                clipL.encode("A PHOTO Of a CAT").ids());
    }

    @Test
    void contractionsAreTheirOwnPieces() {
        // it's -> "it" + "'s"; they're, we've, I'm, you'll, he'd, don't likewise.
        long[] expected = {
            585, 568, // merge #73 'i t</w>', merge #56 '' s</w>'
            889, 982, // merge #377 'the y</w>', merge #470 '' re</w>'
            649, 1200, // merge #137 'w e</w>', merge #688 '' ve</w>'
            328, 880, // "i</w>" byte 'i' (72) + 256, merge #368 '' m</w>'
            592, 1342, // merge #80 'yo u</w>', merge #830 '' ll</w>'
            797, 1896, // merge #285 'h e</w>', merge #1384 '' d</w>'
            847, 713, // merge #335 'd on</w>', merge #201 '' t</w>'
        };
        assertArrayEquals(expected, bpe("it's they're we've I'm you'll he'd don't"));
        // ftfy turns the typographic apostrophe into ' first.
        assertArrayEquals(new long[] {585, 568}, bpe("it\u2019s"));
    }

    @Test
    void everyDigitIsItsOwnPiece() {
        // '0' is byte 0x30, position 15 in bytes_to_unicode order; "0</w>" = 15 + 256.
        assertArrayEquals(new long[] {273, 271, 273, 275}, bpe("2024"));
    }

    @Test
    void punctuationRunIsOnePieceMergedByRank() {
        // "!!!" -> ! ! !</w>; pairs (! !) #931, (! !</w>) #236: merge #236 -> ! !!</w>;
        // then (! !!</w>) #483 -> "!!!</w>" = 512 + 483.
        assertArrayEquals(new long[] {995}, bpe("!!!"));
        // A single '!' is the byte symbol with </w>: position 0 + 256.
        assertArrayEquals(new long[] {256}, bpe("!"));
    }

    @Test
    void accentedLettersGiveTheSameIdsInNfcAndNfd() {
        // café = 63 61 66 C3 A9 -> c a f Ã ©</w>; merges by rank: #190 'a f', #2959 'c af',
        // #3654 'Ã ©</w>', #14792 'caf Ã©</w>' -> one token 512 + 14792.
        assertArrayEquals(new long[] {15304}, bpe("caf\u00e9"));
        assertArrayEquals(new long[] {15304}, bpe("cafe\u0301"));
    }

    @Test
    void cjkTextUsesMultiByteMerges() {
        // 東京 = E6 9D B1 E4 BA AC -> æ Ŀ ± ä º ¬</w>; ranks: (ä º) #20566 first, then (æ Ŀ) #27155,
        // then (æĿ ±) #47826; nothing joins "æĿ±", "äº", "¬</w>" further.
        // ¬ = byte 0xAC, position 105 -> "¬</w>" = 361.
        assertArrayEquals(new long[] {48338, 21078, 361}, bpe("東京"));
    }

    @Test
    void emojiIsASymbolPiece() {
        // 🐱 = F0 9F 90 B1 -> ð Ł Ĳ ±</w>; merges #46 'ð Ł', #1562 'ðŁ Ĳ', #22467 'ðŁĲ ±</w>'.
        assertArrayEquals(new long[] {22979}, bpe("\uD83D\uDC31"));
    }

    @Test
    void htmlEntitiesAreUnescaped() {
        // "tom & jerry": merge #1923 'to m</w>', '&' byte position 5 + 256, merge #8652 'jer ry</w>'.
        long[] expected = {2435, 261, 9164};
        assertArrayEquals(expected, bpe("Tom &amp; Jerry"));
        assertArrayEquals(expected, bpe("tom &amp;amp; jerry"));
        // &#39; is an apostrophe, so the contraction rule applies: "a" + "'s".
        assertArrayEquals(new long[] {A, 568}, bpe("a&#39;s"));
    }

    @Test
    void whitespaceRunsTabsAndNewlinesCollapse() {
        assertArrayEquals(new long[] {A, PHOTO, OF}, bpe("  a \t\n  photo\r\n\tof  "));
        assertArrayEquals(new long[] {A, PHOTO, OF}, bpe("a\u3000photo\u00a0of"));
    }

    @Test
    void fullWidthLettersBecomeAscii() {
        assertArrayEquals(new long[] {CAT}, bpe("\uFF23\uFF21\uFF34"));
    }

    @Test
    void typedSpecialTokensBecomeTheSpecialIds() {
        assertArrayEquals(new long[] {END}, bpe("<|endoftext|>"));
        assertArrayEquals(new long[] {START, CAT}, bpe("<|STARTOFTEXT|> cat"));
    }

    @Test
    void longPromptIsTruncatedTo75AndKeepsEndOfText() {
        TokenizedPrompt p = clipL.encode("a ".repeat(80));
        long[] expected = new long[77];
        expected[0] = START;
        Arrays.fill(expected, 1, 76, A);
        expected[76] = END;
        assertArrayEquals(expected, p.ids());
        assertEquals(80, p.promptTokens());
        assertTrue(p.truncated());
    }

    @Test
    void exactly75TokensFitWithoutTruncationOrPadding() {
        TokenizedPrompt p = clipG.encode("a ".repeat(75));
        assertFalse(p.truncated());
        assertEquals(75, p.promptTokens());
        assertEquals(END, p.id(76));
        assertTrue(LongStream.of(p.ids()).skip(1).limit(75).allMatch(id -> id == A));
    }

    @Test
    void emptyPromptIsStartEndAndPadding() {
        assertArrayEquals(row(0), clipG.encode("").ids());
        assertArrayEquals(row(END), clipL.encode(" \n\t ").ids());
        assertThrows(IllegalArgumentException.class, () -> clipL.encode(null));
    }

    @Test
    void tokensAreVocabularyStrings() {
        assertEquals(List.of("a</w>", "photo</w>", "of</w>", "a</w>", "cat</w>"), clipL.tokens("a photo of a cat"));
        assertEquals("cat</w>", clipL.token(CAT));
    }

    @Test
    void unknownPadTokenIsRefused() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ClipTokenizer.of(files, "<pad>"));
        assertTrue(e.getMessage().contains("<pad>"));
    }

    @Test
    void optimumFolderLayoutGivesTheSameIds(@TempDir Path dir) throws Exception {
        files.writeFolder(dir);
        ClipTokenizer fromFolder = ClipTokenizer.of(ClipBpeFiles.fromFolder(dir), "!");
        String prompt = "Tom &amp; Jerry, caf\u00e9 東京 \uD83D\uDC31 it's 2024!!!";
        assertEquals(clipG.encode(prompt), fromFolder.encode(prompt));
    }

    @Test
    void mismatchedVocabularyAndMergesAreRefused(@TempDir Path dir) throws Exception {
        files.writeFolder(dir);
        java.nio.file.Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\nq\u00e9 zz\n");
        ClipBpeFiles broken = ClipBpeFiles.fromFolder(dir);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClipTokenizer.of(broken, "!"));
        assertTrue(e.getMessage().contains("vocab.json"));
    }

    @Test
    void concurrentCallersGetTheSameIds() throws Exception {
        String[] prompts = {
            "a photo of a cat", "東京 at night, 4k", "it's a dog's life!!!", "caf\u00e9 \uD83D\uDC31", "a ".repeat(90)
        };
        long[][] expected = new long[prompts.length][];
        ClipTokenizer fresh = ClipTokenizer.of(files, ClipTokenizer.PAD_CLIP_L);
        for (int i = 0; i < prompts.length; i++) {
            expected[i] = fresh.encode(prompts[i]).ids();
        }
        ClipTokenizer shared = ClipTokenizer.of(files, ClipTokenizer.PAD_CLIP_L);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> {
                    for (int r = 0; r < 200; r++) {
                        for (int i = 0; i < prompts.length; i++) {
                            if (!Arrays.equals(
                                    expected[i], shared.encode(prompts[i]).ids())) {
                                return false;
                            }
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : results) {
                assertTrue(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
