package dev.strobe.pipeline.text;

import java.util.function.Consumer;

/**
 * CLIP's pre-tokenizer, the pattern
 * {@code <\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+}
 * (case-insensitive), as a hand-written scanner: at each position the first alternative that
 * matches wins, whitespace between pieces is skipped. It runs on lower-cased text, where the only
 * case-insensitive match left is the long s {@code ſ} (U+017F) standing for {@code s}. About ten
 * times faster than {@link java.util.regex.Pattern} with Unicode case folding.
 *
 * <p>Stateless; any thread.
 */
final class PreTokenizer {
    private static final String START = "<|startoftext|>";
    private static final String END = "<|endoftext|>";
    private static final char LONG_S = '\u017f';
    private static final int YPOGEGRAMMENI = 0x0345;

    private PreTokenizer() {}

    /** Calls {@code sink} with each piece of {@code text}, in order. */
    static void split(String text, Consumer<String> sink) {
        int n = text.length();
        int i = 0;
        while (i < n) {
            int cp = text.codePointAt(i);
            int end;
            if (cp == '<' && (end = matchSpecial(text, i)) > 0) {
                sink.accept(text.substring(i, end));
                i = end;
            } else if (cp == '\'' && (end = matchContraction(text, i)) > 0) {
                sink.accept(text.substring(i, end));
                i = end;
            } else if (Character.isLetter(cp)) {
                end = i + Character.charCount(cp);
                while (end < n) {
                    int c = text.codePointAt(end);
                    if (!Character.isLetter(c)) {
                        break;
                    }
                    end += Character.charCount(c);
                }
                sink.accept(text.substring(i, end));
                i = end;
            } else if (isNumber(cp)) {
                end = i + Character.charCount(cp);
                sink.accept(text.substring(i, end));
                i = end;
            } else if (isSkipped(cp)) {
                i += Character.charCount(cp);
            } else {
                end = i + Character.charCount(cp);
                while (end < n) {
                    int c = text.codePointAt(end);
                    if (isSkipped(c) || Character.isLetter(c) || isNumber(c)) {
                        break;
                    }
                    end += Character.charCount(c);
                }
                sink.accept(text.substring(i, end));
                i = end;
            }
        }
    }

    /** End of a special token at {@code i}, or -1. */
    private static int matchSpecial(String t, int i) {
        if (t.startsWith(END, i)) {
            return i + END.length();
        }
        // "<|", then 's' or 'ſ', then "tartoftext|>"
        if (t.length() - i >= START.length()
                && t.charAt(i + 1) == '|'
                && isS(t.charAt(i + 2))
                && t.startsWith(START.substring(3), i + 3)) {
            return i + START.length();
        }
        return -1;
    }

    /** End of 's 't 're 've 'm 'll 'd at {@code i} (an apostrophe), or -1. */
    private static int matchContraction(String t, int i) {
        int n = t.length();
        if (i + 1 >= n) {
            return -1;
        }
        char a = t.charAt(i + 1);
        if (isS(a) || a == 't' || a == 'm' || a == 'd') {
            return i + 2;
        }
        if (i + 2 < n) {
            char b = t.charAt(i + 2);
            if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) {
                return i + 3;
            }
        }
        return -1;
    }

    private static boolean isS(char c) {
        return c == 's' || c == LONG_S;
    }

    /** {@code \p{N}}: decimal digits, letter numbers and other numbers. */
    static boolean isNumber(int cp) {
        int type = Character.getType(cp);
        return type == Character.DECIMAL_DIGIT_NUMBER
                || type == Character.LETTER_NUMBER
                || type == Character.OTHER_NUMBER;
    }

    /**
     * Characters no alternative matches: {@code \s} of Python's regex module (Unicode White_Space
     * without U+001C..U+001F), and U+0345 COMBINING GREEK YPOGEGRAMMENI, which case-folds to the
     * letter iota, so the case-insensitive {@code [^\s\p{L}\p{N}]} rejects it while
     * {@code [\p{L}]} does not accept it either: the reference drops it.
     */
    static boolean isSkipped(int cp) {
        return cp < 0x10000 && (TextNormalizer.isRegexSpace((char) cp) || cp == YPOGEGRAMMENI);
    }
}
