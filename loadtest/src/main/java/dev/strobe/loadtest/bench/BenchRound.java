package dev.strobe.loadtest.bench;

import dev.strobe.loadtest.driver.RunSummary;
import java.util.Map;

/**
 * The figures of one round of the benchmark: the pipeline alone at each batch size, then the server
 * batched and unbatched under the same load, measured back to back so that they share the
 * machine's state.
 */
record BenchRound(Map<Integer, Double> engine, int maxBatch, RunSummary batched, RunSummary single,
        Map<String, Double> meanBatches) {

    double engineBest() {
        return engine.values().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    int engineBestBatch() {
        return engine.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    double engineGain() {
        return engine.getOrDefault(maxBatch, Double.NaN) / engine.getOrDefault(1, Double.NaN);
    }

    double serverEfficiency() {
        return batched.imagesPerSecond() / engineBest();
    }

    double batchingGain() {
        return batched.imagesPerSecond() / single.imagesPerSecond();
    }
}
