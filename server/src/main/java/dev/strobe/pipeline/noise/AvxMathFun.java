package dev.strobe.pipeline.noise;

/**
 * Scalar float32 versions of the Cephes-derived {@code log} and {@code sincos} approximations that
 * PyTorch's AVX2 normal kernel evaluates on 8 lanes ({@code log256_ps}, {@code sincos256_ps} of
 * {@code avx_mathfun.h}), operation for operation, so the Box-Muller transform rounds exactly like
 * the vector code. Multiply-adds are fused ({@link Math#fma}) where GCC contracts them when it
 * builds PyTorch's AVX2 kernels with FMA enabled.
 *
 * <p>Valid for the arguments the kernel passes: log of (0, 1], sin/cos of [0, 2 pi). Stateless.
 */
final class AvxMathFun {
    private AvxMathFun() {}

    private static final float SQRTHF = (float) 0.707106781186547524;
    private static final float LOG_P0 = (float) 7.0376836292E-2;
    private static final float LOG_P1 = (float) -1.1514610310E-1;
    private static final float LOG_P2 = (float) 1.1676998740E-1;
    private static final float LOG_P3 = (float) -1.2420140846E-1;
    private static final float LOG_P4 = (float) 1.4249322787E-1;
    private static final float LOG_P5 = (float) -1.6668057665E-1;
    private static final float LOG_P6 = (float) 2.0000714765E-1;
    private static final float LOG_P7 = (float) -2.4999993993E-1;
    private static final float LOG_P8 = (float) 3.3333331174E-1;
    private static final float LOG_Q1 = (float) -2.12194440e-4;
    private static final float LOG_Q2 = (float) 0.693359375;

    private static final float MINUS_DP1 = (float) -0.78515625;
    private static final float MINUS_DP2 = (float) -2.4187564849853515625e-4;
    private static final float MINUS_DP3 = (float) -3.77489497744594108e-8;
    private static final float SIN_P0 = (float) -1.9515295891E-4;
    private static final float SIN_P1 = (float) 8.3321608736E-3;
    private static final float SIN_P2 = (float) -1.6666654611E-1;
    private static final float COS_P0 = (float) 2.443315711809948E-005;
    private static final float COS_P1 = (float) -1.388731625493765E-003;
    private static final float COS_P2 = (float) 4.166664568298827E-002;
    private static final float FOUR_OVER_PI = (float) 1.27323954473516;

    /** Natural log for x in (0, 1]: x = m * 2^e with m in [sqrt(1/2), sqrt(2)), polynomial in m - 1. */
    static float log(float x) {
        int bits = Float.floatToRawIntBits(x);
        float e = (float) ((bits >>> 23) - 0x7f) + 1.0f;
        float m = Float.intBitsToFloat((bits & ~0x7f800000) | Float.floatToRawIntBits(0.5f));
        boolean small = m < SQRTHF;
        float tmp = small ? m : 0.0f;
        m = m - 1.0f;
        e = e - (small ? 1.0f : 0.0f);
        m = m + tmp;
        float z = m * m;
        float y = Math.fma(LOG_P0, m, LOG_P1);
        y = Math.fma(y, m, LOG_P2);
        y = Math.fma(y, m, LOG_P3);
        y = Math.fma(y, m, LOG_P4);
        y = Math.fma(y, m, LOG_P5);
        y = Math.fma(y, m, LOG_P6);
        y = Math.fma(y, m, LOG_P7);
        y = Math.fma(y, m, LOG_P8);
        y = y * m;
        y = Math.fma(y, z, e * LOG_Q1);
        y = Math.fma(-z, 0.5f, y);
        float r = m + y;
        return Math.fma(e, LOG_Q2, r);
    }

    /**
     * sin and cos of x in [0, 2 pi), written to {@code out[0]} (sin) and {@code out[1]} (cos):
     * reduce by multiples of pi/4 in three parts (Cody-Waite), then one of two polynomials.
     */
    static void sincos(float x, float[] out) {
        float ax = Math.abs(x);
        int j = (int) (ax * FOUR_OVER_PI);
        j = (j + 1) & ~1;
        float y = (float) j;
        boolean sinNegative = ((j & 4) != 0) != (x < 0);
        boolean cosNegative = ((j - 2) & 4) == 0;
        boolean sinPoly = (j & 2) == 0;
        float r = Math.fma(y, MINUS_DP1, ax);
        r = Math.fma(y, MINUS_DP2, r);
        r = Math.fma(y, MINUS_DP3, r);
        float z = r * r;
        float c = Math.fma(COS_P0, z, COS_P1);
        c = Math.fma(c, z, COS_P2);
        c = c * z;
        c = Math.fma(c, z, -(z * 0.5f));
        c = c + 1.0f;
        float s = Math.fma(SIN_P0, z, SIN_P1);
        s = Math.fma(s, z, SIN_P2);
        s = s * z;
        s = Math.fma(s, r, r);
        float sin = sinPoly ? s : c;
        float cos = sinPoly ? c : s;
        out[0] = sinNegative ? -sin : sin;
        out[1] = cosNegative ? -cos : cos;
    }
}
