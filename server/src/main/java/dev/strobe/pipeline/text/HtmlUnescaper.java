package dev.strobe.pipeline.text;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The two HTML-entity decoders the reference CLIP tokenizer runs: Python's {@code html.unescape}
 * (applied twice by CLIP's {@code basic_clean}) and ftfy's stricter {@code unescape_html} fixer
 * (only {@code &name;} and {@code &#...;} with the semicolon, plus upper-cased names such as
 * {@code &EACUTE;}).
 *
 * <p>Immutable; called by {@link TextNormalizer} on any thread.
 */
final class HtmlUnescaper {
    /** Windows-1252 meanings of the C1 code points 0x80..0x9F; undefined bytes keep their C1 value. */
    static final char[] WINDOWS_1252_C1 = {
        '\u20ac', '\u0081', '\u201a', '\u0192', '\u201e', '\u2026', '\u2020', '\u2021',
        '\u02c6', '\u2030', '\u0160', '\u2039', '\u0152', '\u008d', '\u017d', '\u008f',
        '\u0090', '\u2018', '\u2019', '\u201c', '\u201d', '\u2022', '\u2013', '\u2014',
        '\u02dc', '\u2122', '\u0161', '\u203a', '\u0153', '\u009d', '\u017e', '\u0178',
    };

    private static final int MAX_NAME = 32;
    private static final int FTFY_MAX_BODY = 24;

    private final HtmlEntities entities;
    /** ftfy's table: "&name;" for every standard name, plus upper-cased variants. */
    private final Map<String, String> ftfyEntities;

    HtmlUnescaper(HtmlEntities entities) {
        this.entities = entities;
        this.ftfyEntities = buildFtfyTable(entities);
    }

    private Map<String, String> buildFtfyTable(HtmlEntities entities) {
        Map<String, String> table = new HashMap<>(4096);
        for (Map.Entry<String, String> e : entities.all().entrySet()) {
            String name = e.getKey();
            if (!name.endsWith(";")) {
                continue;
            }
            table.put("&" + name, e.getValue());
            // ftfy also decodes an all-lower-case name that was upper-cased, when the upper-cased
            // form is not itself something html.unescape would decode.
            if (name.equals(name.toLowerCase(Locale.ROOT))) {
                String upper = "&" + name.toUpperCase(Locale.ROOT);
                if (pythonUnescape(upper).equals(upper)) {
                    table.put(upper, e.getValue().toUpperCase(Locale.ROOT));
                }
            }
        }
        return Map.copyOf(table);
    }

    /** Python's {@code html.unescape}: named, decimal and hex references, HTML5 error rules. */
    String pythonUnescape(String s) {
        int amp = s.indexOf('&');
        if (amp < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        int copied = 0;
        int i = amp;
        while (i >= 0) {
            int end = matchPythonRef(s, i + 1);
            if (end < 0) {
                i = s.indexOf('&', i + 1);
                continue;
            }
            out.append(s, copied, i);
            out.append(replacePythonRef(s.substring(i + 1, end)));
            copied = end;
            i = s.indexOf('&', end);
        }
        return out.append(s, copied, s.length()).toString();
    }

    /**
     * Matches {@code #[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?} at {@code from};
     * returns the end index, or -1.
     */
    private static int matchPythonRef(String s, int from) {
        int n = s.length();
        if (from >= n) {
            return -1;
        }
        if (s.charAt(from) == '#') {
            int j = from + 1;
            int digits = j;
            while (j < n && isAsciiDigit(s.charAt(j))) {
                j++;
            }
            if (j > digits) {
                return j < n && s.charAt(j) == ';' ? j + 1 : j;
            }
            if (j < n && (s.charAt(j) == 'x' || s.charAt(j) == 'X')) {
                j++;
                int hex = j;
                while (j < n && Character.digit(s.charAt(j), 16) >= 0 && s.charAt(j) < 128) {
                    j++;
                }
                if (j > hex) {
                    return j < n && s.charAt(j) == ';' ? j + 1 : j;
                }
            }
            return -1;
        }
        int j = from;
        int count = 0;
        while (j < n && count < MAX_NAME) {
            int cp = s.codePointAt(j);
            if (cp == '\t'
                    || cp == '\n'
                    || cp == '\f'
                    || cp == ' '
                    || cp == '<'
                    || cp == '&'
                    || cp == '#'
                    || cp == ';') {
                break;
            }
            j += Character.charCount(cp);
            count++;
        }
        if (count == 0) {
            return -1;
        }
        return j < n && s.charAt(j) == ';' ? j + 1 : j;
    }

    private String replacePythonRef(String ref) {
        if (ref.charAt(0) == '#') {
            boolean hex = ref.charAt(1) == 'x' || ref.charAt(1) == 'X';
            String digits = stripSemicolon(ref.substring(hex ? 2 : 1));
            return numericReference(digits, hex ? 16 : 10);
        }
        String whole = entities.get(ref);
        if (whole != null) {
            return whole;
        }
        // The longest known prefix of at least two code points (legacy names without ';').
        int[] cps = ref.codePoints().toArray();
        for (int x = cps.length - 1; x >= 2; x--) {
            String prefix = new String(cps, 0, x);
            String value = entities.get(prefix);
            if (value != null) {
                return value + new String(cps, x, cps.length - x);
            }
        }
        return "&" + ref;
    }

    /** What a numeric reference decodes to, by the HTML5 rules Python implements. */
    private static String numericReference(String digits, int radix) {
        long num = parseCapped(digits, radix);
        if (num >= 0x80 && num <= 0x9f) {
            return String.valueOf(WINDOWS_1252_C1[(int) num - 0x80]);
        }
        if (num == 0) {
            return "\ufffd";
        }
        if (num == 0x0d) {
            return "\r";
        }
        if ((num >= 0xD800 && num <= 0xDFFF) || num > 0x10FFFF) {
            return "\ufffd";
        }
        int cp = (int) num;
        if (isInvalidCodePoint(cp)) {
            return "";
        }
        return new String(Character.toChars(cp));
    }

    /** Parses a digit string; anything past 0x10FFFF is returned as 0x110000. */
    private static long parseCapped(String digits, int radix) {
        long v = 0;
        for (int k = 0; k < digits.length(); k++) {
            v = v * radix + Character.digit(digits.charAt(k), radix);
            if (v > 0x10FFFF) {
                return 0x110000;
            }
        }
        return v;
    }

    private static boolean isInvalidCodePoint(int cp) {
        return (cp >= 0x1 && cp <= 0x8)
                || cp == 0xb
                || (cp >= 0xe && cp <= 0x1f)
                || (cp >= 0x7f && cp <= 0x9f)
                || (cp >= 0xfdd0 && cp <= 0xfdef)
                || (cp & 0xfffe) == 0xfffe;
    }

    /**
     * ftfy's {@code unescape_html}: replaces each {@code &#?[0-9A-Za-z]{1,24};} that is a known
     * entity (or a numeric reference that decodes without leaving a ';').
     */
    String ftfyUnescape(String s) {
        int amp = s.indexOf('&');
        if (amp < 0) {
            return s;
        }
        StringBuilder out = null;
        int copied = 0;
        int i = amp;
        int n = s.length();
        while (i >= 0) {
            int j = i + 1;
            if (j < n && s.charAt(j) == '#') {
                j++;
            }
            int body = j;
            while (j < n && j - body < FTFY_MAX_BODY && isAsciiAlnum(s.charAt(j))) {
                j++;
            }
            if (j == body || j >= n || s.charAt(j) != ';') {
                i = s.indexOf('&', i + 1);
                continue;
            }
            String match = s.substring(i, j + 1);
            String replacement = ftfyEntities.get(match);
            if (replacement == null && match.startsWith("&#")) {
                String decoded = pythonUnescape(match);
                replacement = decoded.indexOf(';') >= 0 ? match : decoded;
            }
            if (replacement == null) {
                replacement = match;
            }
            if (out == null) {
                out = new StringBuilder(n);
            }
            out.append(s, copied, i).append(replacement);
            copied = j + 1;
            i = s.indexOf('&', j + 1);
        }
        return out == null ? s : out.append(s, copied, n).toString();
    }

    private static String stripSemicolon(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == ';') {
            end--;
        }
        return s.substring(0, end);
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isAsciiAlnum(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
