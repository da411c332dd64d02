package dev.strobe.loadtest.sweep;

import dev.strobe.loadtest.driver.LoadConfigurationException;
import dev.strobe.loadtest.driver.RunSummary;
import java.util.Locale;
import java.util.Optional;

/**
 * The stopping rule of a sweep: a step meets the limits when it completed requests, its time to final
 * image p99 is at most {@code maxP99Ms} and its error ratio (errors and incomplete requests over all
 * measured requests) is at most {@code maxErrorRatio}. Immutable.
 */
public record SaturationLimits(double maxP99Ms, double maxErrorRatio) {

    public SaturationLimits {
        if (!(maxP99Ms > 0)) {
            throw new LoadConfigurationException("--max-p99 must be a positive duration, got " + maxP99Ms + " ms");
        }
        if (!(maxErrorRatio >= 0 && maxErrorRatio < 1)) {
            throw new LoadConfigurationException(
                    "--max-errors is a ratio from 0 (no errors allowed) to below 1, got " + maxErrorRatio);
        }
    }

    /** Why {@code step} breaks the limits, or empty when it meets them. */
    public Optional<String> violation(RunSummary step) {
        if (step.completed() == 0) {
            return Optional.of("no request completed");
        }
        Double p99 = step.timeToFinalImage().p99();
        if (p99 == null || p99 > maxP99Ms) {
            return Optional.of(String.format(Locale.ROOT, "latency p99 %.1f ms > %.1f ms", p99, maxP99Ms));
        }
        if (step.errorRatio() > maxErrorRatio) {
            return Optional.of(String.format(Locale.ROOT, "error ratio %.4f > %.4f", step.errorRatio(), maxErrorRatio));
        }
        return Optional.empty();
    }

    /** The limits as one sentence for reports. */
    public String describe() {
        return String.format(
                Locale.ROOT, "latency p99 <= %.0f ms and error ratio <= %.2f%%", maxP99Ms, maxErrorRatio * 100);
    }
}
