package dev.strobe.pipeline.noise;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MersenneTwisterTest {

    @Test
    void defaultSeedGivesTheOutputsTheCppStandardRequires() {
        // [rand.predef]: the 10000th output of a default-constructed std::mt19937 (seed 5489)
        // is 4123659995; its first output is 3499211612.
        MersenneTwister mt = new MersenneTwister(5489);
        assertEquals(3499211612L, mt.nextUnsigned());
        for (int i = 2; i < 10000; i++) {
            mt.nextInt();
        }
        assertEquals(4123659995L, mt.nextUnsigned());
    }

    @Test
    void onlyTheLow32BitsOfTheSeedCount() {
        MersenneTwister a = new MersenneTwister(42);
        MersenneTwister b = new MersenneTwister(42 + (1L << 32));
        MersenneTwister c = new MersenneTwister(42 - (1L << 40));
        for (int i = 0; i < 1000; i++) {
            int v = a.nextInt();
            assertEquals(v, b.nextInt());
            assertEquals(v, c.nextInt());
        }
    }

    @Test
    void random64PutsTheFirstOutputInTheHighHalf() {
        MersenneTwister words = new MersenneTwister(7);
        long hi = words.nextUnsigned();
        long lo = words.nextUnsigned();
        assertEquals((hi << 32) | lo, new MersenneTwister(7).nextLong());
    }
}
