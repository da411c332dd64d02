package dev.strobe.grpc;

import dev.strobe.api.v1.GenerateEvent;
import dev.strobe.errors.StrobeException;
import dev.strobe.pipeline.EncodedImage;
import dev.strobe.pipeline.ImageCodec;
import dev.strobe.pipeline.PreviewFrame;
import dev.strobe.scheduler.GenerationSink;
import dev.strobe.scheduler.PreviewSpec;
import dev.strobe.scheduler.Timings;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox of one Generate stream, with flow control. Results arrive from the device and output
 * threads and never wait: previews are lossy (only the newest frame per image is kept, rendered to
 * JPEG/PNG only when the client can take it), images and {@code done} are kept in order and always
 * delivered. A drain task on the output executor sends while {@code isReady()} and resumes from the
 * on-ready handler, so a client that reads nothing holds at most one frame per image, its images
 * and {@code done}, and slows nobody else.
 *
 * <p>Order on the wire: {@code queued}; previews (each image's newest, lowest image index first;
 * an image's previews always before that image); images; {@code done} last. An error replaces
 * whatever was not sent yet.
 *
 * <p>Every stream ends exactly once, on the first of: completed after {@code done}, closed with an
 * error, or cancelled by the client (or its deadline); {@link StreamOutcome} reports that end.
 *
 * <p>Threads: the sink methods run on any thread; all calls on the stream observer happen in the
 * drain task, one at a time (or, before {@link #start}, on the request thread in {@link #refuse}).
 */
final class StreamSink implements GenerationSink {
    private static final Logger logger = LoggerFactory.getLogger(StreamSink.class);

    private final ServerCallStreamObserver<GenerateEvent> call;
    private final Executor executor;
    private final ImageCodec codec;
    private final StreamOutcome outcome;
    private final BooleanSupplier deadlineExpired;

    private final Object lock = new Object();
    // Guarded by lock.
    private final ArrayDeque<GenerateEvent> reliable = new ArrayDeque<>();
    private final TreeMap<Integer, PreviewFrame> previews = new TreeMap<>();
    private GenerateEvent queued;
    private PreviewSpec previewSpec;
    private RequestInfo info;
    /** Set by done(): the done event follows the images, then the stream completes. */
    private Timings doneTimings;
    private boolean doneSent;
    /** Set by failed(): replaces everything not sent yet. */
    private Status error;
    private boolean started;
    private boolean drainScheduled;
    /** No more calls on the observer. */
    private boolean closed;

    /**
     * @param streams counts this stream as open until it ends (the caller already counted it)
     * @param deadlineExpired whether the call's deadline has passed (a cancel is then a deadline)
     */
    StreamSink(ServerCallStreamObserver<GenerateEvent> call, Executor executor, ImageCodec codec, RequestLog log,
            OpenStreams streams, BooleanSupplier deadlineExpired) {
        this.call = call;
        this.executor = executor;
        this.codec = codec;
        this.outcome = new StreamOutcome(log, streams);
        this.deadlineExpired = deadlineExpired;
    }

    /** Starts sending, with {@code queued} first (request thread, after admission). */
    void start(GenerateEvent queuedEvent, PreviewSpec preview, RequestInfo request) {
        synchronized (lock) {
            queued = queuedEvent;
            previewSpec = preview;
            info = request;
            started = true;
        }
        outcome.requestKnown(request); // reports a cancel that came during admission
        scheduleDrain();
    }

    /**
     * Admission said no (or failed): ends the stream with the status (request thread). Before
     * {@link #start} it is sent at once; after, it replaces what was not sent, like {@link #failed}.
     */
    void refuse(RequestInfo request, Status status) {
        boolean wasStarted;
        outcome.requestKnown(request);
        synchronized (lock) {
            if (info == null) {
                info = request;
            }
            if (closed) {
                return;
            }
            wasStarted = started;
            if (wasStarted) {
                reliable.clear();
                previews.clear();
                error = status;
            } else {
                closed = true;
            }
        }
        if (wasStarted) {
            scheduleDrain();
            return;
        }
        try {
            call.onError(status.asRuntimeException());
        } catch (RuntimeException e) {
            logger.debug("could not send the refusal", e);
        }
        outcome.ended(status.getCode().name(), null, status.getDescription());
    }

    /** The client went away or its deadline passed: drop everything (gRPC's cancel handler). */
    void cancelled() {
        synchronized (lock) {
            closed = true;
            reliable.clear();
            previews.clear();
        }
        if (deadlineExpired.getAsBoolean()) {
            outcome.ended(Status.Code.DEADLINE_EXCEEDED.name(), null,
                    "the client's deadline passed before the stream ended");
        } else {
            outcome.ended(Status.Code.CANCELLED.name(), null, "cancelled by the client");
        }
    }

    boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    void onReady() {
        scheduleDrain();
    }

    @Override
    public void preview(PreviewFrame frame) {
        synchronized (lock) {
            if (closed || error != null) {
                return;
            }
            previews.put(frame.imageIndex(), frame); // replaces an older frame the client did not take
        }
        scheduleDrain();
    }

    @Override
    public void image(int imageIndex, long seed, EncodedImage image) {
        GenerateEvent e = ProtoMapper.image(imageIndex, seed, image);
        synchronized (lock) {
            if (closed || error != null) {
                return;
            }
            reliable.addLast(e);
        }
        scheduleDrain();
    }

    @Override
    public void done(Timings timings) {
        synchronized (lock) {
            if (closed || error != null) {
                return;
            }
            doneTimings = timings;
        }
        scheduleDrain();
    }

    @Override
    public void failed(StrobeException failure) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            reliable.clear();
            previews.clear();
            error = StatusMapper.toStatus(failure);
        }
        scheduleDrain();
    }

    private void scheduleDrain() {
        synchronized (lock) {
            if (drainScheduled || closed || !started) {
                return;
            }
            drainScheduled = true;
        }
        try {
            executor.execute(this::drain);
        } catch (RejectedExecutionException e) {
            // The output executor is shut down: the server is stopping. We hold the drain right
            // (drainScheduled), so no other thread calls the observer while we close the stream.
            synchronized (lock) {
                drainScheduled = false;
                if (closed) {
                    return;
                }
                closed = true;
            }
            Status s = Status.UNAVAILABLE.withDescription("the server shut down before the request finished");
            try {
                call.onError(s.asRuntimeException());
            } catch (RuntimeException ignored) {
                // already cancelled
            }
            outcome.ended(s.getCode().name(), null, s.getDescription());
        }
    }

    /** What the drain task does next. */
    private enum Action {
        SEND,
        PREVIEW,
        FAIL,
        COMPLETE
    }

    private void drain() {
        while (true) {
            Action action;
            GenerateEvent event = null;
            PreviewFrame frame = null;
            PreviewSpec spec = null;
            Status failure = null;
            Timings timings = null;
            synchronized (lock) {
                if (closed) {
                    drainScheduled = false;
                    return;
                }
                if (error != null) {
                    closed = true;
                    failure = error;
                    action = Action.FAIL;
                } else if (hasDataLocked()) {
                    if (!call.isReady()) {
                        // The on-ready handler schedules the next drain; it takes the lock, so it
                        // cannot slip in between this check and the flag.
                        drainScheduled = false;
                        return;
                    }
                    if (queued != null) {
                        event = queued;
                        queued = null;
                        action = Action.SEND;
                    } else if (!previews.isEmpty()) {
                        Map.Entry<Integer, PreviewFrame> first = previews.pollFirstEntry();
                        frame = first.getValue();
                        spec = previewSpec;
                        action = Action.PREVIEW;
                    } else if (!reliable.isEmpty()) {
                        event = reliable.pollFirst();
                        action = Action.SEND;
                    } else {
                        doneSent = true;
                        event = ProtoMapper.done(doneTimings, info.requestId());
                        action = Action.SEND;
                    }
                } else if (doneSent) {
                    closed = true;
                    timings = doneTimings;
                    action = Action.COMPLETE;
                } else {
                    drainScheduled = false;
                    return;
                }
            }
            if (!perform(action, event, frame, spec, failure, timings)) {
                return;
            }
        }
    }

    private boolean hasDataLocked() {
        return queued != null || !previews.isEmpty() || !reliable.isEmpty() || (doneTimings != null && !doneSent);
    }

    /** Does one step outside the lock; false when the stream ended. */
    private boolean perform(Action action, GenerateEvent event, PreviewFrame frame, PreviewSpec spec,
            Status failure, Timings timings) {
        try {
            switch (action) {
                case FAIL -> {
                    call.onError(failure.asRuntimeException());
                    outcome.ended(failure.getCode().name(), null, failure.getDescription());
                    return false;
                }
                case COMPLETE -> {
                    call.onCompleted();
                    outcome.ended(Status.Code.OK.name(), timings, "");
                    return false;
                }
                case PREVIEW -> {
                    EncodedImage img;
                    try {
                        img = codec.encodePreview(frame, spec.format(), spec.maxSide());
                    } catch (RuntimeException e) {
                        // Previews are lossy: a frame that cannot be rendered is skipped.
                        logger.warn("preview of image {} step {} could not be rendered", frame.imageIndex(),
                                frame.step(), e);
                        return true;
                    }
                    call.onNext(ProtoMapper.preview(frame, img));
                    return true;
                }
                case SEND -> {
                    call.onNext(event);
                    return true;
                }
                default -> throw new IllegalStateException("unknown action " + action);
            }
        } catch (RuntimeException e) {
            // Sending failed for a reason other than a cancel (a cancelled call ignores onNext).
            logger.error("sending on a Generate stream failed", e);
            synchronized (lock) {
                closed = true;
                drainScheduled = false;
            }
            Status s = StatusMapper.unexpected(e);
            try {
                call.onError(s.asRuntimeException());
            } catch (RuntimeException ignored) {
                // the call is already closed
            }
            outcome.ended(s.getCode().name(), null, s.getDescription());
            return false;
        }
    }
}
