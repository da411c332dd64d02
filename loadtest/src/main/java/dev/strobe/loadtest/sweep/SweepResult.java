package dev.strobe.loadtest.sweep;

import dev.strobe.loadtest.driver.RunSummary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a sweep found: every step with its verdict, the saturation step (the highest offered rate that
 * met the limits) and why the sweep stopped. Immutable.
 */
public record SweepResult(SaturationLimits limits, List<Step> steps, String stopReason) {

    /** One offered rate and its measurements; {@code violation} is null when it met the limits. */
    public record Step(double offeredRate, RunSummary summary, String violation) {
        public boolean withinLimits() {
            return violation == null;
        }
    }

    public SweepResult {
        steps = List.copyOf(steps);
    }

    /** The highest step that met the limits, if any did. */
    public Optional<Step> saturation() {
        Step best = null;
        for (Step s : steps) {
            if (s.withinLimits() && (best == null || s.offeredRate() > best.offeredRate())) {
                best = s;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The one-line JSON object of the sweep. */
    public Map<String, Object> toJsonMap(String reportPath, String chartPath) {
        Map<String, Object> m = new LinkedHashMap<>();
        Optional<Step> sat = saturation();
        m.put("saturation_rate", sat.map(Step::offeredRate).orElse(null));
        m.put(
                "saturation_images_per_s",
                sat.map(s -> s.summary().imagesPerSecond()).orElse(null));
        m.put(
                "saturation_latency_p99_ms",
                sat.map(s -> s.summary().timeToFinalImage().p99()).orElse(null));
        m.put("max_p99_ms", limits.maxP99Ms());
        m.put("max_error_ratio", limits.maxErrorRatio());
        m.put("stop_reason", stopReason);
        List<Map<String, Object>> stepMaps = new ArrayList<>();
        for (Step s : steps) {
            Map<String, Object> stepMap = new LinkedHashMap<>(s.summary().toJsonMap());
            stepMap.put("within_limits", s.withinLimits());
            stepMap.put("violation", s.violation());
            stepMaps.add(stepMap);
        }
        m.put("steps", stepMaps);
        m.put("report", reportPath);
        m.put("chart", chartPath);
        return m;
    }
}
