package dev.strobe.pipeline.text;

import java.text.Normalizer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of {@code ftfy.fix_text} (ftfy 6, default configuration) that changes prompts, applied in
 * ftfy's order and repeated until the text stops changing, line by line like ftfy:
 * HTML entities (only when the text has no {@code <}), C1 controls read as Windows-1252,
 * Latin ligatures, full-width/half-width forms, curly quotes, line breaks, lone surrogates, ANSI
 * terminal escapes, invisible control characters, then NFC.
 *
 * <p>Not implemented: ftfy's mojibake repair ({@code fix_encoding}: re-decoding text that was
 * decoded with the wrong codec, with its {@code restore_byte_a0}, {@code replace_lossy_sequences}
 * and {@code decode_inconsistent_utf8} options). Prompts typed or pasted by people are rarely
 * mojibake; where they are, strobe's ids differ from the reference.
 *
 * <p>Immutable; called by {@link TextNormalizer} on any thread.
 */
final class FtfyFixes {
    private static final Pattern ANSI_ESCAPE = Pattern.compile("\u001b\\[((?:\\p{Nd}|;)*)([a-zA-Z])");
    /** U+FF01..U+FFEF mapped to their NFKC form where that differs, plus U+3000 to a space. */
    private static final int WIDTH_FIRST = 0xFF01;

    private static final int WIDTH_LAST = 0xFFEF;

    private final HtmlUnescaper html;
    private final String[] widthMap = new String[WIDTH_LAST - WIDTH_FIRST + 1];

    FtfyFixes(HtmlUnescaper html) {
        this.html = html;
        for (int c = WIDTH_FIRST; c <= WIDTH_LAST; c++) {
            String s = String.valueOf((char) c);
            String nfkc = Normalizer.normalize(s, Normalizer.Form.NFKC);
            widthMap[c - WIDTH_FIRST] = nfkc.equals(s) ? null : nfkc;
        }
    }

    /** {@code ftfy.fix_text(text)} without mojibake repair. */
    String fixText(String text) {
        if (isPlainAscii(text)) {
            return text; // nothing below changes printable ASCII without '&', ESC or controls
        }
        StringBuilder out = new StringBuilder(text.length());
        boolean unescape = true;
        int pos = 0;
        while (pos < text.length()) {
            int nl = text.indexOf('\n', pos);
            int end = nl < 0 ? text.length() : nl + 1;
            String segment = text.substring(pos, end);
            // ftfy treats text containing '<' as HTML and leaves its entities alone, from this
            // segment on.
            if (segment.indexOf('<') >= 0) {
                unescape = false;
            }
            out.append(fixSegment(segment, unescape));
            pos = end;
        }
        return out.toString();
    }

    private String fixSegment(String text, boolean unescape) {
        while (true) {
            String orig = text;
            if (unescape) {
                text = html.ftfyUnescape(text);
            }
            text = fixC1Controls(text);
            text = fixLatinLigatures(text);
            text = fixCharacterWidth(text);
            text = uncurlQuotes(text);
            text = fixLineBreaks(text);
            text = fixSurrogates(text);
            text = removeTerminalEscapes(text);
            text = removeControlChars(text);
            text = Normalizer.normalize(text, Normalizer.Form.NFC);
            if (text.equals(orig)) {
                return text;
            }
        }
    }

    private static boolean isPlainAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '&') {
                return false;
            }
        }
        return true;
    }

    static String fixC1Controls(String s) {
        return mapChars(
                s, c -> c >= 0x80 && c <= 0x9f ? String.valueOf(HtmlUnescaper.WINDOWS_1252_C1[c - 0x80]) : null);
    }

    static String fixLatinLigatures(String s) {
        return mapChars(s, FtfyFixes::ligature);
    }

    private static String ligature(char c) {
        return switch (c) {
            case '\u0132' -> "IJ";
            case '\u0133' -> "ij";
            case '\u0149' -> "\u02bcn";
            case '\u01f1' -> "DZ";
            case '\u01f2' -> "Dz";
            case '\u01f3' -> "dz";
            case '\u01c4' -> "D\u017d";
            case '\u01c5' -> "D\u017e";
            case '\u01c6' -> "d\u017e";
            case '\u01c7' -> "LJ";
            case '\u01c8' -> "Lj";
            case '\u01c9' -> "lj";
            case '\u01ca' -> "NJ";
            case '\u01cb' -> "Nj";
            case '\u01cc' -> "nj";
            case '\ufb00' -> "ff";
            case '\ufb01' -> "fi";
            case '\ufb02' -> "fl";
            case '\ufb03' -> "ffi";
            case '\ufb04' -> "ffl";
            case '\ufb05' -> "\u017ft";
            case '\ufb06' -> "st";
            default -> null;
        };
    }

    String fixCharacterWidth(String s) {
        return mapChars(s, c -> {
            if (c == '\u3000') {
                return " ";
            }
            return c >= WIDTH_FIRST && c <= WIDTH_LAST ? widthMap[c - WIDTH_FIRST] : null;
        });
    }

    static String uncurlQuotes(String s) {
        return mapChars(s, c -> {
            if (c == '\u02bc' || (c >= '\u2018' && c <= '\u201b')) {
                return "'";
            }
            return c >= '\u201c' && c <= '\u201f' ? "\"" : null;
        });
    }

    static String fixLineBreaks(String s) {
        if (s.indexOf('\r') < 0 && s.indexOf('\u2028') < 0 && s.indexOf('\u2029') < 0 && s.indexOf('\u0085') < 0) {
            return s;
        }
        return s.replace("\r\n", "\n")
                .replace('\r', '\n')
                .replace('\u2028', '\n')
                .replace('\u2029', '\n')
                .replace('\u0085', '\n');
    }

    /**
     * Java strings hold valid surrogate pairs as the characters they encode already; a surrogate
     * without its partner becomes U+FFFD, as ftfy does.
     */
    static String fixSurrogates(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean lone = false;
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    if (out != null) {
                        out.append(c).append(s.charAt(i + 1));
                    }
                    i++;
                    continue;
                }
                lone = true;
            } else if (Character.isLowSurrogate(c)) {
                lone = true;
            }
            if (lone && out == null) {
                out = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (out != null) {
                out.append(lone ? '\ufffd' : c);
            }
        }
        return out == null ? s : out.toString();
    }

    static String removeTerminalEscapes(String s) {
        if (s.indexOf('\u001b') < 0) {
            return s;
        }
        Matcher m = ANSI_ESCAPE.matcher(s);
        return m.replaceAll("");
    }

    static String removeControlChars(String s) {
        return mapChars(s, c -> isRemovedControl(c) ? "" : null);
    }

    private static boolean isRemovedControl(char c) {
        return c <= 0x08
                || c == 0x0b
                || (c >= 0x0e && c <= 0x1f)
                || c == 0x7f
                || (c >= 0x206a && c <= 0x206f)
                || c == 0xfeff
                || (c >= 0xfff9 && c <= 0xfffc);
    }

    private interface CharMapping {
        /** The replacement for {@code c}, or null to keep it. */
        String map(char c);
    }

    /** Applies a per-character mapping, returning {@code s} itself when nothing changes. */
    private static String mapChars(String s, CharMapping f) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String r = f.map(c);
            if (r != null && out == null) {
                out = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (out != null) {
                if (r != null) {
                    out.append(r);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? s : out.toString();
    }
}
