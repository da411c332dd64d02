package dev.strobe.loadtest.driver;

import java.util.concurrent.locks.LockSupport;

/** {@link Ticker} on {@link System#nanoTime()}; sleeps by parking the calling thread. Thread-safe. */
public final class SystemTicker implements Ticker {

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public void sleepUntil(long deadlineNanos) throws InterruptedException {
        long remaining;
        while ((remaining = deadlineNanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(remaining);
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for the next arrival");
            }
        }
    }
}
