package dev.strobe.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live-preview web page and its assets, served from the class path folder
 * {@code dev/strobe/http/page/}: {@code GET /} is {@code index.html}, {@code GET /page/NAME} a file
 * of that folder (names of letters, digits, '-', '_' and '.', so nothing outside it is reachable).
 * Files are read once and kept. Thread-safe.
 */
final class StaticPage {
    private static final String FOLDER = "/dev/strobe/http/page/";
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon");
    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    /** Whether {@code path} (e.g. "/" or "/page/app.js") names a file of the page. */
    boolean serves(String path) {
        String name = name(path);
        return name != null && load(name) != null;
    }

    void serve(String path, ResponseChannel out) {
        String name = name(path);
        byte[] bytes = load(name);
        String ext = name.substring(name.lastIndexOf('.') + 1);
        out.begin(200, TYPES.getOrDefault(ext, "application/octet-stream"));
        out.header("Cache-Control", "no-cache");
        out.header("X-Content-Type-Options", "nosniff");
        out.write(java.nio.ByteBuffer.wrap(bytes), true, x -> {});
    }

    private static String name(String path) {
        if (path.equals("/") || path.equals("/index.html")) {
            return "index.html";
        }
        if (path.startsWith("/page/")) {
            String n = path.substring("/page/".length());
            return n.matches("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}") && !n.contains("..") && n.contains(".") ? n : null;
        }
        return null;
    }

    private byte[] load(String name) {
        return cache.computeIfAbsent(name, n -> {
            try (InputStream in = StaticPage.class.getResourceAsStream(FOLDER + n)) {
                return in == null ? null : in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
