package dev.strobe.loadtest.soak;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the gauges the soak watches from a server's Prometheus text endpoint. Used by the soak's
 * driver thread only.
 */
final class MetricsSampler {
    /** The gauges watched, by metric name. */
    static final List<String> GAUGES = List.of(
            "strobe_jvm_heap_after_gc_bytes",
            "strobe_jvm_live_threads",
            "strobe_open_streams",
            "strobe_active_images",
            "strobe_queue_depth");

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI uri;

    MetricsSampler(URI uri) {
        this.uri = uri;
    }

    /** One scrape: each watched gauge's value (NaN when missing). */
    Map<String, Double> sample() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(uri + " answered HTTP " + r.statusCode());
        }
        return parse(r.body());
    }

    /** The watched gauges of a Prometheus text exposition. */
    static Map<String, Double> parse(String text) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String g : GAUGES) {
            out.put(g, Double.NaN);
        }
        for (String line : text.split("\n")) {
            int space = line.lastIndexOf(' ');
            if (line.startsWith("#") || space < 0) {
                continue;
            }
            String name = line.substring(0, space).trim();
            if (out.containsKey(name)) {
                out.put(name, Double.parseDouble(line.substring(space + 1).trim()));
            }
        }
        return out;
    }
}
