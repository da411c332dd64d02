package dev.strobe.loadtest.grpc;

import dev.strobe.api.v1.GenerateRequest;
import dev.strobe.client.GenerationHandle;
import dev.strobe.client.GenerationListener;
import dev.strobe.client.StrobeClient;
import dev.strobe.loadtest.driver.RequestSender;
import java.time.Duration;

/**
 * Sends load-test requests through the strobe Java client. Build the client with
 * {@code RetryPolicy.noRetries()}: a load test counts a shed request as an error instead of hiding it
 * behind retries. Thread-safe (the client is); {@link #send} returns as soon as the call started.
 */
public final class ClientRequestSender implements RequestSender {

    private final StrobeClient client;
    private final Duration deadline;

    /**
     * @param deadline per-request deadline; null means none
     */
    public ClientRequestSender(StrobeClient client, Duration deadline) {
        this.client = client;
        this.deadline = deadline;
    }

    @Override
    public InFlight send(GenerateRequest request, GenerationListener listener) {
        GenerationHandle handle = client.generate(request, deadline, listener);
        return handle::cancel;
    }
}
