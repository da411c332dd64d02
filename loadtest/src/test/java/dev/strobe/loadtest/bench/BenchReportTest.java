package dev.strobe.loadtest.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.loadtest.driver.RunSummary;
import dev.strobe.scheduler.DenoiseOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The benchmark's arithmetic: best batch, per-round ratios, medians, spreads, the JSON line. */
class BenchReportTest {

    private static RunSummary server(double imagesPerSecond, double ttfpP99) {
        RunSummary.Percentiles ttfp =
                new RunSummary.Percentiles(10, ttfpP99 / 2, ttfpP99 / 2, ttfpP99, ttfpP99, ttfpP99);
        RunSummary.Percentiles latency = new RunSummary.Percentiles(10, 1000.0, 1100.0, 1200.0, 1300.0, 1000.0);
        return new RunSummary(
                RunSummary.Shape.closed(16),
                30,
                5,
                10,
                10,
                0,
                10,
                Map.of(),
                0,
                ttfp,
                latency,
                ttfp,
                imagesPerSecond,
                imagesPerSecond,
                imagesPerSecond);
    }

    private static ServerWindow window(double imagesPerSecond, double ttfpP99, double engineBefore) {
        return new ServerWindow(
                server(imagesPerSecond, ttfpP99), Map.of("denoise", 7.0), engineBefore, engineBefore, 0.25, 0.9);
    }

    /** A round: engine at batch 1 and 8; first-step, oldest and max_batch 1 with their engine runs before. */
    private static BenchRound round(
            double e1, double e8, double firstStep, double oldest, double single, double engineBefore) {
        Map<Integer, Double> engine = new LinkedHashMap<>();
        engine.put(1, e1);
        engine.put(8, e8);
        Map<String, ServerWindow> servers = new LinkedHashMap<>();
        servers.put(BenchReport.FIRST_STEP, window(firstStep, 500, engineBefore));
        servers.put(BenchReport.OLDEST, window(oldest, 2000, engineBefore));
        servers.put(BenchReport.SINGLE, window(single, 3000, engineBefore));
        return new BenchRound(engine, 8, servers);
    }

    @Test
    void efficiencyIsTakenAgainstThePipelineRunJustBeforeTheServerRun() {
        // Round 2 ran while a neighbour loaded the machine: both of its windows are slow alike.
        BenchReport report = new BenchReport(
                List.of(
                        round(2.0, 3.0, 2.85, 2.9, 2.0, 3.0),
                        round(1.0, 1.5, 1.50, 1.5, 1.0, 1.5),
                        round(2.0, 2.4, 2.40, 2.5, 2.1, 2.5)),
                "m",
                "512x512",
                16,
                BenchReport.FIRST_STEP);
        Map<String, Object> j = report.json();
        assertEquals(2.4, (double) j.get("engine_images_per_s"), 1e-9, "median of each round's best batch");
        assertEquals(1.5, (double) j.get("engine_batching_gain"), 1e-9, "median of 1.5, 1.5, 1.2");
        assertEquals(0.96, (double) j.get("server_efficiency"), 1e-9, "median of 0.95, 1.0, 0.96");
        assertEquals(0.95, (double) j.get("server_efficiency_min"), 1e-9);
        assertEquals(1.425, (double) j.get("batching_gain"), 1e-9, "median of 1.425, 1.5, 1.143");
        assertEquals(4.0, (double) j.get("ttfp_p99_gain"), 1e-9, "oldest 2000 ms over first-step 500 ms");
        assertEquals(
                0.983, (double) j.get("throughput_ratio_first_step_to_oldest"), 1e-9, "median of 0.983, 1.0, 0.96");
        @SuppressWarnings("unchecked")
        Map<String, Object> spread = (Map<String, Object>) j.get("spread");
        assertEquals(0.625, (double) spread.get("engine_best"), 1e-9, "(3.0 - 1.5) / 2.4");
        assertEquals(0.052, (double) spread.get("server_efficiency"), 1e-9, "(1.0 - 0.95) / 0.96");
    }

