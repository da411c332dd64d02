package dev.strobe.client.cli;

import dev.strobe.client.ClientConfigurationException;
import dev.strobe.client.RetryPolicy;
import dev.strobe.client.StrobeClient;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * Deadline and retry options of the interactive tools (generate, models), a picocli mixin. Filled by
 * picocli, read once on the main thread.
 */
public final class CallOptions {

    @Option(
            names = "--deadline",
            paramLabel = "DURATION",
            defaultValue = "60s",
            converter = DurationConverter.class,
            description =
                    "Time allowed for the whole call including retries, e.g. 500ms, 60s, 2m; 0 for none (default: ${DEFAULT-VALUE}).")
    Duration deadline;

    @Option(
            names = "--retries",
            paramLabel = "N",
            defaultValue = "3",
            description =
                    "Retries on UNAVAILABLE or RESOURCE_EXHAUSTED before the first event (default: ${DEFAULT-VALUE}).")
    int retries;

    /** Applies the deadline and the retry budget to {@code builder}. */
    StrobeClient.Builder applyTo(StrobeClient.Builder builder) {
        if (retries < 0) {
            throw new ClientConfigurationException("--retries must be 0 or more, got " + retries);
        }
        return builder.defaultDeadline(deadline.isZero() || deadline.isNegative() ? null : deadline)
                .retryPolicy(RetryPolicy.withAttempts(retries + 1));
    }
}
