package dev.strobe.service.stream;

import java.time.Duration;

/**
 * Server-side limits on how long a stream may hold memory, whatever its client does.
 *
 * @param maxAge a stream still open this long after it was admitted is ended with DEADLINE_EXCEEDED
 *     and its generation cancelled (bounds a client that sets no deadline)
 * @param finishedIdle a stream whose generation has finished, and whose client has taken no event
 *     for this long, is ended with ABORTED (a client that neither reads nor cancels)
 */
public record StreamLimits(Duration maxAge, Duration finishedIdle) {
    public StreamLimits {
        if (maxAge.isNegative() || maxAge.isZero() || finishedIdle.isNegative() || finishedIdle.isZero()) {
            throw new IllegalArgumentException("stream limits must be positive, got max age " + maxAge
                    + " and finished-stream idle time " + finishedIdle);
        }
    }

    public static StreamLimits defaults() {
        return new StreamLimits(Duration.ofMinutes(10), Duration.ofSeconds(30));
    }
}
