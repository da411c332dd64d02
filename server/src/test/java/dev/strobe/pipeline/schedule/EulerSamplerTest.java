package dev.strobe.pipeline.schedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.strobe.model.TrainingSchedule;
import org.junit.jupiter.api.Test;

class EulerSamplerTest {

    @Test
    void modelInputIsDividedBySqrtOfSigmaSquaredPlusOne() {
        float[] out = new float[3];
        // 0.75^2 + 1 = 1.5625, whose square root 1.25 is exact.
        EulerSampler.scaleModelInput(new float[] {2.5f, -1.25f, 0f}, 0.75f, out);
        assertArrayEquals(new float[] {2f, -1f, 0f}, out);
    }

    @Test
    void denoisedPerPredictionType() {
        float[] x = {3f, 1f};
        float[] model = {0.5f, -0.25f};
        float[] out = new float[2];
        EulerSampler.denoised(x, model, 2f, PredictionType.EPSILON, out);
        assertArrayEquals(new float[] {2f, 1.5f}, out); // x - sigma * eps
        EulerSampler.denoised(x, model, 2f, PredictionType.SAMPLE, out);
        assertArrayEquals(model, out);
    }

    @Test
    void stepMovesAlongTheStraightLineToX0() {
        // derivative (3 - 1) / 2 = 1, dt = 1 - 2 = -1: x = 3 - 1 = 2.
        float[] x = {3f};
        EulerSampler.step(x, new float[] {1f}, 2f, 1f);
        assertArrayEquals(new float[] {2f}, x);
        // To sigma 0 the step lands on x0_hat.
        float[] y = {5f, -7f};
        EulerSampler.step(y, new float[] {0.5f, 0.25f}, 4f, 0f);
        assertArrayEquals(new float[] {0.5f, 0.25f}, y);
    }

    @Test
    void float32OperationOrderMatchesDiffusers() {
        // Expected values computed by PyTorch running diffusers' expressions in float32:
        // x / ((sigma**2 + 1) ** 0.5), x - sigma * out, x + ((x - x0) / sigma) * (next - sigma).
        float sigma = 14.614647f;
        float next = 4.081731f;
        float[] x = {0.1f, -1.7f, 2.3f, 0.0f};
        float[] model = {0.37f, -0.9f, 1.25f, -2.0f};
        float[] in = new float[4];
        EulerSampler.scaleModelInput(x, sigma, in);
        assertArrayEquals(new float[] {0.006826488766819239f, -0.11605031788349152f, 0.15700924396514893f, 0.0f}, in);
        float[] x0 = new float[4];
        EulerSampler.denoised(x, model, sigma, PredictionType.EPSILON, x0);
        assertArrayEquals(
                new float[] {-5.307419300079346f, 11.453182220458984f, -15.968308448791504f, 29.229293823242188f}, x0);
        EulerSampler.step(x, x0, sigma, next);
        assertArrayEquals(
                new float[] {-3.7971787452697754f, 7.779623985290527f, -10.866145133972168f, 21.065832138061523f}, x);
    }

    @Test
    void slicesTouchOnlyTheirRange() {
        float[] batch = {9f, 3f, 3f, 9f};
        float[] x0 = {0f, 1f, 1f, 0f};
        EulerSampler.step(batch, 1, x0, 1, 2f, 1f, 2);
        assertArrayEquals(new float[] {9f, 2f, 2f, 9f}, batch);
        float[] out = {7f, 7f, 7f};
        EulerSampler.denoised(
                new float[] {1f, 1f}, 0, new float[] {0.5f, 0.5f}, 0, 2f, PredictionType.EPSILON, out, 1, 2);
        assertArrayEquals(new float[] {7f, 0f, 0f}, out);
        assertThrows(IllegalArgumentException.class, () -> EulerSampler.step(batch, 3, x0, 0, 2f, 1f, 2));
        assertThrows(IllegalArgumentException.class, () -> EulerSampler.step(batch, x0, 0f, 0f));
    }

    @Test
    void perfectEpsilonModelRecoversTheCleanLatentOverAFullRun() {
        EulerSchedule schedule = EulerSchedule.of(TrainingSchedule.sdxl(), 4, TimestepSpacing.TRAILING);
        float[] clean = {0.5f, -0.25f, 1.0f};
        float[] noise = {1.2f, -0.7f, 0.3f};
        float[] x = new float[3];
        for (int i = 0; i < 3; i++) {
            x[i] = clean[i] + schedule.initNoiseSigma() * noise[i];
        }
        float[] x0 = new float[3];
        for (int k = 0; k < schedule.steps(); k++) {
            float sigma = schedule.sigma(k);
            float[] eps = new float[3];
            for (int i = 0; i < 3; i++) {
                eps[i] = (x[i] - clean[i]) / sigma; // the noise a perfect model would predict
            }
            EulerSampler.denoised(x, eps, sigma, PredictionType.EPSILON, x0);
            EulerSampler.step(x, x0, sigma, schedule.sigma(k + 1));
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(clean[i], x[i], 1e-5f);
        }
    }
}