    @Test
    void theTableShowsEachFigureWithItsRangeAndSpread() {
        BenchReport report = new BenchReport(
                List.of(round(2.0, 3.0, 2.85, 2.9, 2.0, 3.0), round(1.0, 1.5, 1.50, 1.5, 1.0, 1.5)),
                "m",
                "512x512",
                16,
                BenchReport.FIRST_STEP);
        String table = report.table();
        assertTrue(table.contains("server efficiency, max_batch 8 first-step (default) (>= 0.90)"), table);
        assertTrue(table.contains("server efficiency per CPU-second"), table);
        assertTrue(
                table.lines()
                        .anyMatch(l -> l.startsWith("engine, batch 1 (images/s)")
                                && l.contains("1.000..2.000")
                                && l.contains("67%")),
                table);
    }

    @Test
    void theJsonLineCarriesEveryFigureTheIssueAsksFor() {
        BenchReport report = new BenchReport(
                List.of(round(2.0, 3.0, 2.85, 2.9, 2.0, 3.0)), "m", "1024x1024", 16, BenchReport.FIRST_STEP);
        String json = report.toJson();
        for (String key : List.of(
                "engine_images_per_s",
                "engine_batching_gain",
                "server_images_per_s",
                "server_efficiency",
                "server_efficiency_min",
                "batching_gain",
                "ttfp_p50_ms",
                "ttfp_p99_ms",
                "latency_p50_ms",
                "latency_p99_ms",
                "ttfp_p99_gain",
                "throughput_ratio_first_step_to_oldest",
                "spread",
                "others_cpu_share",
                "servers")) {
            assertTrue(json.contains("\"" + key + "\":"), key + " in " + json);
        }
        assertEquals(1.425, (double) report.json().get("batching_gain"), 1e-9);
    }

    @Test
    void theThroughputRatioOfTheOrdersDiscountsTheMachinesPaceBetweenTheirRuns() {
        // The machine slowed by a fifth between the two runs: the pipeline alone too.
        Map<String, ServerWindow> servers = new LinkedHashMap<>();
        servers.put(BenchReport.FIRST_STEP, new ServerWindow(server(2.0, 500), Map.of(), 2.0, 2.0, 0, 0.9));
        servers.put(BenchReport.OLDEST, new ServerWindow(server(2.5, 2000), Map.of(), 2.5, 2.5, 0, 0.9));
        servers.put(BenchReport.SINGLE, window(2.0, 3000, 2.0));
        BenchRound r = new BenchRound(Map.of(1, 2.0, 8, 2.5), 8, servers);
        assertEquals(1.0, BenchReport.throughputRatio(r), 1e-12, "each ran at the pace of the pipeline beside it");
        assertEquals(0.8, BenchReport.rawThroughputRatio(r), 1e-12, "2.0 / 2.5 images/s as measured");
        Map<String, Object> j = new BenchReport(List.of(r), "m", "256x256", 16, BenchReport.FIRST_STEP).json();
        assertEquals(1.0, (double) j.get("throughput_ratio_first_step_to_oldest"), 1e-9);
        assertEquals(0.8, (double) j.get("throughput_ratio_first_step_to_oldest_raw"), 1e-9);
    }

    @Test
    void aServerRunIsComparedWithTheMeanOfThePipelineRunsAroundIt() {
        ServerWindow w = new ServerWindow(server(2.0, 100), Map.of(), 2.0, 3.0, 0.1, 0.9);
        assertEquals(2.5, w.engine(), 1e-12);
        assertEquals(0.8, w.efficiency(), 1e-12, "2.0 against (2.0 + 3.0) / 2");
    }

    @Test
    void aFigureWithoutDataIsNullInTheJson() {
        assertNull(BenchReport.n(Double.NaN));
        assertEquals(0.333, BenchReport.n(1 / 3.0), 1e-12);
    }

    @Test
    void roundsRotateTheOrderOfTheServerRuns() {
        List<ServerConfig> configs = List.of(
                new ServerConfig("a", 8, DenoiseOrder.FIRST_STEP),
                new ServerConfig("b", 8, DenoiseOrder.OLDEST),
                new ServerConfig("c", 1, DenoiseOrder.FIRST_STEP));
        assertEquals(
                List.of("a", "b", "c"),
                BenchMain.roundOrder(configs, 1).stream().map(ServerConfig::key).toList());
        assertEquals(
                List.of("b", "c", "a"),
                BenchMain.roundOrder(configs, 2).stream().map(ServerConfig::key).toList());
        assertEquals(
                List.of("a", "b", "c"),
                BenchMain.roundOrder(configs, 4).stream().map(ServerConfig::key).toList());
    }
}
