package dev.strobe.pipeline.text;

/**
 * Python's {@code str.lower()}: each code point's full lower-case mapping (U+0130 becomes
 * "i\u0307"), and capital sigma becomes final sigma exactly when Python's rule says so
 * (preceded by a cased letter and not followed by one, skipping case-ignorable characters). The
 * JDK's {@code toLowerCase} decides final sigma differently around punctuation such as {@code "},
 * which would change token ids. Stateless.
 */
final class PythonLowerCase {
    private static final int CAPITAL_SIGMA = 0x03A3;
    private static final int CAPITAL_I_WITH_DOT = 0x0130;

    private PythonLowerCase() {}

    static String lower(String s) {
        StringBuilder out = null;
        int n = s.length();
        for (int i = 0; i < n; ) {
            int cp = s.codePointAt(i);
            int len = Character.charCount(cp);
            int lower;
            if (cp < 0x80) {
                lower = cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
            } else if (cp == CAPITAL_SIGMA) {
                lower = finalSigma(s, i) ? 0x03C2 : 0x03C3;
            } else {
                lower = Character.toLowerCase(cp);
            }
            if (out == null && (lower != cp || cp == CAPITAL_I_WITH_DOT)) {
                out = new StringBuilder(n + 8).append(s, 0, i);
            }
            if (out != null) {
                if (cp == CAPITAL_I_WITH_DOT) {
                    out.append("i\u0307");
                } else {
                    out.appendCodePoint(lower);
                }
            }
            i += len;
        }
        return out == null ? s : out.toString();
    }

    /** {@code \p{cased} \p{case-ignorable}* SIGMA !(\p{case-ignorable}* \p{cased})}. */
    private static boolean finalSigma(String s, int at) {
        int j = at;
        int before = -1;
        while (j > 0) {
            int cp = s.codePointBefore(j);
            j -= Character.charCount(cp);
            if (!isCaseIgnorable(cp)) {
                before = cp;
                break;
            }
        }
        if (before < 0 || !isCased(before)) {
            return false;
        }
        j = at + 1;
        while (j < s.length()) {
            int cp = s.codePointAt(j);
            j += Character.charCount(cp);
            if (!isCaseIgnorable(cp)) {
                return !isCased(cp);
            }
        }
        return true;
    }

    /** Unicode's Cased property: Lowercase, Uppercase or titlecase letter. */
    static boolean isCased(int cp) {
        return Character.isLowerCase(cp) || Character.isUpperCase(cp) || Character.isTitleCase(cp);
    }

    /**
     * Unicode's Case_Ignorable: marks (Mn, Me), format characters (Cf), modifier letters and
     * symbols (Lm, Sk), and the Word_Break MidLetter, MidNumLet and Single_Quote characters.
     */
    static boolean isCaseIgnorable(int cp) {
        switch (Character.getType(cp)) {
            case Character.NON_SPACING_MARK,
                    Character.ENCLOSING_MARK,
                    Character.FORMAT,
                    Character.MODIFIER_LETTER,
                    Character.MODIFIER_SYMBOL -> {
                return true;
            }
            default -> {
                return switch (cp) {
                    case '\'',
                            '.',
                            ':',
                            0x00B7,
                            0x0387,
                            0x055F,
                            0x05F4,
                            0x2018,
                            0x2019,
                            0x2024,
                            0x2027,
                            0xFE13,
                            0xFE52,
                            0xFE55,
                            0xFF07,
                            0xFF0E,
                            0xFF1A -> true;
                    default -> false;
                };
            }
        }
    }
}
