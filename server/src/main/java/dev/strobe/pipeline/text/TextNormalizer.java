package dev.strobe.pipeline.text;

/**
 * Prompt clean-up exactly as OpenAI's reference CLIP tokenizer does it before splitting:
 * {@code whitespace_clean(basic_clean(text)).lower()}, that is {@link FtfyFixes ftfy's fixes},
 * {@code html.unescape} twice, strip, every whitespace run to one space, strip, lower-case.
 *
 * <p>Immutable and thread-safe; the tokenizer calls it from gRPC threads concurrently.
 */
public final class TextNormalizer {
    private final HtmlUnescaper html;
    private final FtfyFixes ftfy;

    public TextNormalizer() {
        this.html = new HtmlUnescaper(HtmlEntities.load());
        this.ftfy = new FtfyFixes(html);
    }

    /** The text the reference tokenizer's regular expression runs on. */
    public String normalize(String text) {
        if (text == null) {
            throw new IllegalArgumentException("prompt text is null; send an empty string for no prompt");
        }
        String s = ftfy.fixText(text);
        s = html.pythonUnescape(html.pythonUnescape(s));
        s = strip(s);
        s = collapseWhitespace(s);
        return PythonLowerCase.lower(s);
    }

    /** Python's {@code str.strip()}: removes characters for which {@code isspace()} is true. */
    static String strip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isPythonSpace(s.charAt(start))) {
            start++;
        }
        while (end > start && isPythonSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    /** {@code regex.sub(r'\s+', ' ', s).strip()}. */
    static String collapseWhitespace(String s) {
        StringBuilder out = null;
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (!isRegexSpace(c)) {
                if (out != null) {
                    out.append(c);
                }
                i++;
                continue;
            }
            int j = i + 1;
            while (j < n && isRegexSpace(s.charAt(j))) {
                j++;
            }
            if (out == null && (c != ' ' || j - i > 1)) {
                out = new StringBuilder(n).append(s, 0, i);
            }
            if (out != null) {
                out.append(' ');
            }
            i = j;
        }
        return strip(out == null ? s : out.toString());
    }

    /** Python's {@code str.isspace()} for one UTF-16 unit (no whitespace lies outside the BMP). */
    static boolean isPythonSpace(char c) {
        return isRegexSpace(c) || (c >= 0x1c && c <= 0x1f);
    }

    /** {@code \s} of the {@code regex} module the reference uses: Unicode White_Space. */
    static boolean isRegexSpace(char c) {
        if (c <= ' ') {
            return c == ' ' || (c >= '\t' && c <= '\r');
        }
        return c == 0x85
                || c == 0xa0
                || c == 0x1680
                || (c >= 0x2000 && c <= 0x200a)
                || c == 0x2028
                || c == 0x2029
                || c == 0x202f
                || c == 0x205f
                || c == 0x3000;
    }
}
