package dev.strobe.loadtest.bench;

import dev.strobe.scheduler.DenoiseOrder;

/**
 * One server configuration the benchmark measures.
 *
 * @param key its name in the JSON line
 * @param maxBatch UNet images per call
 * @param order the denoise order
 */
record ServerConfig(String key, int maxBatch, DenoiseOrder order) {

    /** A readable name for the table. */
    String label() {
        return "max_batch " + maxBatch + (maxBatch > 1 ? ", " + order.optionValue() : "");
    }
}
