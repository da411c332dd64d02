package dev.strobe.loadtest.sweep;

import dev.strobe.loadtest.driver.LoadConfigurationException;
import java.util.ArrayList;
import java.util.List;

/**
 * The offered rates of a sweep: {@code start}, then multiplied by {@code factor} each step, at most
 * {@code maxSteps} steps and never above {@code maxRate} (0 = no cap). Immutable.
 */
public record SweepPlan(double start, double factor, int maxSteps, double maxRate) {

    public SweepPlan {
        if (!(start > 0)) {
            throw new LoadConfigurationException("--start must be a positive rate, got " + start);
        }
        if (!(factor > 1)) {
            throw new LoadConfigurationException("--factor must be above 1 so the load grows, got " + factor);
        }
        if (maxSteps < 1) {
            throw new LoadConfigurationException("--max-steps must be at least 1, got " + maxSteps);
        }
        if (maxRate < 0 || (maxRate > 0 && maxRate < start)) {
            throw new LoadConfigurationException("--max-rate must be 0 (no cap) or at least --start, got " + maxRate);
        }
    }

    /** The rates in order. */
    public List<Double> rates() {
        List<Double> rates = new ArrayList<>();
        double rate = start;
        for (int i = 0; i < maxSteps && (maxRate == 0 || rate <= maxRate * (1 + 1e-9)); i++) {
            rates.add(Math.round(rate * 1000.0) / 1000.0);
            rate *= factor;
        }
        return rates;
    }
}
