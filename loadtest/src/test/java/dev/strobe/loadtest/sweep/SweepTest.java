package dev.strobe.loadtest.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.loadtest.driver.LoadConfigurationException;
import dev.strobe.loadtest.driver.RunSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SweepTest {

    /** A step whose p99 and error ratio are given; throughput follows the rate up to a ceiling. */
    static RunSummary step(double rate, double p99Ms, double errorRatio) {
        long completed = 100;
        long errors = Math.round(completed * errorRatio / (1 - errorRatio));
        RunSummary.Percentiles latency =
                new RunSummary.Percentiles(completed, p99Ms / 2, p99Ms * 0.8, p99Ms, p99Ms, p99Ms / 2);
        RunSummary.Percentiles ttfp = new RunSummary.Percentiles(completed, 50.0, 60.0, 70.0, 80.0, 55.0);
        return new RunSummary(
                RunSummary.Shape.open(rate),
                10,
                1,
                completed + errors,
                completed,
                0,
                completed,
                errors == 0 ? Map.of() : Map.of("RESOURCE_EXHAUSTED", errors),
                errorRatio,
                ttfp,
                latency,
                ttfp,
                Math.min(rate, 3.0),
                Math.min(rate, 3.0),
                rate);
    }

    @Test
    void stopsAtTheFirstStepOverTheLatencyLimitAndReportsTheLastGoodOne() throws Exception {
        List<Double> offered = new ArrayList<>();
        Sweep sweep = new Sweep(
                new SweepPlan(1, 2, 10, 0),
                new SaturationLimits(1000, 0.01),
                rate -> {
                    offered.add(rate);
                    return step(rate, 100 * rate, 0); // p99 grows with load: 1 -> 100 ms ... 8 -> 800, 16 -> 1600
                },
                s -> {});

        SweepResult result = sweep.run();

        assertEquals(List.of(1.0, 2.0, 4.0, 8.0, 16.0), offered);
        assertEquals(8.0, result.saturation().orElseThrow().offeredRate());
        assertEquals(3.0, result.saturation().orElseThrow().summary().imagesPerSecond());
        assertFalse(result.steps().get(4).withinLimits());
        assertTrue(result.stopReason().contains("latency p99"), result.stopReason());
    }

    @Test
    void stopsWhenTheErrorRatioExceedsItsLimit() throws Exception {
        Sweep sweep = new Sweep(
                new SweepPlan(1, 2, 10, 0),
                new SaturationLimits(10_000, 0.05),
                rate -> step(rate, 100, rate >= 4 ? 0.2 : 0.01),
                s -> {});

        SweepResult result = sweep.run();

        assertEquals(3, result.steps().size());
        assertEquals(2.0, result.saturation().orElseThrow().offeredRate());
        assertTrue(result.stopReason().contains("error ratio"), result.stopReason());
    }

    @Test
    void aStepWithoutCompletionsBreaksTheLimits() {
        RunSummary nothing = new RunSummary(
                RunSummary.Shape.open(1),
                10,
                1,
                5,
                0,
                0,
                0,
                Map.of("UNAVAILABLE", 5L),
                1.0,
                new RunSummary.Percentiles(0, null, null, null, null, null),
                new RunSummary.Percentiles(0, null, null, null, null, null),
                new RunSummary.Percentiles(0, null, null, null, null, null),
                0,
                0,
                0.5);
        assertEquals(
                "no request completed",
                new SaturationLimits(1000, 0.5).violation(nothing).orElseThrow());
    }

    @Test
    void runningOutOfStepsSaysTheServerDidNotSaturate() throws Exception {
        SweepResult result = new Sweep(
                        new SweepPlan(1, 1.5, 3, 0),
                        new SaturationLimits(1000, 0.01),
                        rate -> step(rate, 10, 0),
                        s -> {})
                .run();

        assertEquals(3, result.steps().size());
        assertEquals(2.25, result.saturation().orElseThrow().offeredRate());
        assertTrue(result.stopReason().contains("did not saturate"), result.stopReason());
    }

    @Test
    void whenTheFirstStepFailsThereIsNoSaturation() throws Exception {
        SweepResult result = new Sweep(
                        new SweepPlan(1, 2, 5, 0),
                        new SaturationLimits(1000, 0.01),
                        rate -> step(rate, 5000, 0),
                        s -> {})
                .run();

        assertTrue(result.saturation().isEmpty());
        assertNull(result.toJsonMap("r.md", "c.png").get("saturation_rate"));
    }

    @Test
    void thePlanGrowsGeometricallyUpToTheCap() {
        assertEquals(List.of(0.5, 0.75, 1.125, 1.688), new SweepPlan(0.5, 1.5, 4, 0).rates());
        assertEquals(List.of(1.0, 2.0, 4.0), new SweepPlan(1, 2, 10, 5).rates());
        assertThrows(LoadConfigurationException.class, () -> new SweepPlan(1, 1, 5, 0));
        assertThrows(LoadConfigurationException.class, () -> new SaturationLimits(1000, 1.5));
    }
}
