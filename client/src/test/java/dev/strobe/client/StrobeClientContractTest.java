package dev.strobe.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.api.v1.GenerateRequest;
import dev.strobe.api.v1.ListModelsResponse;
import dev.strobe.client.testing.FakeImageGenerator;
import dev.strobe.client.testing.HeaderCapture;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client's behaviour against a scripted fake server, run once over the in-process transport and
 * once over Netty on port 0 (subclasses provide the transport).
 */
abstract class StrobeClientContractTest {

    /** Fast retries so the tests never wait long; jitter pinned. */
    static final RetryPolicy FAST_RETRIES = new RetryPolicy(
            4,
            Duration.ofMillis(1),
            Duration.ofMillis(5),
            2.0,
            java.util.EnumSet.of(Status.Code.UNAVAILABLE, Status.Code.RESOURCE_EXHAUSTED));

    final FakeImageGenerator fake = new FakeImageGenerator();
    final HeaderCapture headers = new HeaderCapture();
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    /** Starts a server for {@code fake} behind {@code headers} and returns a builder aimed at it. */
    abstract StrobeClient.Builder startServer(FakeImageGenerator fake, HeaderCapture headers) throws Exception;

    void closeLater(AutoCloseable closeable) {
        cleanup.add(closeable);
    }

    @AfterEach
    void closeAll() throws Exception {
        Collections.reverse(cleanup);
        for (AutoCloseable c : cleanup) {
            c.close();
        }
    }

    StrobeClient client(StrobeClient.Builder builder) {
        StrobeClient client =
                builder.retryPolicy(FAST_RETRIES).jitterSource(() -> 0.5).build();
        closeLater(client);
        return client;
    }

    static GenerateRequest request(String prompt) {
        return GenerateRequest.newBuilder()
                .setPrompt(prompt)
                .setRequestId("req-1")
                .setNumImages(2)
                .setSeed(7)
                .build();
    }

    @Test
    void blockingGenerateCollectsTypedEventsInOrder() throws Exception {
        StrobeClient client = client(startServer(fake, headers));

        GenerationResult result = client.generate(request("a red fox"));

        assertEquals(FakeImageGenerator.MODEL, result.queued().model());
        assertEquals(2, result.queued().numImages());
        assertEquals(FakeImageGenerator.DEFAULT_STEPS * 2, result.previews().size());
        assertEquals(List.of("7", "8"), result.seeds());
        assertEquals(0, result.images().get(0).imageIndex());
        assertEquals(1, result.images().get(1).imageIndex());
        assertEquals("req-1", result.done().requestId());
        assertEquals(17.0, result.timings().totalMs());
        assertEquals(1, result.attempts());
        assertEquals("a red fox", fake.requests().get(0).getPrompt());
    }

    @Test
    void streamingListenerSeesQueuedThenPreviewsThenImagesThenDoneLast() throws Exception {
        StrobeClient client = client(startServer(fake, headers));
        RecordingListener listener = new RecordingListener();

        GenerationHandle handle = client.generate(request("stream"), listener);
        GenerationEvent.Done done = handle.completion().get(10, TimeUnit.SECONDS);

        List<GenerationEvent> events = listener.events();
        assertInstanceOf(GenerationEvent.Queued.class, events.get(0));
        assertEquals(done, events.get(events.size() - 1));
        int firstImage = indexOfFirst(events, GenerationEvent.Image.class);
        int lastPreview = lastIndexOf(events, GenerationEvent.Preview.class);
        assertTrue(lastPreview < firstImage, "previews come before images");
        List<Integer> steps = events.stream()
                .filter(e -> e instanceof GenerationEvent.Preview p && p.imageIndex() == 0)
                .map(e -> ((GenerationEvent.Preview) e).step())
                .toList();
        assertEquals(List.of(1, 2, 3, 4), steps);
        assertTrue(listener.errors().isEmpty());
    }

