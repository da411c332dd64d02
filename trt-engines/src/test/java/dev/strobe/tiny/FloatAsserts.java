package dev.strobe.tiny;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Float-array comparisons and statistics for the tiny-model tests. */
final class FloatAsserts {
    private FloatAsserts() {}

    /** Fails unless |actual - expected| <= abs + rel * |expected| everywhere. */
    static void assertClose(float[] expected, float[] actual, double abs, double rel, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(actual[i] - expected[i]);
            double allowed = abs + rel * Math.abs(expected[i]);
            if (!(err <= allowed) && (at < 0 || err - allowed > worst)) {
                worst = err - allowed;
                at = i;
            }
        }
        if (at >= 0) {
            fail(String.format(
                    "%s differs at %d: expected %.8g, got %.8g (max abs error %.3g, allowed %.3g + %.3g rel)",
                    what, at, expected[at], actual[at], maxAbsDiff(expected, actual), abs, rel));
        }
    }

    static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    static double meanAbsDiff(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += Math.abs(a[i] - b[i]);
        }
        return s / a.length;
    }

    static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    /** Items {@code b} of a batch of {@code batch} equal-sized items. */
    static float[] item(float[] all, int batch, int b) {
        int n = all.length / batch;
        return Arrays.copyOfRange(all, b * n, (b + 1) * n);
    }

    static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] out = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    static float[] gaussian(long seed, int n, double std) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i += 2) {
            double u1 = 1 - r.nextDouble();
            double u2 = r.nextDouble();
            double rad = Math.sqrt(-2 * Math.log(u1)) * std;
            out[i] = (float) (rad * Math.cos(2 * Math.PI * u2));
            if (i + 1 < n) {
                out[i + 1] = (float) (rad * Math.sin(2 * Math.PI * u2));
            }
        }
        return out;
    }
}
