package dev.strobe.loadtest.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunSummaryTest {

    private static final long MS = 1_000_000L;
    private static final long WINDOW_START = 10_000 * MS;
    private static final long WINDOW_END = 20_000 * MS;

    private static Measurements.Completion completion(
            long intended, long ttfpMs, long latencyMs, int images, double queueMs) {
        return new Measurements.Completion(
                true,
                intended,
                ttfpMs < 0 ? -1 : intended + ttfpMs * MS,
                intended + latencyMs * MS,
                intended + latencyMs * MS + MS,
                images,
                queueMs);
    }

    @Test
    void percentilesComeFromTheRecordedLatencies() {
        Measurements m = new Measurements(WINDOW_START, WINDOW_END);
        for (int i = 1; i <= 100; i++) {
            m.requestSent(true);
            m.requestCompleted(completion(WINDOW_START + i * 10 * MS, i, 10L * i, 1, i / 2.0));
        }

        RunSummary s = m.summarize(RunSummary.Shape.open(10), 2);

        // Latencies 10, 20, ..., 1000 ms: the median is 500 ms, p99 990 ms (HdrHistogram keeps 3 digits).
        assertEquals(500.0, s.timeToFinalImage().p50(), 1);
        assertEquals(990.0, s.timeToFinalImage().p99(), 1);
        assertEquals(1000.0, s.timeToFinalImage().max(), 1);
        assertEquals(50.0, s.timeToFirstPreview().p50(), 0.1);
        assertEquals(25.0, s.serverQueue().p50(), 0.1);
        assertEquals(100, s.completed());
    }

    @Test
    void theJsonLineStartsWithTheAgreedKeys() {
        Measurements m = new Measurements(WINDOW_START, WINDOW_END);
        m.requestSent(true);
        m.requestCompleted(completion(WINDOW_START, 100, 900, 2, 3));
        m.requestSent(true);
        m.requestFailed(true, "RESOURCE_EXHAUSTED");
        m.requestSent(true);
        m.requestFailed(true, "RESOURCE_EXHAUSTED");
        m.requestSent(true);
        m.requestFailed(true, "DEADLINE_EXCEEDED");
        m.requestFailed(false, "UNAVAILABLE"); // a warm-up request: not counted

        RunSummary s = m.summarize(RunSummary.Shape.open(0.4), 5);
        String json = s.toJson();

        assertEquals(1, json.lines().count());
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        assertEquals(
                List.of(
                        "completed",
                        "ttfp_p50_ms",
                        "ttfp_p99_ms",
                        "latency_p50_ms",
                        "latency_p99_ms",
                        "images_per_s",
                        "errors"),
                o.keySet().stream().limit(7).toList());
        assertEquals(1, o.get("completed").getAsLong());
        assertEquals(2, o.getAsJsonObject("errors").get("RESOURCE_EXHAUSTED").getAsLong());
        assertEquals(1, o.getAsJsonObject("errors").get("DEADLINE_EXCEEDED").getAsLong());
        assertEquals(2, o.getAsJsonObject("errors").size());
        assertEquals(0.75, o.get("error_ratio").getAsDouble(), 1e-9);
        assertEquals(0.4, o.get("offered_rate").getAsDouble());
        assertEquals(10.0, o.get("duration_s").getAsDouble());
        assertEquals(3.0, o.get("queue_ms_p50").getAsDouble(), 0.01);
        assertEquals(0.2, o.get("images_per_s").getAsDouble(), 1e-9, "2 images in a 10 s window");
        assertTrue(o.get("concurrency").isJsonNull());
    }

    @Test
    void throughputCountsCompletionsInsideTheWindowWhateverTheirStart() {
        Measurements m = new Measurements(WINDOW_START, WINDOW_END);
        // A warm-up request finishing inside the window counts for throughput, not for latency.
        m.requestCompleted(new Measurements.Completion(
                false, WINDOW_START - 500 * MS, -1, WINDOW_START + 10 * MS, WINDOW_START + 10 * MS, 1, 1));
        // A measured request finishing after the window counts for latency, not for throughput.
        m.requestSent(true);
        m.requestCompleted(new Measurements.Completion(
                true, WINDOW_END - MS, -1, WINDOW_END + 4_000 * MS, WINDOW_END + 4_000 * MS, 1, 1));

        RunSummary s = m.summarize(RunSummary.Shape.closed(2), 0);

        assertEquals(0.1, s.imagesPerSecond(), 1e-9);
        assertEquals(1, s.completed());
        assertEquals(4001.0, s.timeToFinalImage().p50(), 5);
    }

    @Test
    void theTextSummaryNamesEveryMeasure() {
        Measurements m = new Measurements(WINDOW_START, WINDOW_END);
        m.requestSent(true);
        m.requestCompleted(completion(WINDOW_START, -1, 900, 1, 3));
        String text = m.summarize(RunSummary.Shape.open(1), 1).toText();
        assertTrue(text.contains("time to first preview: (none recorded)"), text);
        assertTrue(text.contains("time to final image:"), text);
        assertTrue(text.contains("images/s"), text);
    }
}
