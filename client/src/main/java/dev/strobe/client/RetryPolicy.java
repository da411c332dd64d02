package dev.strobe.client;

import io.grpc.Status;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * When and how often {@link StrobeClient} tries a call again.
 *
 * <p>A call is retried only when it failed with one of {@link #retryableCodes()} (by default
 * UNAVAILABLE: the server is unreachable or restarting, and RESOURCE_EXHAUSTED: its queue is full)
 * and, for {@code Generate}, only when no event of the stream had arrived: a half-delivered stream is
 * never replayed. The wait before retry {@code n} (1-based) is drawn uniformly from
 * {@code [c/2, c]} with {@code c = min(maxBackoff, initialBackoff * multiplier^(n-1))}: exponential
 * growth, with jitter so that many clients shed at the same moment do not come back in lockstep.
 *
 * @param maxAttempts total attempts including the first, at least 1 (1 disables retries)
 */
public record RetryPolicy(
        int maxAttempts,
        Duration initialBackoff,
        Duration maxBackoff,
        double multiplier,
        Set<Status.Code> retryableCodes) {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new ClientConfigurationException(
                    "retry attempts must be at least 1 (1 means no retries), got " + maxAttempts);
        }
        if (initialBackoff == null || initialBackoff.isNegative()) {
            throw new ClientConfigurationException("the initial retry backoff must be zero or positive");
        }
        if (maxBackoff == null || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new ClientConfigurationException(
                    "the maximum retry backoff must be at least the initial backoff (" + initialBackoff + ")");
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new ClientConfigurationException(
                    "the retry backoff multiplier must be a finite number >= 1, got " + multiplier);
        }
        retryableCodes = Set.copyOf(retryableCodes);
    }

    /** 4 attempts, backoff from 200 ms doubling up to 5 s, on UNAVAILABLE and RESOURCE_EXHAUSTED. */
    public static RetryPolicy defaults() {
        return withAttempts(4);
    }

    /** The default backoff and codes with {@code maxAttempts} attempts in all. */
    public static RetryPolicy withAttempts(int maxAttempts) {
        return new RetryPolicy(
                maxAttempts,
                Duration.ofMillis(200),
                Duration.ofSeconds(5),
                2.0,
                EnumSet.of(Status.Code.UNAVAILABLE, Status.Code.RESOURCE_EXHAUSTED));
    }

    /** Every call is tried once; failures surface at once (what a load driver wants). */
    public static RetryPolicy noRetries() {
        return withAttempts(1);
    }

    /** True when a failure with {@code code} may be retried (attempt budget aside). */
    public boolean isRetryable(Status.Code code) {
        return retryableCodes.contains(code);
    }

    /**
     * The wait before retry number {@code retry} (1 = the second attempt).
     *
     * @param unitRandom a uniform random number in [0, 1), supplied by the caller so tests can pin it
     */
    public Duration backoffBeforeRetry(int retry, double unitRandom) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry numbers start at 1, got " + retry);
        }
        double ceilingNanos = initialBackoff.toNanos() * Math.pow(multiplier, retry - 1);
        ceilingNanos = Math.min(ceilingNanos, maxBackoff.toNanos());
        double fraction = 0.5 + 0.5 * Math.min(Math.max(unitRandom, 0.0), 1.0);
        return Duration.ofNanos((long) (ceilingNanos * fraction));
    }
}