    @Test
    void retriesUnavailableBeforeTheFirstEventAndCountsAttempts() throws Exception {
        fake.then(
                FakeImageGenerator.fail(Status.UNAVAILABLE.withDescription("restarting")),
                FakeImageGenerator.fail(Status.UNAVAILABLE.withDescription("restarting")));
        StrobeClient client = client(startServer(fake, headers));
        RecordingListener listener = new RecordingListener();

        GenerationHandle handle = client.generate(request("retry me"), listener);
        handle.completion().get(10, TimeUnit.SECONDS);

        assertEquals(3, fake.generateCalls());
        assertEquals(3, handle.attempts());
        assertEquals(List.of(2, 3), listener.retryAttempts());
    }

    @Test
    void retriesResourceExhaustedForTheBlockingCall() throws Exception {
        fake.then(FakeImageGenerator.fail(Status.RESOURCE_EXHAUSTED.withDescription("queue full")));
        StrobeClient client = client(startServer(fake, headers));

        GenerationResult result = client.generate(request("busy"));

        assertEquals(2, result.attempts());
        assertEquals(2, fake.generateCalls());
    }

    @Test
    void givesUpAfterTheConfiguredAttempts() throws Exception {
        for (int i = 0; i < 10; i++) {
            fake.then(FakeImageGenerator.fail(Status.UNAVAILABLE.withDescription("down for good")));
        }
        StrobeClient client = client(startServer(fake, headers));

        StrobeException e = assertThrows(StrobeException.class, () -> client.generate(request("never")));

        assertEquals(Status.Code.UNAVAILABLE, e.code());
        assertEquals("down for good", e.description());
        assertEquals(FAST_RETRIES.maxAttempts(), e.attempts());
        assertEquals(FAST_RETRIES.maxAttempts(), fake.generateCalls());
    }

    @Test
    void neverRetriesAfterTheFirstEventArrived() throws Exception {
        fake.then(FakeImageGenerator.queuedThenFail(Status.UNAVAILABLE.withDescription("crashed mid-stream")));
        StrobeClient client = client(startServer(fake, headers));
        RecordingListener listener = new RecordingListener();

        GenerationHandle handle = client.generate(request("half"), listener);
        CompletionException e = assertThrows(
                CompletionException.class, () -> handle.completion().join());

        StrobeException cause = assertInstanceOf(StrobeException.class, e.getCause());
        assertEquals(Status.Code.UNAVAILABLE, cause.code());
        assertEquals(1, cause.attempts());
        assertEquals(1, fake.generateCalls());
        assertEquals(1, listener.events().size());
        assertEquals(List.of(cause), listener.errors());
    }

    @Test
    void doesNotRetryCodesOutsideThePolicy() throws Exception {
        fake.then(FakeImageGenerator.fail(Status.INVALID_ARGUMENT.withDescription("width must be a multiple of 64")));
        StrobeClient client = client(startServer(fake, headers));

        StrobeException e = assertThrows(StrobeException.class, () -> client.generate(request("bad")));

        assertEquals(Status.Code.INVALID_ARGUMENT, e.code());
        assertEquals("width must be a multiple of 64", e.description());
        assertEquals(1, fake.generateCalls());
    }

    @Test
    void deadlineExceededSurfacesAsATypedError() throws Exception {
        fake.then(FakeImageGenerator.queuedThenHang());
        StrobeClient client = client(startServer(fake, headers));

        DeadlineExceededException e = assertThrows(
                DeadlineExceededException.class, () -> client.generate(request("slow"), Duration.ofMillis(300)));

        assertEquals(Status.Code.DEADLINE_EXCEEDED, e.code());
        assertEquals(1, e.attempts(), "a deadline is never retried");
        assertTrue(fake.generateCalls() <= 1);
    }

