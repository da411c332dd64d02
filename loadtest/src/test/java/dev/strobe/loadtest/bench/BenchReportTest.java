package dev.strobe.loadtest.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.loadtest.driver.RunSummary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The benchmark's arithmetic: best batch, per-round ratios, medians, the JSON line. */
class BenchReportTest {

    private static RunSummary server(double imagesPerSecond, double ttfpP50) {
        RunSummary.Percentiles ttfp = new RunSummary.Percentiles(10, ttfpP50, ttfpP50, ttfpP50 * 2, ttfpP50 * 2, ttfpP50);
        RunSummary.Percentiles latency = new RunSummary.Percentiles(10, 1000.0, 1100.0, 1200.0, 1300.0, 1000.0);
        return new RunSummary(RunSummary.Shape.closed(16), 30, 5, 10, 10, 0, 10, Map.of(), 0, ttfp, latency, ttfp,
                imagesPerSecond, imagesPerSecond, imagesPerSecond);
    }

    private static BenchRound round(double e1, double e8, double s8, double s1) {
        Map<Integer, Double> engine = new LinkedHashMap<>();
        engine.put(1, e1);
        engine.put(8, e8);
        return new BenchRound(engine, 8, server(s8, 100), server(s1, 100), Map.of("denoise", 7.0));
    }

    @Test
    void ratiosAreTakenWithinEachRoundAndReportedAsMedians() {
        // Round 2 ran on a slower machine state; within-round ratios stay meaningful.
        BenchReport report = new BenchReport(List.of(
                round(2.0, 3.0, 2.85, 2.0),
                round(1.0, 1.5, 1.50, 1.0),
                round(2.0, 2.4, 2.40, 2.1)), "m", "512x512", 16);
        Map<String, Object> j = report.json();
        assertEquals(2.4, (double) j.get("engine_images_per_s"), 1e-9, "median of each round's best batch");
        assertEquals(1.5, (double) j.get("engine_batching_gain"), 1e-9, "median of 1.5, 1.5, 1.2");
        assertEquals(1.0, (double) j.get("server_efficiency"), 1e-9, "median of 0.95, 1.0, 1.0");
        assertEquals(1.425, (double) j.get("batching_gain"), 1e-9, "median of 1.425, 1.5, 1.143");
    }

    @Test
    void theJsonLineCarriesEveryFigureTheIssueAsksFor() {
        BenchReport report = new BenchReport(List.of(round(2.0, 3.0, 2.85, 2.0)), "m", "1024x1024", 16);
        String json = report.toJson();
        for (String key : List.of("engine_images_per_s", "engine_batching_gain", "server_images_per_s",
                "server_efficiency", "batching_gain", "ttfp_p50_ms", "ttfp_p99_ms", "latency_p50_ms",
                "latency_p99_ms")) {
            assertTrue(json.contains("\"" + key + "\":"), key + " in " + json);
        }
        assertEquals(1.425, (double) report.json().get("batching_gain"), 1e-9);
        assertTrue(report.table().contains("server efficiency"));
    }
}
