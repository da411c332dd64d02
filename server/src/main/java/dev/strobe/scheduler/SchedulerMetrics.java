package dev.strobe.scheduler;

/**
 * Observer of the batcher's work, for the metrics endpoint. Called on the device and output
 * threads; implementations must be cheap and thread-safe.
 */
public interface SchedulerMetrics {

    /** The batcher's stages. */
    enum Stage {
        ENCODE,
        DENOISE,
        DECODE,
        OUTPUT
    }

    /** One call of a stage over {@code size} items took {@code nanos}. */
    void batch(Stage stage, String model, int size, long nanos);

    /** A request waited {@code nanos} between admission and the start of its text encoding. */
    void queueWait(long nanos);

    /** The VAE decoder gave an image with NaN or infinite values (an fp16 overflow); it was not delivered. */
    default void nonFiniteImage(String model) {}

    SchedulerMetrics NONE = new SchedulerMetrics() {
        @Override
        public void batch(Stage stage, String model, int size, long nanos) {}

        @Override
        public void queueWait(long nanos) {}
    };
}
