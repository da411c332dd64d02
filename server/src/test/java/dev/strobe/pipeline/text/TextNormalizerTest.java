package dev.strobe.pipeline.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The clean-up of OpenAI's reference tokenizer, one ftfy / html rule per case. */
class TextNormalizerTest {
    private static TextNormalizer normalizer;

    @BeforeAll
    static void create() {
        normalizer = new TextNormalizer();
    }

    private static void check(String expected, String input) {
        assertEquals(expected, normalizer.normalize(input), () -> "input " + input);
    }

    @Test
    void curlyQuotesBecomeStraight() {
        check("\"hello\" 'world'", "\u201cHello\u201d \u2018world\u2019");
    }

    @Test
    void latinLigaturesAreSplit() {
        check("fine flow", "\ufb01ne \ufb02ow");
    }

    @Test
    void fullWidthFormsAndIdeographicSpaceBecomeAscii() {
        check("abc 123", "\uff21\uff22\uff23\u3000\uff11\uff12\uff13");
    }

    @Test
    void invisibleControlCharactersAreRemovedButZeroWidthSpaceStays() {
        check("xyz\u200b", "x\u0000y\u0007z\u200b");
    }

    @Test
    void c1ControlsAreReadAsWindows1252() {
        // 0x93/0x94 are curly double quotes in Windows-1252, then uncurled.
        check("\"quoted\"", "\u0093quoted\u0094");
    }

    @Test
    void terminalEscapesAreRemoved() {
        check("red", "\u001b[31mred\u001b[0m");
    }

    @Test
    void combiningSequencesAreComposed() {
        check("\u00e9", "e\u0301");
    }

    @Test
    void namedAndNumericEntitiesFollowPythonsHtmlRules() {
        check("a b", "a&nbsp;b"); // no-break space, then whitespace collapse
        check("&xyz", "&ampxyz"); // legacy "&amp" without ';' matched as the longest prefix
        check("\ud83d\ude00", "&#x1F600;");
        check("\ufffd", "&#0;");
        check("\u2013", "&#150;"); // 150 is an en dash in Windows-1252
        check("\u00e9", "&EACUTE;"); // ftfy decodes upper-cased names
    }

    @Test
    void ftfyUnescapesRepeatedlyUnlessTheTextLooksLikeHtml() {
        check("&", "&amp;amp;amp;amp;");
        check("a b < c", "a b &amp;amp;lt; c");
        // With a literal '<', ftfy leaves entities alone and only html.unescape runs, twice.
        check("a<b &lt; c", "a<b &amp;amp;lt; c");
    }

    @Test
    void lineBreaksTabsAndRunsOfSpacesBecomeOneSpace() {
        check("line1 line2 line3", "line1\r\nline2\u2028line3");
        check("tab here", "tab\there");
        check("lead and trail", "  lead and trail  ");
    }

    @Test
    void lowerCasingFollowsUnicodeIncludingSpecialCases() {
        check("i\u0307", "\u0130"); // dotted capital I
        check("\u03bf\u03b4\u03bf\u03c2", "\u039f\u0394\u039f\u03a3"); // final sigma
    }

    @Test
    void finalSigmaFollowsPythonsContextRule() {
        // Final only after a cased letter (skipping case-ignorable characters such as '.' and ')
        // and not before one. '"' is neither cased nor case-ignorable, so no final form after it.
        check("\"quoted\"\u03c3 x", "\"quoted\"\u03a3 x");
        check("a\u03c2.", "a\u03a3.");
        check("a\u03c3'b", "a\u03a3'b");
        check("t\u03c21", "t\u03a31");
        check("\u03c3", "\u03a3");
    }

    @Test
    void loneSurrogatesBecomeReplacementCharacters() {
        check("\ud83d\ude00 \ufffd", "\ud83d\ude00 \ud83d");
    }
}
