package dev.strobe.pipeline.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The HTML5 named character references (the table behind Python's {@code html.entities.html5}),
 * read once from {@code html5-entities.txt} beside this class. Keys are names without the
 * leading {@code &}, with the trailing {@code ;} where the standard has one ({@code "amp;"} and
 * the legacy {@code "amp"} are both keys).
 *
 * <p>Immutable after construction; shared by every tokenizer thread.
 */
final class HtmlEntities {
    private static final String RESOURCE = "html5-entities.txt";

    private final Map<String, String> byName;
    private final int longestName;

    private HtmlEntities(Map<String, String> byName) {
        this.byName = Map.copyOf(byName);
        this.longestName =
                byName.keySet().stream().mapToInt(String::length).max().orElse(0);
    }

    static HtmlEntities load() {
        try (InputStream in = HtmlEntities.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(
                        "missing resource " + RESOURCE + " next to " + HtmlEntities.class.getName());
            }
            return new HtmlEntities(parse(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> parse(InputStream in) throws IOException {
        Map<String, String> map = new HashMap<>(4096);
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        while ((line = r.readLine()) != null) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int tab = line.indexOf('\t');
            StringBuilder value = new StringBuilder(2);
            for (String hex : line.substring(tab + 1).split(" ")) {
                value.appendCodePoint(Integer.parseInt(hex, 16));
            }
            map.put(line.substring(0, tab), value.toString());
        }
        return map;
    }

    /** The text a name stands for, or null. */
    String get(String name) {
        return byName.get(name);
    }

    Map<String, String> all() {
        return byName;
    }

    int longestName() {
        return longestName;
    }
}
