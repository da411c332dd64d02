package dev.strobe.loadtest.bench;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.Map;
import java.util.TreeMap;

/** Mean items per engine call by stage, read from a server's strobe_batch_size histogram. */
final class MeanBatches {
    private MeanBatches() {}

    static Map<String, Double> of(PrometheusRegistry registry) {
        Map<String, Double> out = new TreeMap<>();
        for (MetricSnapshot m : registry.scrape()) {
            if (!(m instanceof HistogramSnapshot h)
                    || !h.getMetadata().getName().equals("strobe_batch_size")) {
                continue;
            }
            Map<String, double[]> sums = new TreeMap<>();
            for (HistogramSnapshot.HistogramDataPointSnapshot p : h.getDataPoints()) {
                String stage = p.getLabels().get("stage");
                double[] acc = sums.computeIfAbsent(stage, k -> new double[2]);
                acc[0] += p.getSum();
                acc[1] += p.getCount();
            }
            sums.forEach((stage, acc) -> out.put(stage, acc[1] == 0 ? 0 : Math.round(100 * acc[0] / acc[1]) / 100.0));
        }
        return out;
    }
}
