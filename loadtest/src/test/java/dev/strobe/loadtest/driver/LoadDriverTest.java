package dev.strobe.loadtest.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The driver on a virtual clock with a scripted sender: no network, no wall time. */
class LoadDriverTest {

    private static final long MS = 1_000_000L;

    private final VirtualTime time = new VirtualTime();

    private RunSummary openLoop(VirtualSender sender, RequestMix mix, double rate, RunWindow window) throws Exception {
        LoadDriver driver = new LoadDriver(sender, mix, time);
        return driver.runOpenLoop(new PoissonArrivals(rate, new Random(5)), window, new Random(6));
    }

    private static RunWindow window(long warmupSeconds, long durationSeconds) {
        return new RunWindow(
                Duration.ofSeconds(warmupSeconds), Duration.ofSeconds(durationSeconds), Duration.ofSeconds(30));
    }

    @Test
    void offersTheRequestedRateWithinStatisticalBounds() throws Exception {
        VirtualSender sender = new VirtualSender(time, (i, r) -> VirtualSender.Plan.succeedAfter(200 * MS));

        RunSummary summary = openLoop(sender, RequestMix.defaults(), 20, window(0, 100));

        // 2000 arrivals expected; a Poisson count has standard deviation sqrt(2000) = 45: allow 4 of them.
        assertEquals(2000, sender.sent().size(), 4 * Math.sqrt(2000));
        assertEquals(sender.sent().size(), summary.sent());
        assertEquals(summary.sent(), summary.completed());
        assertEquals(20, summary.achievedRate(), 4 * Math.sqrt(2000) / 100);
    }

    @Test
    void arrivalsNeverWaitForCompletions() throws Exception {
        VirtualSender sender = new VirtualSender(time, (i, r) -> VirtualSender.Plan.succeedAfter(5_000 * MS));

        RunSummary summary = openLoop(sender, RequestMix.defaults(), 10, window(0, 20));

        // A closed system with one stream would have sent 4 requests in 20 s; open loop keeps arriving.
        assertTrue(sender.sent().size() > 150, "sent " + sender.sent().size());
        assertTrue(sender.maxConcurrent() > 30, "at most " + sender.maxConcurrent() + " in flight");
        assertEquals(5000.0, summary.timeToFinalImage().p50(), 5000 * 0.01);
    }

    @Test
    void latencyCountsFromTheIntendedStartSoAStalledSenderShowsUp() throws Exception {
        // Every send blocks the driver for 300 ms, then the request completes 10 ms later. Arrivals are
        // planned every 100 ms on average, so requests leave later and later: a driver that timed from the
        // actual send would report ~10 ms and hide the growing queue (coordinated omission).
        VirtualSender sender =
                new VirtualSender(time, (i, r) -> new VirtualSender.Plan(10 * MS, null, false, 300 * MS));

        RunSummary summary = openLoop(sender, RequestMix.defaults(), 10, window(0, 10));

        long sent = sender.sent().size();
        double backlogMs = sent * 300 - 10_000; // how far behind the last send is
        assertTrue(
                summary.timeToFinalImage().max() > 0.8 * backlogMs,
                "max latency " + summary.timeToFinalImage().max() + " ms, backlog " + backlogMs + " ms");
        assertTrue(
                summary.timeToFinalImage().p50() > 1_000,
                "p50 " + summary.timeToFinalImage().p50());
    }

    @Test
    void countsErrorsByStatusCodeForMeasuredRequestsOnly() throws Exception {
        VirtualSender sender = new VirtualSender(
                time,
                (i, r) -> i % 4 == 3
                        ? VirtualSender.Plan.failAfter(20 * MS, Status.Code.RESOURCE_EXHAUSTED)
                        : i % 10 == 9
                                ? VirtualSender.Plan.failAfter(50 * MS, Status.Code.UNAVAILABLE)
                                : VirtualSender.Plan.succeedAfter(100 * MS));
        RunWindow window = window(5, 30);

        RunSummary summary = openLoop(sender, RequestMix.defaults(), 10, window);

        Map<String, Long> expected = new HashMap<>();
        long expectedOk = 0;
        // Sends happen exactly at their intended times on the virtual clock; the run started one gap earlier.
        long start = sender.sent().get(0).atNanos() - firstGap();
        long windowStart = start + 5_000 * MS;
        long windowEnd = windowStart + 30_000 * MS;
        for (VirtualSender.Sent s : sender.sent()) {
            if (s.atNanos() < windowStart || s.atNanos() >= windowEnd) {
                continue;
            }
            if (s.plan().failure() == null) {
                expectedOk++;
            } else {
                expected.merge(s.plan().failure().name(), 1L, Long::sum);
            }
        }
        assertEquals(expected, summary.errors());
        assertEquals(expectedOk, summary.completed());
        assertTrue(sender.sent().size() > summary.sent(), "warm-up requests were sent but not measured");
        long errors = expected.values().stream().mapToLong(Long::longValue).sum();
        assertEquals(errors / (double) (errors + expectedOk), summary.errorRatio(), 1e-9);
    }

