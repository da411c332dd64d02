package dev.strobe.service;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.errors.ErrorKind;
import dev.strobe.errors.StrobeException;
import dev.strobe.pipeline.ImageSize;
import org.junit.jupiter.api.Test;

/** The deadline estimate with explicit device times and clock values (no real time involved). */
class WaitEstimatorTest {
    private static final long MS = 1_000_000;

    @Test
    void workIsImagesTimesStepsTimesMegapixels() {
        assertEquals(4.0, WaitEstimator.units(1, 4, new ImageSize(1024, 1024)));
        assertEquals(4.0, WaitEstimator.units(2, 8, new ImageSize(512, 512)));
        assertEquals(0.25, WaitEstimator.units(1, 4, new ImageSize(256, 256)));
    }

    @Test
    void withoutACompletedRequestNothingIsRefused() {
        WaitEstimator w = new WaitEstimator(1, 0.1);
        w.deviceBusy(500 * MS);
        assertTrue(Double.isNaN(w.estimateNanos(1)));
        assertDoesNotThrow(() -> w.check(0, 1, 1000));
    }

    @Test
    void theRateIsDeviceTimePerUnitOfCompletedWork() {
        WaitEstimator w = new WaitEstimator(1, 0.1);
        w.deviceBusy(300 * MS);
        w.deviceBusy(100 * MS);
        w.admitted(4);
        w.completed(4);
        assertEquals(100 * MS, w.nanosPerUnit(), 1);
        assertEquals(200 * MS, w.estimateNanos(2), 1);
    }

    @Test
    void olderRequestsWeighLessByAlpha() {
        WaitEstimator w = new WaitEstimator(1, 0.5);
        w.deviceBusy(400 * MS);
        w.completed(4); // 100 ms per unit
        w.deviceBusy(100 * MS);
        w.completed(4); // 25 ms per unit alone; weighted (0.5 * 400 + 100) / (0.5 * 4 + 4) = 50
        assertEquals(50 * MS, w.nanosPerUnit(), 1);
    }

    @Test
    void workAdmittedAndNotFinishedIsAheadOfANewRequest() {
        WaitEstimator w = trained();
        w.admitted(3);
        assertEquals(400 * MS, w.estimateNanos(1), 1);
        w.abandoned(3);
        assertEquals(100 * MS, w.estimateNanos(1), 1);
        assertEquals(0, w.outstandingUnits());
    }

    @Test
    void aDeadlineShorterThanTheEstimateIsRefusedWithTheEstimateAndItsBasis() {
        WaitEstimator w = trained();
        w.admitted(1);
        long arrival = 5_000 * MS;
        StrobeException e = assertThrows(StrobeException.class, () -> w.check(arrival, arrival + 150 * MS, 1));
        assertEquals(ErrorKind.DEADLINE, e.kind());
        assertTrue(
                e.getMessage()
                        .contains("the deadline (150 ms from now) cannot be met: the estimated time to"
                                + " finish is 200 ms (100.00 ms of device time per megapixel-step"),
                e.getMessage());
        assertTrue(
                e.getMessage().contains("1.00 megapixel-steps queued and in flight plus 1.00 for this request"),
                e.getMessage());
        assertDoesNotThrow(() -> w.check(arrival, arrival + 250 * MS, 1));
    }

    @Test
    void theFactorScalesTheEstimateAndZeroTurnsTheCheckOff() {
        WaitEstimator eager = trained(2);
        assertThrows(StrobeException.class, () -> eager.check(0, 150 * MS, 1));
        assertDoesNotThrow(() -> eager.check(0, 250 * MS, 1));
        WaitEstimator off = trained(0);
        assertDoesNotThrow(() -> off.check(0, 1, 1000));
        WaitEstimator any = trained(1);
        assertDoesNotThrow(() -> any.check(0, Long.MAX_VALUE, 1e9), "no deadline, no refusal");
    }

    @Test
    void aNegativeFactorIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new WaitEstimator(-1, 0.1));
        assertThrows(IllegalArgumentException.class, () -> new WaitEstimator(Double.NaN, 0.1));
        assertThrows(IllegalArgumentException.class, () -> new WaitEstimator(1, 0));
    }

    /** 100 ms of device time per megapixel-step, nothing outstanding. */
    private static WaitEstimator trained() {
        return trained(1);
    }

    private static WaitEstimator trained(double factor) {
        WaitEstimator w = new WaitEstimator(factor, 0.1);
        w.deviceBusy(100 * MS);
        w.admitted(1);
        w.completed(1);
        return w;
    }
}
