package dev.strobe.loadtest.bench;

import java.util.Map;

/**
 * The figures of one round of the benchmark: the pipeline alone at each batch size, then each
 * server configuration, each preceded by a short run of the pipeline at its best batch size.
 *
 * @param engine images/s of the pipeline alone by batch size
 * @param maxBatch the batched configurations' UNet max batch
 * @param servers the server runs by configuration key
 */
record BenchRound(Map<Integer, Double> engine, int maxBatch, Map<String, ServerWindow> servers) {

    double engineBest() {
        return engine.values().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    int engineBestBatch() {
        return engine.entrySet().stream()
                .max(Map.Entry.comparingByValue())
                .orElseThrow()
                .getKey();
    }

    double engineGain() {
        return engine.getOrDefault(maxBatch, Double.NaN) / engine.getOrDefault(1, Double.NaN);
    }

    ServerWindow server(String key) {
        ServerWindow w = servers.get(key);
        if (w == null) {
            throw new IllegalArgumentException("no server run " + key + " in this round: " + servers.keySet());
        }
        return w;
    }

    /** Batched server over the server with max_batch 1, within the round. */
    double batchingGain(String batched, String single) {
        return server(batched).imagesPerSecond() / server(single).imagesPerSecond();
    }
}
