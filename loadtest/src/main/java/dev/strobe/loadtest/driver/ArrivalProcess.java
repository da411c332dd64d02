package dev.strobe.loadtest.driver;

/** The gaps between request arrivals of an open-loop run. Used by the driver thread only. */
public interface ArrivalProcess {

    /** Nanoseconds from the previous arrival (or the start) to the next arrival. */
    long nextGapNanos();

    /** The mean number of arrivals per second. */
    double ratePerSecond();
}
