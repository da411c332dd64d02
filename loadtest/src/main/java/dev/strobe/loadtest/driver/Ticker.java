package dev.strobe.loadtest.driver;

/**
 * The load driver's clock: reads a monotonic time and waits until a given time. The real one is
 * {@link SystemTicker}; tests pass a virtual clock so that arrival processes and runs are deterministic
 * and take no wall time. Called by the driver thread ({@link #sleepUntil}) and by completion callbacks
 * ({@link #nanoTime}).
 */
public interface Ticker {

    /** Monotonic time in nanoseconds (only differences mean anything). */
    long nanoTime();

    /** Returns once {@link #nanoTime()} has reached {@code deadlineNanos}; at once if it already has. */
    void sleepUntil(long deadlineNanos) throws InterruptedException;
}
