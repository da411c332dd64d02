package dev.strobe.loadtest.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PoissonArrivalsTest {

    private static final int N = 20_000;

    @Test
    void theMeanGapMatchesTheRateWithinStatisticalBounds() {
        double rate = 8.0;
        PoissonArrivals arrivals = new PoissonArrivals(rate, new Random(42));
        double sum = 0;
        double sumSquares = 0;
        for (int i = 0; i < N; i++) {
            double gap = arrivals.nextGapNanos() / 1e9;
            assertTrue(gap >= 0);
            sum += gap;
            sumSquares += gap * gap;
        }
        double mean = sum / N;
        double sd = Math.sqrt(sumSquares / N - mean * mean);
        // The mean of N exponential gaps has a standard error of mean/sqrt(N) (0.7% here): allow 4 of them.
        double tolerance = 4 * (1 / rate) / Math.sqrt(N);
        assertEquals(1 / rate, mean, tolerance);
        // Exponential gaps: the standard deviation equals the mean (a fixed interval would give 0).
        assertEquals(1.0, sd / mean, 0.05);
    }

    @Test
    void aboutOneInEArrivalGapsExceedTheMeanGap() {
        PoissonArrivals arrivals = new PoissonArrivals(2.0, new Random(7));
        int longer = 0;
        for (int i = 0; i < N; i++) {
            if (arrivals.nextGapNanos() > 500_000_000L) {
                longer++;
            }
        }
        // P(gap > mean) = e^-1 for an exponential distribution.
        assertEquals(Math.exp(-1), longer / (double) N, 0.015);
    }

    @Test
    void theSameSeedGivesTheSameArrivals() {
        PoissonArrivals a = new PoissonArrivals(3.0, new Random(99));
        PoissonArrivals b = new PoissonArrivals(3.0, new Random(99));
        PoissonArrivals c = new PoissonArrivals(3.0, new Random(100));
        long[] first = new long[5];
        boolean differs = false;
        for (int i = 0; i < 5; i++) {
            first[i] = a.nextGapNanos();
            assertEquals(first[i], b.nextGapNanos());
            differs |= first[i] != c.nextGapNanos();
        }
        assertTrue(differs);
        assertNotEquals(first[0], first[1]);
    }

    @Test
    void rejectsRatesThatAreNotPositive() {
        LoadConfigurationException e =
                assertThrows(LoadConfigurationException.class, () -> new PoissonArrivals(0, new Random()));
        assertTrue(e.getMessage().contains("positive"), e.getMessage());
        assertThrows(LoadConfigurationException.class, () -> new PoissonArrivals(Double.NaN, new Random()));
    }
}
