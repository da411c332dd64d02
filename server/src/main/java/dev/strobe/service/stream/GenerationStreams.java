package dev.strobe.service.stream;

import dev.strobe.pipeline.ImageCodec;
import dev.strobe.service.GenerationService;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * Where every frontend opens its generation streams: one admission path ({@link GenerationService})
 * and one set of stream semantics for gRPC and HTTP alike. Holds what the streams share: the image
 * codec, the output executor (rendering and writing), the request log, the open-stream count the
 * drain waits on, and the server-side stream limits. Built once in {@code main}; thread-safe.
 */
public final class GenerationStreams {
    private final GenerationService service;
    private final ImageCodec codec;
    private final Executor output;
    private final RequestLog log;
    private final StreamLimits limits;
    private final StreamTimer timer;
    private final OpenStreams open = new OpenStreams();

    /**
     * @param output executor for rendering previews and images and for writing events
     * @param timer runs the {@link StreamLimits} checks
     */
    public GenerationStreams(
            GenerationService service,
            ImageCodec codec,
            Executor output,
            RequestLog log,
            StreamLimits limits,
            StreamTimer timer) {
        this.service = service;
        this.codec = codec;
        this.output = output;
        this.log = log;
        this.limits = limits;
        this.timer = timer;
    }

    /**
     * A new stream, counted as open until it ends; admit it next.
     *
     * @param frontend "grpc" or "http", for the request log and metrics
     */
    public GenerationStream open(String frontend) {
        return open(frontend, PreviewSelection.ALL);
    }

    /**
     * A new stream that keeps only the previews {@code selection} wants (a frontend whose protocol
     * promises fewer previews than the request's preview options produce, e.g. OpenAI's
     * {@code partial_images}).
     */
    public GenerationStream open(String frontend, PreviewSelection selection) {
        open.opened();
        return new GenerationStream(this, frontend, selection);
    }

    /** Streams of every frontend that have not ended. */
    public OpenStreams openStreams() {
        return open;
    }

    public GenerationService service() {
        return service;
    }

    ImageCodec codec() {
        return codec;
    }

    Executor output() {
        return output;
    }

    RequestLog log() {
        return log;
    }

    StreamLimits limits() {
        return limits;
    }

    StreamTimer timer() {
        return timer;
    }

    LongSupplier clock() {
        return service.clock();
    }
}
