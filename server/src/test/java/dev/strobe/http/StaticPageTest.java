package dev.strobe.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The live-preview page as the HTTP frontend serves it: {@code /} is the page, every asset it and
 * its scripts name is served with its type, and nothing outside the page's folder is reachable.
 * (The page's behaviour in a browser is tested by {@code web-tests/browser.test.mjs} in Chromium.)
 */
class StaticPageTest {
    private final StaticPage page = new StaticPage();

    private FakeChannel get(String path) {
        FakeChannel out = new FakeChannel();
        page.serve(path, out);
        return out;
    }

    @Test
    void rootIsThePageWithItsControls() {
        assertTrue(page.serves("/"));
        FakeChannel out = get("/");
        assertEquals(200, out.status);
        assertEquals("text/html; charset=utf-8", out.contentType);
        assertEquals("nosniff", out.headers.get("X-Content-Type-Options"));
        for (String id : List.of(
                "prompt",
                "model",
                "size",
                "seed",
                "token",
                "generate",
                "cancel",
                "preview",
                "final",
                "step",
                "timings")) {
            assertTrue(out.body.toString().contains("id=\"" + id + "\""), "the page has #" + id);
        }
    }

    @Test
    void everyAssetThePageNamesIsServedWithItsType() {
        List<String> assets = new ArrayList<>(references(get("/").body.toString()));
        assets.addAll(references(get("/page/app.js").body.toString()));
        assertTrue(
                assets.containsAll(List.of("/page/app.js", "/page/style.css", "/page/sse.js", "/page/icon.svg")),
                "assets: " + assets);
        for (String a : assets) {
            assertTrue(page.serves(a), a + " is served");
            FakeChannel out = get(a);
            assertEquals(200, out.status, a);
            assertFalse(out.body.isEmpty(), a + " has content");
        }
        assertEquals("text/javascript; charset=utf-8", get("/page/sse.js").contentType);
        assertEquals("text/css; charset=utf-8", get("/page/style.css").contentType);
    }

    @Test
    void thePageAsksForEveryStepOverTheStreamingEndpoint() {
        String app = get("/page/app.js").body.toString();
        assertTrue(app.contains("\"/v1/images/generations\""));
        assertTrue(app.contains("strobe_previews: \"all\""));
        assertTrue(app.contains("stream: true"));
        assertTrue(app.contains("\"/v1/models\""));
    }

    @Test
    void nothingOutsideThePageFolderIsReachable() {
        for (String p : List.of(
                "/page/../StaticPage.class",
                "/page/..%2fStaticPage.class",
                "/page/missing.js",
                "/page/",
                "/page/.hidden",
                "/page/sub/app.js",
                "/dev/strobe/http/page/app.js",
                "/index.htm")) {
            assertFalse(page.serves(p), p);
        }
    }

    /** The /page/... paths named in src, href or import statements. */
    private static List<String> references(String text) {
        Matcher m = Pattern.compile("(?:src=|href=|from )\"(/page/[^\"]+)\"").matcher(text);
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
