package dev.strobe.loadtest.sweep;

import dev.strobe.loadtest.driver.RunSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Raises the offered load step by step until a step breaks the {@link SaturationLimits} (or the plan
 * runs out of steps), to find the highest rate the server sustains. Runs on the caller's thread; each
 * step is one open-loop run through the given {@link StepRunner}.
 */
public final class Sweep {

    /** Runs one open-loop step at an offered rate. */
    @FunctionalInterface
    public interface StepRunner {
        RunSummary run(double offeredRate) throws InterruptedException;
    }

    private final SweepPlan plan;
    private final SaturationLimits limits;
    private final StepRunner runner;
    private final Consumer<SweepResult.Step> onStep;

    /**
     * @param onStep called after every step (progress output); may be a no-op
     */
    public Sweep(SweepPlan plan, SaturationLimits limits, StepRunner runner, Consumer<SweepResult.Step> onStep) {
        this.plan = plan;
        this.limits = limits;
        this.runner = runner;
        this.onStep = onStep;
    }

    public SweepResult run() throws InterruptedException {
        List<SweepResult.Step> steps = new ArrayList<>();
        List<Double> rates = plan.rates();
        for (double rate : rates) {
            RunSummary summary = runner.run(rate);
            Optional<String> violation = limits.violation(summary);
            SweepResult.Step step = new SweepResult.Step(rate, summary, violation.orElse(null));
            steps.add(step);
            onStep.accept(step);
            if (violation.isPresent()) {
                return new SweepResult(
                        limits,
                        steps,
                        String.format(java.util.Locale.ROOT, "%.3f req/s broke the limits: %s", rate, violation.get()));
            }
        }
        return new SweepResult(
                limits,
                steps,
                String.format(
                        java.util.Locale.ROOT,
                        "every planned rate up to %.3f req/s met the limits; the server did not saturate (raise --max-steps or --factor)",
                        rates.get(rates.size() - 1)));
    }
}
