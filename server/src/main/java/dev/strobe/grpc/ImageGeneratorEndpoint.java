package dev.strobe.grpc;

import dev.strobe.api.v1.GenerateEvent;
import dev.strobe.api.v1.GenerateRequest;
import dev.strobe.api.v1.ImageGeneratorGrpc;
import dev.strobe.api.v1.ListModelsRequest;
import dev.strobe.api.v1.ListModelsResponse;
import dev.strobe.errors.ErrorKind;
import dev.strobe.errors.StrobeException;
import dev.strobe.pipeline.ImageCodec;
import dev.strobe.scheduler.Generation;
import dev.strobe.scheduler.GenerationSpec;
import dev.strobe.service.GenerateCommand;
import dev.strobe.service.GenerationService;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * strobe.v1.ImageGenerator over gRPC: a thin adapter from protobuf to {@link GenerationService}.
 * Runs on gRPC's request executor; results stream through a {@link StreamSink} per call, which
 * also reports how the call ended (request log, metrics, open-stream count).
 */
public final class ImageGeneratorEndpoint extends ImageGeneratorGrpc.ImageGeneratorImplBase {
    private static final Logger logger = LoggerFactory.getLogger(ImageGeneratorEndpoint.class);
    /**
     * Bytes a stream may have queued in the transport before isReady() turns false (gRPC's
     * default is 32 KiB). Smaller keeps a slow client's previews fresh: what waits in the outbox
     * is replaced by newer frames, what waits in the transport is not.
     */
    static final int ON_READY_THRESHOLD_BYTES = 8 * 1024;
    private final GenerationService service;
    private final ImageCodec codec;
    private final Executor output;
    private final RequestLog log;
    private final OpenStreams streams;

    /**
     * @param output executor for rendering previews and sending stream events
     * @param streams counts the Generate streams in flight, for the drain
     */
    public ImageGeneratorEndpoint(
            GenerationService service, ImageCodec codec, Executor output, RequestLog log, OpenStreams streams) {
        this.service = service;
        this.codec = codec;
        this.output = output;
        this.log = log;
        this.streams = streams;
    }

    @Override
    public void generate(GenerateRequest request, StreamObserver<GenerateEvent> observer) {
        ServerCallStreamObserver<GenerateEvent> call = (ServerCallStreamObserver<GenerateEvent>) observer;
        long arrival = service.clock().getAsLong();
        Context context = Context.current();
        Deadline deadline = context.getDeadline();
        streams.opened();
        StreamSink sink = new StreamSink(call, output, codec, log, streams,
                () -> deadline != null && deadline.isExpired());
        // Handlers must be set before this method returns; the cancel handler cannot run before
        // it returns (gRPC serializes a call's callbacks), so `admitted` is set by then.
        AtomicReference<Generation> admitted = new AtomicReference<>();
        call.setOnReadyThreshold(ON_READY_THRESHOLD_BYTES);
        call.setOnReadyHandler(sink::onReady);
        call.setOnCancelHandler(() -> {
            sink.cancelled();
            Generation g = admitted.get();
            if (g != null) {
                service.cancel(g);
            }
        });
        try {
            GenerateCommand command = ProtoMapper.toCommand(request);
            checkGrant(command.model());
            GenerationService.Admitted a = service.start(command, arrival, deadlineNanos(arrival, deadline), sink);
            admitted.set(a.generation());
            if (sink.isClosed()) {
                service.cancel(a.generation()); // cancelled while we were admitting it
            }
            GenerationSpec spec = a.generation().spec();
            RequestInfo info = new RequestInfo(spec.requestId(), spec.model(), spec.size().width(),
                    spec.size().height(), spec.numImages(), a.tokens().promptTokens());
            sink.start(ProtoMapper.queued(a), spec.preview(), info);
        } catch (StrobeException e) {
            sink.refuse(refusedInfo(request), StatusMapper.toStatus(e));
        } catch (RuntimeException | Error e) {
            // A bug, not a refusal: the stream must still end (and be counted as ended) with a sentence.
            logger.error("Generate failed", e);
            Generation g = admitted.get();
            if (g != null) {
                service.cancel(g);
            }
            sink.refuse(refusedInfo(request), StatusMapper.unexpected(e));
        }
    }

    /** What the log says about a refused request: the fields as sent. */
    private static RequestInfo refusedInfo(GenerateRequest r) {
        return new RequestInfo(r.getRequestId(), r.getModel(), r.getWidth(), r.getHeight(), r.getNumImages(), 0);
    }

    @Override
    public void listModels(ListModelsRequest request, StreamObserver<ListModelsResponse> observer) {
        ListModelsResponse.Builder b = ListModelsResponse.newBuilder().setDefaultModel(service.defaultModel());
        for (dev.strobe.service.ModelInfo m : service.models()) {
            b.addModels(ProtoMapper.model(m, m.name().equals(service.defaultModel())));
        }
        observer.onNext(b.build());
        observer.onCompleted();
    }

    /** With token authentication, the token must be allowed to use the model. */
    private void checkGrant(String requested) {
        AuthTokens.Grant grant = TokenAuthInterceptor.GRANT.get();
        if (grant == null) {
            return;
        }
        String model = service.catalog().resolve(requested).info().name();
        if (!grant.allows(model)) {
            throw new StrobeException(ErrorKind.PERMISSION_DENIED,
                    "this token may not use model '" + model + "'; it may use " + String.join(", ", grant.models()));
        }
    }

    /** The call's deadline on the service clock, or none. */
    private static long deadlineNanos(long now, Deadline d) {
        if (d == null) {
            return GenerationSpec.NO_DEADLINE;
        }
        long remaining = d.timeRemaining(TimeUnit.NANOSECONDS);
        return remaining >= Long.MAX_VALUE - now ? GenerationSpec.NO_DEADLINE : now + remaining;
    }
}
