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

/**
 * The outbox of one Generate stream, with flow control. Results arrive from the device and output
 * threads and never wait: previews are lossy (only the newest frame per image is kept, rendered
 * to JPEG/PNG only when the client can take it), images and {@code done} are kept in order and
 * always delivered. A drain task on the output executor sends while {@code isReady()} and resumes
 * from the on-ready handler, so a client that reads nothing holds at most one frame per image,
 * its images and {@code done}, and slows nobody else.
 *
 * <p>Order on the wire: {@code queued}; previews (each image's newest, lowest image index first);
 * images; {@code done} last. An error replaces whatever was not sent yet.
 *
 * <p>Threads: the sink methods run on any thread; all calls on the stream observer happen in the
 * drain task, one at a time.
 */
final class StreamSink implements GenerationSink {
    /** Marks the end of a successful stream in the outbox. */
    private static final Object COMPLETE = new Object();

    private final ServerCallStreamObserver<GenerateEvent> call;
    private final Executor executor;
    private final ImageCodec codec;
    private final RequestLog log;

    private final Object lock = new Object();
    // Guarded by lock.
    private final ArrayDeque<Object> reliable = new ArrayDeque<>();
    private final Map<Integer, PreviewFrame> previews = new TreeMap<>();
    private GenerateEvent queued;
    private PreviewSpec previewSpec;
    private RequestInfo info;
    private boolean started;
    private boolean drainScheduled;
    private boolean closed;
    private Status terminal;

    StreamSink(ServerCallStreamObserver<GenerateEvent> call, Executor executor, ImageCodec codec, RequestLog log) {
        this.call = call;
        this.executor = executor;
        this.codec = codec;
        this.log = log;
    }

    /** Starts sending, with {@code queued} first (request thread, after admission). */
    void start(GenerateEvent queuedEvent, PreviewSpec preview, RequestInfo request) {
        synchronized (lock) {
            queued = queuedEvent;
            previewSpec = preview;
            info = request;
            started = true;
        }
        scheduleDrain();
    }

    /** The client went away: drop everything. */
    void cancelled() {
        RequestInfo request;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            reliable.clear();
            previews.clear();
            request = info;
        }
        if (request != null) {
            log.finished(request, Status.Code.CANCELLED.name(), null, "cancelled by the client");
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
            if (closed || terminal != null) {
                return;
            }
            previews.put(frame.imageIndex(), frame); // replaces an older frame the client did not take
        }
        scheduleDrain();
    }

    @Override
    public void image(int imageIndex, long seed, EncodedImage image) {
        GenerateEvent e = ProtoMapper.image(imageIndex, seed, image);
        enqueue(e);
    }

    @Override
    public void done(Timings timings) {
        RequestInfo request;
        synchronized (lock) {
            request = info;
        }
        enqueue(ProtoMapper.done(timings, request.requestId()));
        enqueue(COMPLETE);
        log.finished(request, Status.Code.OK.name(), timings, "");
    }

    @Override
    public void failed(StrobeException error) {
        Status status = StatusMapper.toStatus(error);
        RequestInfo request;
        synchronized (lock) {
            if (closed) {
                return;
            }
            reliable.clear();
            previews.clear();
            terminal = status;
            request = info;
        }
        if (request != null) {
            log.finished(request, status.getCode().name(), null, error.getMessage());
        }
        scheduleDrain();
    }

    private void enqueue(Object item) {
        synchronized (lock) {
            if (closed || terminal != null) {
                return;
            }
            reliable.addLast(item);
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
            synchronized (lock) {
                drainScheduled = false;
            }
        }
    }

    private void drain() {
        while (true) {
            Object next;
            PreviewFrame frame = null;
            synchronized (lock) {
                if (closed) {
                    drainScheduled = false;
                    return;
                }
                if (terminal != null) {
                    closed = true;
                    next = terminal;
                } else if (queued != null) {
                    next = queued;
                } else if (!previews.isEmpty()) {
                    int first = previews.keySet().iterator().next();
                    frame = previews.remove(first);
                    next = frame;
                } else if (!reliable.isEmpty()) {
                    next = reliable.peekFirst();
                } else {
                    drainScheduled = false;
                    return;
                }
                boolean needsReady = next != terminal && next != COMPLETE;
                if (needsReady && !call.isReady()) {
                    if (frame != null) {
                        previews.putIfAbsent(frame.imageIndex(), frame);
                    }
                    drainScheduled = false;
                    // The on-ready handler reschedules; re-check in case it fired just now.
                    if (!call.isReady()) {
                        return;
                    }
                    drainScheduled = true;
                    continue;
                }
                if (next == queued) {
                    queued = null;
                } else if (frame == null && next != terminal) {
                    reliable.pollFirst();
                    if (next == COMPLETE) {
                        closed = true;
                    }
                }
            }
            if (!send(next, frame)) {
                return;
            }
        }
    }

    /** Sends one item outside the lock; false when the stream ended. */
    private boolean send(Object next, PreviewFrame frame) {
        try {
            if (next instanceof Status s) {
                call.onError(s.asRuntimeException());
                return false;
            } else if (next == COMPLETE) {
                call.onCompleted();
                return false;
            } else if (frame != null) {
                PreviewSpec spec;
                synchronized (lock) {
                    spec = previewSpec;
                }
                EncodedImage img = codec.encodePreview(frame, spec.format(), spec.maxSide());
                call.onNext(ProtoMapper.preview(frame, img));
            } else {
                call.onNext((GenerateEvent) next);
            }
            return true;
        } catch (RuntimeException e) {
            // The call was cancelled or closed under us (or a preview failed to render): stop sending.
            synchronized (lock) {
                closed = true;
                drainScheduled = false;
            }
            return false;
        }
    }
}
