package dev.strobe.server;

import dev.strobe.scheduler.SchedulerMetrics;
import dev.strobe.service.WaitEstimator;

/**
 * Passes the batcher's observations to the metrics and the device's busy time (every encode,
 * denoise and decode call) to the deadline estimate. Output (PNG/JPEG encoding) runs on other
 * threads beside the device, so it is not device time. Called on the device and output threads.
 */
final class DeviceTime implements SchedulerMetrics {
    private final SchedulerMetrics metrics;
    private final WaitEstimator waits;

    DeviceTime(SchedulerMetrics metrics, WaitEstimator waits) {
        this.metrics = metrics;
        this.waits = waits;
    }

    @Override
    public void batch(Stage stage, String model, int size, long nanos) {
        if (stage != Stage.OUTPUT) {
            waits.deviceBusy(nanos);
        }
        metrics.batch(stage, model, size, nanos);
    }

    @Override
    public void queueWait(long nanos) {
        metrics.queueWait(nanos);
    }

    @Override
    public void nonFiniteImage(String model) {
        metrics.nonFiniteImage(model);
    }
}
