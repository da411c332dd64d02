package dev.strobe.service.stream;

/**
 * Which of the previews the batcher produces a stream delivers. The stream drops unwanted frames
 * as they arrive, so they never displace a wanted one in the lossy outbox. Stateless; any thread.
 */
@FunctionalInterface
public interface PreviewSelection {

    /** Whether the preview after 1-based {@code step} of {@code totalSteps} is delivered. */
    boolean wanted(int step, int totalSteps);

    /** Every preview the request's preview options ask for. */
    PreviewSelection ALL = (step, totalSteps) -> true;

    /**
     * At most {@code count} previews, spread evenly over the steps before the last one (whose
     * preview the final image follows at once): step {@code round(i * S / (count + 1))} for
     * i = 1..count, without repeats. A 1-step model has none. E.g. 4 steps: count 1 -> {2},
     * 2 -> {1, 3}, 3 -> {1, 2, 3}; 8 steps: 3 -> {2, 4, 6}.
     */
    static PreviewSelection spreadBeforeLast(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
        return (step, totalSteps) -> {
            if (step < 1 || step >= totalSteps) {
                return false;
            }
            for (int i = 1; i <= count; i++) {
                if (Math.max(1, Math.round((double) i * totalSteps / (count + 1))) == step) {
                    return true;
                }
            }
            return false;
        };
    }
}
