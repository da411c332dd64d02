package dev.strobe.loadtest.driver;

import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * A discrete-event clock for driver tests: {@link #sleepUntil} runs every task scheduled up to the
 * target time, in time order, and jumps the clock there. Runs take no wall time and repeat exactly.
 * Single-threaded: the driver thread is the only user.
 */
final class VirtualTime implements Ticker {

    private record Task(long at, long sequence, Runnable action) {}

    private final PriorityQueue<Task> tasks =
            new PriorityQueue<>(Comparator.comparingLong(Task::at).thenComparingLong(Task::sequence));
    private long now = 1_000_000_000L;
    private long sequence;

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public void sleepUntil(long deadlineNanos) {
        while (!tasks.isEmpty() && tasks.peek().at() <= deadlineNanos) {
            Task task = tasks.poll();
            now = Math.max(now, task.at());
            task.action().run();
        }
        now = Math.max(now, deadlineNanos);
    }

    /** Runs {@code action} {@code delayNanos} from now. */
    void schedule(long delayNanos, Runnable action) {
        tasks.add(new Task(now + delayNanos, sequence++, action));
    }

    /** Lets {@code nanos} pass, running what falls due (a synchronous, slow call). */
    void advance(long nanos) {
        sleepUntil(now + nanos);
    }
}
