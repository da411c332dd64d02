package dev.strobe.loadtest.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The soak's rules: growth, anything held at the end, TTFP drift, status codes. */
class SoakVerdictTest {
    private static Map<String, Double> gauges(double heapMib, double threads, double streams) {
        Map<String, Double> g = new LinkedHashMap<>();
        g.put("strobe_jvm_heap_after_gc_bytes", heapMib * SoakVerdict.MIB);
        g.put("strobe_jvm_live_threads", threads);
        g.put("strobe_open_streams", streams);
        g.put("strobe_active_images", streams);
        g.put("strobe_queue_depth", 0.0);
        return g;
    }

    private static final Map<String, Double> IDLE = gauges(100, 40, 0);

    private static List<SoakVerdict.Sample> steady(int n, double heapGrowthMibPerSample) {
        List<SoakVerdict.Sample> s = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            s.add(new SoakVerdict.Sample(
                    i * 5_000_000_000L, gauges(200 + i * heapGrowthMibPerSample, 40 + i % 3, 10 + i % 5)));
        }
        return s;
    }

    private static List<long[]> ttfp(double lastFifthFactor) {
        List<long[]> t = new ArrayList<>();
        Random r = new Random(3);
        for (int i = 0; i < 500; i++) {
            double f = i >= 400 ? lastFifthFactor : 1;
            t.add(new long[] {i * 100_000_000L, (long) ((100 + r.nextInt(50)) * f * 1e6)});
        }
        return t;
    }

    @Test
    void aSteadyRunThatEndsEmptyPasses() {
        assertEquals(
                List.of(),
                SoakVerdict.failures(
                        steady(40, 0.5),
                        IDLE,
                        ttfp(1.2),
                        2.0,
                        Map.of("read OK", 400L, "hostile INVALID_ARGUMENT", 9L, "cancel CANCELLED", 40L)));
    }

    @Test
    void aHeapThatKeepsGrowingFails() {
        List<String> f = SoakVerdict.failures(steady(40, 20), IDLE, ttfp(1), 2.0, Map.of());
        assertEquals(1, f.size(), f.toString());
        assertTrue(f.get(0).startsWith("strobe_jvm_heap_after_gc_bytes grows"), f.get(0));
    }

    @Test
    void aJobStillHeldAtTheEndFails() {
        List<String> f = SoakVerdict.failures(steady(40, 0), gauges(100, 40, 1), ttfp(1), 2.0, Map.of());
        assertTrue(f.stream().anyMatch(s -> s.startsWith("strobe_open_streams is 1.0 at the end")), f.toString());
        assertTrue(f.stream().anyMatch(s -> s.startsWith("strobe_active_images is 1.0 at the end")), f.toString());
    }

    @Test
    void timeToFirstPreviewDriftBeyondTheFactorFails() {
        List<String> f = SoakVerdict.failures(steady(40, 0), IDLE, ttfp(3), 2.0, Map.of());
        assertEquals(1, f.size(), f.toString());
        assertTrue(f.get(0).startsWith("time to first preview p99 drifted"), f.get(0));
    }

    @Test
    void unknownInternalAndAHostileRequestThatWasNotRefusedFail() {
        List<String> f = SoakVerdict.failures(
                steady(40, 0), IDLE, ttfp(1), 2.0, Map.of("read UNKNOWN", 1L, "read INTERNAL", 2L, "hostile OK", 1L));
        assertEquals(3, f.size(), f.toString());
    }

    @Test
    void theGaugesAreReadFromThePrometheusText() {
        Map<String, Double> g = MetricsSampler.parse(
                "# HELP x\nstrobe_open_streams 3.0\nstrobe_jvm_live_threads 41\n" + "strobe_queue_depth{a=\"b\"} 9\n");
        assertEquals(3.0, g.get("strobe_open_streams"));
        assertEquals(41.0, g.get("strobe_jvm_live_threads"));
        assertTrue(g.get("strobe_queue_depth").isNaN(), "a labelled series is another series");
    }
}
