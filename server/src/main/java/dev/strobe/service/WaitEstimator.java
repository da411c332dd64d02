package dev.strobe.service;

import dev.strobe.errors.ErrorKind;
import dev.strobe.errors.StrobeException;
import dev.strobe.pipeline.ImageSize;
import java.util.Locale;

/**
 * Estimates how long a new request would take to finish, so that a request whose deadline the
 * queue cannot meet is refused at once with DEADLINE_EXCEEDED instead of failing after it used the
 * device.
 *
 * <p>Work is counted in <em>megapixel-steps</em>: one UNet step of one image of 2^20 pixels
 * (1024x1024). A request for n images of w x h pixels with s steps is n * s * w * h / 2^20.
 * The device's cost of that work is learned from completed requests: every engine call adds its
 * duration to the device time ({@link #deviceBusy}), every completed request adds its work
 * ({@link #completed}), and the ratio of the two, both exponentially weighted (each completion
 * keeps {@code 1 - alpha} of the history), is the recent device time per megapixel-step. It
 * already reflects how well the device batched: batched work costs less device time per unit.
 *
 * <p>Rule: {@code estimate = secondsPerMegapixelStep * (work admitted and not yet finished + the
 * request's own work)}, refused when {@code arrival + factor * estimate > deadline}. Requests in
 * flight count whole (an upper bound); before the first completed request there is no estimate
 * and nothing is refused. A factor of 0 disables the check.
 *
 * <p>Threads: {@link #deviceBusy} is called on the device thread, the others on request and output
 * threads; all are synchronized (a few hundred calls per second at most).
 */
public final class WaitEstimator {
    /** Pixels of one megapixel in this unit: 1024 x 1024. */
    static final double PIXELS_PER_UNIT = 1 << 20;

    private final double factor;
    private final double keep;

    // Guarded by this.
    private double weightedBusyNanos;
    private double weightedUnits;
    private long busySinceCompletion;
    private double outstandingUnits;

    /**
     * @param factor multiplies the estimate before it is compared with the deadline; 0 disables
     *     early refusals, values above 1 refuse more eagerly
     * @param alpha weight of each completed request in the average, in (0, 1]
     */
    public WaitEstimator(double factor, double alpha) {
        if (!(factor >= 0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("the deadline estimate factor must be >= 0, got " + factor);
        }
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1], got " + alpha);
        }
        this.factor = factor;
        this.keep = 1 - alpha;
    }

    /** Refuses nothing (factor 0). */
    public static WaitEstimator disabled() {
        return new WaitEstimator(0, 0.1);
    }

    /** The work of a request in megapixel-steps. */
    public static double units(int images, int steps, ImageSize size) {
        return (double) images * steps * size.width() * size.height() / PIXELS_PER_UNIT;
    }

    /** An engine call of the device took this long (device thread). */
    public synchronized void deviceBusy(long nanos) {
        busySinceCompletion += Math.max(0, nanos);
    }

    /** A request with this much work was admitted. */
    public synchronized void admitted(double units) {
        outstandingUnits += units;
    }

    /** An admitted request completed: its work is no longer outstanding and it teaches the rate. */
    public synchronized void completed(double units) {
        outstandingUnits = Math.max(0, outstandingUnits - units);
        weightedBusyNanos = keep * weightedBusyNanos + busySinceCompletion;
        weightedUnits = keep * weightedUnits + units;
        busySinceCompletion = 0;
    }

    /** An admitted request ended without completing (error, cancel, deadline). */
    public synchronized void abandoned(double units) {
        outstandingUnits = Math.max(0, outstandingUnits - units);
    }

    /** Recent device nanoseconds per megapixel-step; NaN before the first completed request. */
    public synchronized double nanosPerUnit() {
        return weightedUnits > 0 ? weightedBusyNanos / weightedUnits : Double.NaN;
    }

    /** Megapixel-steps admitted and not finished. */
    public synchronized double outstandingUnits() {
        return outstandingUnits;
    }

    /** Estimated nanoseconds until a new request with this much work would finish; NaN without data. */
    public synchronized double estimateNanos(double ownUnits) {
        return nanosPerUnit() * (outstandingUnits + ownUnits);
    }

    /**
     * Refuses a request whose deadline the estimate says cannot be met.
     *
     * @param arrivalNanos when it arrived; {@code deadlineNanos} on the same clock
     * @throws StrobeException DEADLINE with the estimate and how it was made
     */
    public void check(long arrivalNanos, long deadlineNanos, double ownUnits) {
        if (factor == 0 || deadlineNanos == Long.MAX_VALUE) {
            return;
        }
        double perUnit;
        double ahead;
        synchronized (this) {
            perUnit = nanosPerUnit();
            ahead = outstandingUnits;
        }
        if (Double.isNaN(perUnit)) {
            return;
        }
        double estimate = factor * perUnit * (ahead + ownUnits);
        double budget = (double) deadlineNanos - arrivalNanos;
        if (estimate > budget) {
            throw new StrobeException(
                    ErrorKind.DEADLINE,
                    String.format(
                            Locale.ROOT,
                            "the deadline (%.0f ms from now) cannot be met: the estimated time to finish is %.0f ms"
                                    + " (%.2f ms of device time per megapixel-step, recently measured, times %.2f"
                                    + " megapixel-steps queued and in flight plus %.2f for this request%s);"
                                    + " allow more time, ask for less work, or retry on a less busy replica",
                            Math.max(0, budget) / 1e6,
                            estimate / 1e6,
                            perUnit / 1e6,
                            ahead,
                            ownUnits,
                            factor == 1 ? "" : String.format(Locale.ROOT, ", times the factor %.2f", factor)));
        }
    }
}
