package dev.strobe.pipeline.noise;

/**
 * The 32-bit Mersenne Twister (MT19937) that PyTorch's CPU generator uses, seeded the way
 * {@code torch.manual_seed} seeds it: with the low 32 bits of the seed.
 *
 * <p>Not thread-safe: one instance per noise draw, on the calling thread.
 */
public final class MersenneTwister {
    private static final int N = 624;
    private static final int M = 397;
    private static final int MATRIX_A = 0x9908b0df;
    private static final int UPPER_MASK = 0x80000000;
    private static final int LOWER_MASK = 0x7fffffff;

    private final int[] state = new int[N];
    private int next;

    /** Seeds with {@code seed & 0xFFFFFFFF}, as PyTorch does for any 64-bit seed. */
    public MersenneTwister(long seed) {
        state[0] = (int) seed;
        for (int i = 1; i < N; i++) {
            int prev = state[i - 1];
            state[i] = 1812433253 * (prev ^ (prev >>> 30)) + i;
        }
        next = N;
    }

    /** The next 32-bit output, as an unsigned value in a long (0 .. 2^32 - 1). */
    public long nextUnsigned() {
        return nextInt() & 0xffffffffL;
    }

    /** The next 32-bit output (the bits of an unsigned value). */
    public int nextInt() {
        if (next >= N) {
            twist();
        }
        int y = state[next++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }

    /** PyTorch's {@code random64()}: two outputs, the first as the high half. */
    public long nextLong() {
        long hi = nextUnsigned();
        long lo = nextUnsigned();
        return (hi << 32) | lo;
    }

    private void twist() {
        for (int i = 0; i < N; i++) {
            int y = (state[i] & UPPER_MASK) | (state[(i + 1) % N] & LOWER_MASK);
            int v = state[(i + M) % N] ^ (y >>> 1);
            state[i] = (y & 1) != 0 ? v ^ MATRIX_A : v;
        }
        next = 0;
    }
}
