package dev.strobe.client;

import dev.strobe.api.v1.GenerateEvent;
import dev.strobe.api.v1.GenerateRequest;
import dev.strobe.api.v1.ImageGeneratorGrpc;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * One streaming {@code Generate} call with its attempts: starts an attempt, retries it after a backoff
 * when it failed with a retryable code before its first event, and delivers the events and the single
 * terminal callback to the {@link GenerationListener}.
 *
 * <p>Created and started by {@link StrobeClient}; afterwards driven by gRPC callback threads (events,
 * attempt ends), the client's scheduler (retries) and any thread that calls {@link #cancel}. All state
 * transitions happen under {@link #lock}; listener callbacks are made outside it. Listener callbacks
 * never overlap: events come from one attempt at a time on gRPC's serialized callback path, and a
 * cancellation that hits a live attempt lets that attempt's own {@code onError} deliver the end.
 */
final class StreamingGeneration implements GenerationHandle {

    private final ImageGeneratorGrpc.ImageGeneratorStub stub;
    private final GenerateRequest request;
    private final Deadline deadline;
    private final RetryPolicy retryPolicy;
    private final ScheduledExecutorService scheduler;
    private final DoubleSupplier random;
    private final GenerationListener listener;
    private final CompletableFuture<GenerationEvent.Done> completion = new CompletableFuture<>();

    private final Object lock = new Object();
    /** Attempts started so far. Guarded by {@link #lock}. */
    private int attempts;
    /** The live attempt's call, null between attempts. Guarded by {@link #lock}. */
    private ClientCallStreamObserver<GenerateRequest> liveCall;
    /** The scheduled next attempt, null when none is waiting. Guarded by {@link #lock}. */
    private ScheduledFuture<?> pendingRetry;
    /** Set once the terminal callback is decided. Guarded by {@link #lock}. */
    private boolean finished;
    /** The reason given to {@link #cancel}, null unless cancelled. Guarded by {@link #lock}. */
    private String cancelReason;

    StreamingGeneration(
            ImageGeneratorGrpc.ImageGeneratorStub stub,
            GenerateRequest request,
            Deadline deadline,
            RetryPolicy retryPolicy,
            ScheduledExecutorService scheduler,
            DoubleSupplier random,
            GenerationListener listener) {
        this.stub = stub;
        this.request = request;
        this.deadline = deadline;
        this.retryPolicy = retryPolicy;
        this.scheduler = scheduler;
        this.random = random;
        this.listener = listener;
    }

    /** Starts the first attempt. Called once by the client, on the caller's thread. */
    void start() {
        startAttempt();
    }

    @Override
    public void cancel(String reason) {
        ClientCallStreamObserver<GenerateRequest> call;
        ScheduledFuture<?> retry;
        synchronized (lock) {
            if (finished || cancelReason != null) {
                return;
            }
            cancelReason = reason == null || reason.isBlank() ? "no reason given" : reason;
            call = liveCall;
            retry = pendingRetry;
        }
        if (call != null) {
            // The attempt's onError (CANCELLED) delivers the end, serialized after any event in flight.
            call.cancel("cancelled by the client: " + cancelReason, null);
            return;
        }
        if (retry != null && retry.cancel(false)) {
            finishCancelled();
        }
        // Otherwise an attempt is being started or a retry decided right now; both check cancelReason.
    }

    @Override
    public CompletableFuture<GenerationEvent.Done> completion() {
        return completion;
    }

    @Override
    public int attempts() {
        synchronized (lock) {
            return attempts;
        }
    }

    private void startAttempt() {
        Attempt attempt;
        synchronized (lock) {
            pendingRetry = null;
            if (finished) {
                return;
            }
            if (cancelReason != null) {
                attempt = null;
            } else {
                attempts++;
                attempt = new Attempt();
            }
        }
        if (attempt == null) {
            finishCancelled();
            return;
        }
        ImageGeneratorGrpc.ImageGeneratorStub attemptStub = deadline == null ? stub : stub.withDeadline(deadline);
        attemptStub.generate(request, attempt);
        ClientCallStreamObserver<GenerateRequest> toCancel = null;
        String reason = null;
        synchronized (lock) {
            // cancel() may have run between attempts++ and beforeStart, when there was no call to cancel.
            if (cancelReason != null && liveCall == attempt.call) {
                toCancel = attempt.call;
                reason = cancelReason;
            }
        }
        if (toCancel != null) {
            toCancel.cancel("cancelled by the client: " + reason, null);
        }
    }

    private void finishCancelled() {
        String reason;
        int made;
        synchronized (lock) {
            if (finished) {
                return;
            }
            finished = true;
            reason = cancelReason;
            made = attempts;
        }
        fail(StrobeException.of(Status.CANCELLED.withDescription("cancelled by the client: " + reason), made));
    }

    private void fail(StrobeException error) {
        try {
            listener.onError(error);
        } finally {
            completion.completeExceptionally(error);
        }
    }

    /** Decides what follows a failed attempt; called on the gRPC callback thread of that attempt. */
    private void attemptFailed(Attempt attempt, Status status) {
        Duration backoff = null;
        StrobeException error;
        synchronized (lock) {
            if (liveCall == attempt.call) {
                liveCall = null;
            }
            if (finished) {
                return;
            }
            if (cancelReason != null) {
                finished = true;
                error = StrobeException.of(
                        Status.CANCELLED.withDescription("cancelled by the client: " + cancelReason), attempts);
            } else {
                error = StrobeException.of(status, attempts);
                backoff = retryBackoff(attempt, status);
                if (backoff == null) {
                    finished = true;
                }
            }
        }
        if (backoff == null) {
            fail(error);
            return;
        }
        listener.onRetry(attempts() + 1, error, backoff);
        boolean cancelledMeanwhile;
        boolean scheduled = false;
        synchronized (lock) {
            cancelledMeanwhile = cancelReason != null;
            if (!cancelledMeanwhile) {
                try {
                    pendingRetry = scheduler.schedule(this::startAttempt, backoff.toNanos(), TimeUnit.NANOSECONDS);
                    scheduled = true;
                } catch (RejectedExecutionException e) {
                    finished = true; // the client was closed: nothing can retry, report the real failure
                }
            }
        }
        if (cancelledMeanwhile) {
            finishCancelled();
        } else if (!scheduled) {
            fail(error);
        }
    }

    /** The wait before the next attempt, or null when this failure ends the call. Holds the lock. */
    private Duration retryBackoff(Attempt attempt, Status status) {
        if (attempt.sawEvent || !retryPolicy.isRetryable(status.getCode()) || attempts >= retryPolicy.maxAttempts()) {
            return null;
        }
        Duration backoff = retryPolicy.backoffBeforeRetry(attempts, random.getAsDouble());
        if (deadline != null && deadline.timeRemaining(TimeUnit.NANOSECONDS) <= backoff.toNanos()) {
            return null; // waiting would use up the deadline: report the real failure instead
        }
        return backoff;
    }

    /** The observer of one attempt. gRPC calls it serially on its callback executor. */
    private final class Attempt implements ClientResponseObserver<GenerateRequest, GenerateEvent> {

        /** The attempt's call, set in beforeStart. Written once before any other callback. */
        private volatile ClientCallStreamObserver<GenerateRequest> call;
        /** True once any event arrived: from then on the attempt is never retried. Callback thread only. */
        private boolean sawEvent;

        @Override
        public void beforeStart(ClientCallStreamObserver<GenerateRequest> requestStream) {
            call = requestStream;
            synchronized (lock) {
                liveCall = requestStream;
            }
        }

        @Override
        public void onNext(GenerateEvent value) {
            sawEvent = true;
            synchronized (lock) {
                if (finished || cancelReason != null) {
                    return; // the end is already decided; drop late events
                }
            }
            Optional<GenerationEvent> event = EventMapper.map(value);
            if (event.isEmpty()) {
                return;
            }
            if (event.get() instanceof GenerationEvent.Done done) {
                synchronized (lock) {
                    finished = true;
                    liveCall = null;
                }
                try {
                    listener.onEvent(done);
                } finally {
                    completion.complete(done);
                }
                return;
            }
            listener.onEvent(event.get());
        }

        @Override
        public void onError(Throwable t) {
            attemptFailed(this, Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            synchronized (lock) {
                if (finished) {
                    return; // normal: done arrived first
                }
            }
            attemptFailed(
                    this,
                    Status.INTERNAL.withDescription(
                            "the server closed the stream without a done event, which breaks the strobe.v1 contract"));
        }
    }
}
