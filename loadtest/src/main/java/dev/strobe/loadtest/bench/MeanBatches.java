package dev.strobe.loadtest.bench;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.Map;
import java.util.TreeMap;

/** Means per engine call by stage, read from a server's histograms labelled by stage. */
final class MeanBatches {
    private MeanBatches() {}

    /** Mean items per call by stage (strobe_batch_size). */
    static Map<String, Double> of(PrometheusRegistry registry) {
        return meanByStage(registry, "strobe_batch_size", 1);
    }

    /** Mean milliseconds per call by stage (strobe_stage_seconds; for denoise, one step of a batch). */
    static Map<String, Double> callMillis(PrometheusRegistry registry) {
        return meanByStage(registry, "strobe_stage_seconds", 1000);
    }

    private static Map<String, Double> meanByStage(PrometheusRegistry registry, String name, double scale) {
        Map<String, Double> out = new TreeMap<>();
        for (MetricSnapshot m : registry.scrape()) {
            if (!(m instanceof HistogramSnapshot h)
                    || !h.getMetadata().getName().equals(name)) {
                continue;
            }
            Map<String, double[]> sums = new TreeMap<>();
            for (HistogramSnapshot.HistogramDataPointSnapshot p : h.getDataPoints()) {
                String stage = p.getLabels().get("stage");
                double[] acc = sums.computeIfAbsent(stage, k -> new double[2]);
                acc[0] += p.getSum();
                acc[1] += p.getCount();
            }
            sums.forEach((stage, acc) ->
                    out.put(stage, acc[1] == 0 ? 0 : Math.round(100 * scale * acc[0] / acc[1]) / 100.0));
        }
        return out;
    }
}
