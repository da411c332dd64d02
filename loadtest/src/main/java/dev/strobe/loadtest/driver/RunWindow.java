package dev.strobe.loadtest.driver;

import java.time.Duration;

/**
 * The phases of one run: a warm-up whose requests are sent but not measured, the measured window,
 * and the longest wait for requests still running after the window (those are then cancelled and
 * counted as incomplete).
 */
public record RunWindow(Duration warmup, Duration duration, Duration drainTimeout) {

    public RunWindow {
        if (warmup.isNegative()) {
            throw new LoadConfigurationException("the warm-up cannot be negative, got " + warmup);
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new LoadConfigurationException("the measured duration must be positive, got " + duration);
        }
        if (drainTimeout.isNegative()) {
            throw new LoadConfigurationException("the drain timeout cannot be negative, got " + drainTimeout);
        }
    }
}
