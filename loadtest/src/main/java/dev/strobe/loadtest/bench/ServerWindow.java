package dev.strobe.loadtest.bench;

import dev.strobe.loadtest.driver.RunSummary;
import java.util.Map;

/**
 * One measured server run and the pipeline's own pace measured right before and right after it,
 * so that their ratio compares windows a few seconds apart (a neighbour's load shifts them alike,
 * and a steady drift cancels out between before and after).
 *
 * @param summary the load driver's figures
 * @param meanBatches mean items per engine call by stage, from the server's metrics
 * @param engineBefore the pipeline alone at the round's best batch size, just before this run
 * @param engineAfter the same, just after this run
 * @param othersCpu share of the machine's CPU that other processes used during this run (NaN
 *     where unknown)
 * @param cpuEfficiency images per CPU-second of this process in the server run (server and load
 *     driver) over the same for the pipeline runs around it: a figure that other processes'
 *     load hardly moves (NaN where unknown)
 */
record ServerWindow(
        RunSummary summary,
        Map<String, Double> meanBatches,
        double engineBefore,
        double engineAfter,
        double othersCpu,
        double cpuEfficiency) {

    double imagesPerSecond() {
        return summary.imagesPerSecond();
    }

    /** The pipeline's pace around this run: the mean of the runs before and after it. */
    double engine() {
        return (engineBefore + engineAfter) / 2;
    }

    /** Server throughput over the pipeline's, measured back to back. */
    double efficiency() {
        return summary.imagesPerSecond() / engine();
    }

    double meanUnetBatch() {
        return meanBatches.getOrDefault("denoise", 0.0);
    }

    double ttfpP50() {
        return nan(summary.timeToFirstPreview().p50());
    }

    double ttfpP99() {
        return nan(summary.timeToFirstPreview().p99());
    }

    double latencyP50() {
        return nan(summary.timeToFinalImage().p50());
    }

    double latencyP99() {
        return nan(summary.timeToFinalImage().p99());
    }

    private static double nan(Double v) {
        return v == null ? Double.NaN : v;
    }
}
