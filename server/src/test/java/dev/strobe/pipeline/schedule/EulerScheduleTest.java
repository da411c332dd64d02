package dev.strobe.pipeline.schedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.model.TrainingSchedule;
import org.junit.jupiter.api.Test;

class EulerScheduleTest {
    private static final TrainingSchedule SDXL = TrainingSchedule.sdxl();

    private static void assertRelative(double expected, double actual, double tolerance, String what) {
        assertTrue(
                Math.abs(actual - expected) <= tolerance * Math.abs(expected),
                () -> what + ": expected " + expected + " got " + actual);
    }

    private static void assertSigmas(double[] expected, float[] actual, double tolerance) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] == 0) {
                assertEquals(0.0f, actual[i]);
            } else {
                assertRelative(expected[i], actual[i], tolerance, "sigma " + i);
            }
        }
    }

    @Test
    void referenceVectorsForOneTwoAndFourSteps() {
        EulerSchedule one = EulerSchedule.of(SDXL, 1, TimestepSpacing.TRAILING);
        assertArrayEquals(new double[] {999}, one.timesteps());
        assertSigmas(new double[] {14.614645, 0}, one.sigmas(), 1e-5);

        EulerSchedule two = EulerSchedule.of(SDXL, 2, TimestepSpacing.TRAILING);
        assertArrayEquals(new double[] {999, 499}, two.timesteps());
        assertSigmas(new double[] {14.614645, 1.612887, 0}, two.sigmas(), 1e-5);

        EulerSchedule four = EulerSchedule.of(SDXL, 4, TimestepSpacing.TRAILING);
        assertArrayEquals(new double[] {999, 749, 499, 249}, four.timesteps());
        assertArrayEquals(new float[] {999, 749, 499, 249}, four.modelTimesteps());
        assertSigmas(new double[] {14.614645, 4.081731, 1.612887, 0.693205, 0}, four.sigmas(), 1e-5);
        assertEquals(four.sigma(0), four.initNoiseSigma());
    }

    @Test
    void eightStepsMatchPyTorchsFloat32Table() {
        // Computed with PyTorch ops as diffusers does (float32 linspace with PyTorch 2's scalar
        // fill, ** 2, 1 - b, cumprod, ((1 - a) / a) ** 0.5), printed as Python floats.
        double[] expected = {
            14.614646911621094,
            7.297353744506836,
            4.081730842590332,
            2.4925317764282227,
            1.6128870248794556,
            1.0689518451690674,
            0.6932054162025452,
            0.39774635434150696,
            0
        };
        EulerSchedule eight = EulerSchedule.of(SDXL, 8, TimestepSpacing.TRAILING);
        assertArrayEquals(new double[] {999, 874, 749, 624, 499, 374, 249, 124}, eight.timesteps());
        float[] sigmas = eight.sigmas();
        for (int i = 0; i < expected.length; i++) {
            assertEquals((float) expected[i], sigmas[i], "sigma " + i);
        }
    }

    @Test
    void diffusersFloat32TableDiffersFromComfyUisFloat64Table() {
        // At t = 0 float32 rounding of alpha_bar near 1 dominates: 1 - a loses digits.
        assertEquals(0.029167532920837402f, SDXL.diffusersSigma(0));
        assertEquals(0.029167158529162407f, SDXL.sigma(0));
        assertEquals(14.614641189575195f, SDXL.sigma(999));
    }

    @Test
    void trailingTimestepsUseNumpysArangeRounding() {
        // 48 steps: arange's step is (1000 - 1000/48) - 1000, which rounds so that element 3 is
        // 937.4999999999999 instead of 937.5, and element 15 is 687.4999999999999; round() gives
        // 937 and 687, minus 1: 936 and 686 (a naive round(1000 - k * 1000 / 48) - 1 gives 937, 687).
        double[] t = EulerSchedule.of(SDXL, 48, TimestepSpacing.TRAILING).timesteps();
        assertEquals(936, t[3]);
        assertEquals(686, t[15]);
        // 16 steps of 62.5: half-way values round to even (812.5 -> 812, 937.5 -> 938, 687.5 -> 688,
        // 562.5 -> 562), where rounding half up would give 813 and 563.
        assertArrayEquals(
                new double[] {999, 937, 874, 811, 749, 687, 624, 561, 499, 437, 374, 311, 249, 187, 124, 61},
                EulerSchedule.of(SDXL, 16, TimestepSpacing.TRAILING).timesteps());
        assertArrayEquals(
                new double[] {999, 666, 332},
                EulerSchedule.of(SDXL, 3, TimestepSpacing.TRAILING).timesteps());
    }

    @Test
    void everyStepCountFrom1To50IsAValidDecreasingSchedule() {
        for (TimestepSpacing spacing : TimestepSpacing.values()) {
            for (int n = 1; n <= 50; n++) {
                EulerSchedule s = EulerSchedule.of(SDXL, n, spacing);
                double[] t = s.timesteps();
                float[] sigmas = s.sigmas();
                assertEquals(n, t.length);
                assertEquals(n + 1, sigmas.length);
                assertEquals(999, t[0]);
                assertEquals(0.0f, sigmas[n]);
                for (int k = 1; k < n; k++) {
                    assertTrue(t[k] < t[k - 1], spacing + " " + n + " timesteps decrease");
                    assertTrue(sigmas[k] < sigmas[k - 1], spacing + " " + n + " sigmas decrease");
                }
                assertTrue(t[n - 1] > 0);
            }
        }
    }

    @Test
    void sgmUniformUsesFractionalTimestepsAndComfyUiNoiseScaling() {
        EulerSchedule s = EulerSchedule.of(SDXL, 4, TimestepSpacing.SGM_UNIFORM);
        assertArrayEquals(new double[] {999, 749.25, 499.5, 249.75}, s.timesteps());
        // ComfyUI's ModelSamplingDiscrete.sigma() evaluated with PyTorch; its exp may differ by
        // one float32 unit from a correctly rounded exp.
        assertSigmas(
                new double[] {14.614640235900879, 4.086081027984619, 1.6155803203582764, 0.6951495409011841, 0},
                s.sigmas(),
                2.5e-7);
        // The UNet gets the integer timestep nearest in log-sigma: 749.25 -> 749, 249.75 -> 250;
        // 499.5 is a tie that ComfyUI's float32 arithmetic resolves to 500.
        assertArrayEquals(new float[] {999, 749, 500, 250}, s.modelTimesteps());
        float s0 = s.sigma(0);
        assertEquals((float) Math.sqrt(1 + s0 * s0), s.initNoiseSigma());
        assertRelative(14.648812294006348, s.initNoiseSigma(), 2.5e-7, "init noise sigma");
    }

    @Test
    void numpyArangeLengthAndElements() {
        assertArrayEquals(new double[] {1000, 750, 500, 250}, EulerSchedule.numpyArange(1000, 0, -250));
        assertEquals(3, EulerSchedule.numpyArange(1000, 0, -1000.0 / 3).length);
        assertEquals(0, EulerSchedule.numpyArange(0, 10, -1).length);
    }

    @Test
    void badStepCountsAndNamesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> EulerSchedule.of(SDXL, 0, TimestepSpacing.TRAILING));
        assertThrows(IllegalArgumentException.class, () -> EulerSchedule.of(SDXL, 1001, TimestepSpacing.TRAILING));
        // numpy's arange(1000, 0, -1000/61) has 62 elements (1000 / (1000 / 61) rounds above 61):
        // diffusers would run 62 steps; strobe refuses the count instead of running a different one.
        assertThrows(IllegalArgumentException.class, () -> EulerSchedule.of(SDXL, 61, TimestepSpacing.TRAILING));
        assertEquals(61, EulerSchedule.of(SDXL, 61, TimestepSpacing.SGM_UNIFORM).steps());
        assertEquals(TimestepSpacing.SGM_UNIFORM, TimestepSpacing.parse("sgm_uniform"));
        assertEquals(TimestepSpacing.TRAILING, TimestepSpacing.parse(" Trailing "));
        assertEquals(PredictionType.SAMPLE, PredictionType.parse("sample"));
        assertEquals(PredictionType.EPSILON, PredictionType.parse("EPSILON"));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> TimestepSpacing.parse("leading"));
        assertTrue(e.getMessage().contains("leading"));
        assertThrows(IllegalArgumentException.class, () -> PredictionType.parse("v_prediction"));
        assertThrows(IllegalArgumentException.class, () -> PredictionType.parse(null));
    }
}
