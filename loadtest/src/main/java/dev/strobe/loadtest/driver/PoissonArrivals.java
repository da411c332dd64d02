package dev.strobe.loadtest.driver;

import java.util.Random;

/**
 * Poisson arrivals at a mean rate: the gaps are independent exponential draws with mean {@code 1/rate},
 * taken from a seeded {@link Random} so that a run's arrival times repeat exactly for the same seed.
 * Random arrivals (rather than a fixed interval) expose queueing that evenly spaced requests hide.
 * Not thread-safe; the driver thread owns it.
 */
public final class PoissonArrivals implements ArrivalProcess {

    private final double ratePerSecond;
    private final Random random;

    public PoissonArrivals(double ratePerSecond, Random random) {
        if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
            throw new LoadConfigurationException(
                    "the arrival rate must be a positive number of requests per second, got " + ratePerSecond);
        }
        this.ratePerSecond = ratePerSecond;
        this.random = random;
    }

    @Override
    public long nextGapNanos() {
        // Inverse transform: -ln(U)/rate with U in (0, 1]; 1 - nextDouble() avoids ln(0).
        double u = 1.0 - random.nextDouble();
        return Math.round(-Math.log(u) / ratePerSecond * 1e9);
    }

    @Override
    public double ratePerSecond() {
        return ratePerSecond;
    }
}
