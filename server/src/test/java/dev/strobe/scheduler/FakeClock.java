package dev.strobe.scheduler;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A nanosecond clock that moves only when a test (or a fake engine) advances it. */
final class FakeClock implements LongSupplier {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Override
    public long getAsLong() {
        return now.get();
    }

    void advanceMillis(long ms) {
        now.addAndGet(ms * 1_000_000L);
    }
}