    /** The first gap of the Poisson process with the seed {@link #openLoop} uses. */
    private static long firstGap() {
        return new PoissonArrivals(10, new Random(5)).nextGapNanos();
    }

    @Test
    void timeToFirstPreviewIsAbsentWithoutPreviews() throws Exception {
        VirtualSender sender = new VirtualSender(time, (i, r) -> VirtualSender.Plan.succeedAfter(500 * MS));
        RequestMix noPreviews = new RequestMix(
                RequestMix.defaults().sizes(), RequestMix.defaults().models(), List.of("p"), false, 0, 4, 2);

        RunSummary summary = openLoop(sender, noPreviews, 5, window(0, 10));

        assertEquals(0, summary.timeToFirstPreview().count());
        assertNull(summary.toJsonMap().get("ttfp_p50_ms"));
        assertEquals(2 * summary.completed(), summary.images());
        assertEquals(500.0, summary.timeToFinalImage().p99(), 500 * 0.01);
    }

    @Test
    void withPreviewsTheFirstPreviewComesBeforeTheFinalImage() throws Exception {
        VirtualSender sender = new VirtualSender(time, (i, r) -> VirtualSender.Plan.succeedAfter(1000 * MS));

        RunSummary summary = openLoop(sender, RequestMix.defaults(), 5, window(0, 10));

        // Previews of 4 steps are spread evenly: the first at 1/5 of the service time.
        assertEquals(200.0, summary.timeToFirstPreview().p50(), 2);
        assertTrue(
                summary.timeToFirstPreview().p99() < summary.timeToFinalImage().p50());
    }

    @Test
    void requestsStillRunningAfterTheDrainAreCancelledAndCountedIncomplete() throws Exception {
        VirtualSender sender = new VirtualSender(
                time,
                (i, r) -> i % 5 == 0 ? VirtualSender.Plan.hangForever() : VirtualSender.Plan.succeedAfter(100 * MS));
        RunWindow window = new RunWindow(Duration.ZERO, Duration.ofSeconds(10), Duration.ofSeconds(2));

        RunSummary summary = openLoop(sender, RequestMix.defaults(), 10, window);

        long hung = sender.sent().stream().filter(s -> s.plan().hang()).count();
        assertEquals(hung, summary.incomplete());
        assertEquals(hung, sender.cancelled().size());
        assertTrue(summary.errors().isEmpty());
    }

    @Test
    void closedLoopKeepsExactlyTheConcurrencyInFlight() throws Exception {
        VirtualSender sender = new VirtualSender(time, (i, r) -> VirtualSender.Plan.succeedAfter(1000 * MS));
        LoadDriver driver = new LoadDriver(sender, RequestMix.defaults(), time);

        RunSummary summary = driver.runClosedLoop(3, window(0, 10), new Random(1));

        assertEquals(3, sender.maxConcurrent());
        assertEquals(30, summary.completed());
        assertEquals(1000.0, summary.timeToFinalImage().p50(), 10);
        assertEquals(3.0, summary.imagesPerSecond(), 0.31);
        assertEquals("closed", summary.toJsonMap().get("mode"));
    }

    @Test
    void equalSeedsSendEqualRequests() throws Exception {
        VirtualSender first = new VirtualSender(time, (i, r) -> VirtualSender.Plan.succeedAfter(100 * MS));
        openLoop(first, RequestMix.defaults(), 5, window(0, 5));
        VirtualTime other = new VirtualTime();
        VirtualSender second = new VirtualSender(other, (i, r) -> VirtualSender.Plan.succeedAfter(100 * MS));
        new LoadDriver(second, RequestMix.defaults(), other)
                .runOpenLoop(new PoissonArrivals(5, new Random(5)), window(0, 5), new Random(6));

        assertEquals(first.sent().size(), second.sent().size());
        for (int i = 0; i < first.sent().size(); i++) {
            assertEquals(first.sent().get(i).request(), second.sent().get(i).request());
        }
    }
}
