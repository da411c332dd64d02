package dev.strobe.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(
            6, Duration.ofMillis(100), Duration.ofMillis(1000), 2.0, EnumSet.of(Status.Code.UNAVAILABLE));

    @Test
    void backoffGrowsExponentiallyUpToTheCap() {
        double top = 1.0; // the largest jitter draw: the full ceiling
        assertEquals(Duration.ofMillis(100), policy.backoffBeforeRetry(1, top));
        assertEquals(Duration.ofMillis(200), policy.backoffBeforeRetry(2, top));
        assertEquals(Duration.ofMillis(400), policy.backoffBeforeRetry(3, top));
        assertEquals(Duration.ofMillis(800), policy.backoffBeforeRetry(4, top));
        assertEquals(Duration.ofMillis(1000), policy.backoffBeforeRetry(5, top));
        assertEquals(Duration.ofMillis(1000), policy.backoffBeforeRetry(50, top));
    }

    @Test
    void jitterKeepsTheWaitBetweenHalfAndAllOfTheCeiling() {
        assertEquals(Duration.ofMillis(200), policy.backoffBeforeRetry(3, 0.0));
        assertEquals(Duration.ofMillis(300), policy.backoffBeforeRetry(3, 0.5));
        for (double r = 0; r < 1; r += 0.01) {
            long ms = policy.backoffBeforeRetry(3, r).toMillis();
            assertTrue(ms >= 200 && ms <= 400, "wait " + ms + " ms for r=" + r);
        }
    }

    @Test
    void onlyListedCodesAreRetryable() {
        assertTrue(policy.isRetryable(Status.Code.UNAVAILABLE));
        assertFalse(policy.isRetryable(Status.Code.RESOURCE_EXHAUSTED));
        assertTrue(RetryPolicy.defaults().isRetryable(Status.Code.RESOURCE_EXHAUSTED));
        assertFalse(RetryPolicy.defaults().isRetryable(Status.Code.DEADLINE_EXCEEDED));
        assertEquals(1, RetryPolicy.noRetries().maxAttempts());
    }

    @Test
    void rejectsUnusableSettingsWithASentence() {
        ClientConfigurationException e =
                assertThrows(ClientConfigurationException.class, () -> RetryPolicy.withAttempts(0));
        assertTrue(e.getMessage().contains("at least 1"), e.getMessage());
        assertThrows(
                ClientConfigurationException.class,
                () -> new RetryPolicy(
                        2, Duration.ofSeconds(2), Duration.ofSeconds(1), 2.0, EnumSet.noneOf(Status.Code.class)));
        assertThrows(
                ClientConfigurationException.class,
                () -> new RetryPolicy(
                        2, Duration.ofMillis(1), Duration.ofSeconds(1), 0.5, EnumSet.noneOf(Status.Code.class)));
    }
}