    @Test
    void sendsTheBearerTokenWithEveryCall() throws Exception {
        StrobeClient client = client(startServer(fake, headers).bearerToken("s3cret-token"));

        client.generate(request("with token"));
        client.listModels();

        assertEquals(List.of("Bearer s3cret-token", "Bearer s3cret-token"), headers.authorizations());
    }

    @Test
    void sendsNoAuthorizationWithoutAToken() throws Exception {
        StrobeClient client = client(startServer(fake, headers));

        client.generate(request("no token"));

        assertEquals(List.of("<none>"), headers.authorizations());
    }

    @Test
    void cancellationReachesTheServerAndEndsTheListenerOnce() throws Exception {
        fake.then(FakeImageGenerator.queuedThenHang());
        StrobeClient client = client(startServer(fake, headers));
        CountDownLatch queued = new CountDownLatch(1);
        RecordingListener listener = new RecordingListener() {
            @Override
            public void onEvent(GenerationEvent event) {
                super.onEvent(event);
                queued.countDown();
            }
        };

        GenerationHandle handle = client.generate(request("cancel me"), listener);
        assertTrue(queued.await(10, TimeUnit.SECONDS));
        handle.cancel("user pressed stop");

        assertTrue(fake.cancelled().await(10, TimeUnit.SECONDS), "the server saw the cancellation");
        CompletionException e = assertThrows(
                CompletionException.class, () -> handle.completion().join());
        StrobeException cause = assertInstanceOf(StrobeException.class, e.getCause());
        assertEquals(Status.Code.CANCELLED, cause.code());
        assertTrue(cause.description().contains("user pressed stop"), cause.description());
        assertEquals(1, listener.errors().size());
        handle.cancel("again");
        assertEquals(1, listener.errors().size());
    }

    @Test
    void aStreamThatEndsWithoutDoneIsAnError() throws Exception {
        fake.then(FakeImageGenerator.completeWithoutDone());
        StrobeClient client = client(startServer(fake, headers));

        StrobeException e = assertThrows(StrobeException.class, () -> client.generate(request("no done")));

        assertEquals(Status.Code.INTERNAL, e.code());
        assertTrue(e.description().contains("without a done event"), e.description());
    }

    @Test
    void aRetryAfterTheClientWasClosedReportsTheFailureInsteadOfHanging() throws Exception {
        fake.then(FakeImageGenerator.fail(Status.UNAVAILABLE.withDescription("going away")));
        java.util.concurrent.ScheduledExecutorService scheduler =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        scheduler.shutdown(); // as after close(): no retry can be scheduled
        StrobeClient client = client(startServer(fake, headers).scheduler(scheduler));

        StrobeException e = assertThrows(StrobeException.class, () -> client.generate(request("late")));

        assertEquals(Status.Code.UNAVAILABLE, e.code());
        assertEquals(1, fake.generateCalls());
    }

    @Test
    void listModelsRetriesUnavailable() throws Exception {
        fake.failListModels(Status.UNAVAILABLE);
        StrobeClient client = client(startServer(fake, headers));

        ListModelsResponse models = client.listModels();

        assertEquals(FakeImageGenerator.MODEL, models.getDefaultModel());
        assertEquals(2, fake.listModelsCalls());
    }

    @Test
    void listModelsReportsNonRetryableFailures() throws Exception {
        fake.failListModels(Status.PERMISSION_DENIED.withDescription("token lacks the models scope"));
        StrobeClient client = client(startServer(fake, headers));

        StrobeException e = assertThrows(StrobeException.class, client::listModels);

        assertEquals(Status.Code.PERMISSION_DENIED, e.code());
        assertFalse(e.getMessage().isBlank());
        assertEquals(1, fake.listModelsCalls());
    }

    private static int indexOfFirst(List<GenerationEvent> events, Class<?> type) {
        for (int i = 0; i < events.size(); i++) {
            if (type.isInstance(events.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexOf(List<GenerationEvent> events, Class<?> type) {
        for (int i = events.size() - 1; i >= 0; i--) {
            if (type.isInstance(events.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
