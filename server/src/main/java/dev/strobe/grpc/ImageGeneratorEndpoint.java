package dev.strobe.grpc;

import dev.strobe.api.v1.GenerateEvent;
import dev.strobe.api.v1.GenerateRequest;
import dev.strobe.api.v1.ImageGeneratorGrpc;
import dev.strobe.api.v1.ListModelsRequest;
import dev.strobe.api.v1.ListModelsResponse;
import dev.strobe.errors.StrobeException;
import dev.strobe.scheduler.GenerationSpec;
import dev.strobe.service.GenerateCommand;
import dev.strobe.service.GenerationService;
import dev.strobe.service.stream.GenerationStream;
import dev.strobe.service.stream.GenerationStreams;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.TimeUnit;

/**
 * strobe.v1.ImageGenerator over gRPC: a thin writer over the transport-free stream core. Maps the
 * request to a {@link GenerateCommand}, admits it through a {@link GenerationStream} (which owns
 * the stream semantics and reports how the call ended), and hands the stream a
 * {@link GrpcEventWriter}. Runs on gRPC's request executor.
 */
public final class ImageGeneratorEndpoint extends ImageGeneratorGrpc.ImageGeneratorImplBase {
    /** The frontend's name in the request log and the metrics. */
    public static final String FRONTEND = "grpc";
    /**
     * Bytes a stream may have queued in the transport before isReady() turns false (gRPC's
     * default is 32 KiB). Smaller keeps a slow client's previews fresh: what waits in the outbox
     * is replaced by newer frames, what waits in the transport is not.
     */
    static final int ON_READY_THRESHOLD_BYTES = 8 * 1024;

    private final GenerationStreams streams;

    public ImageGeneratorEndpoint(GenerationStreams streams) {
        this.streams = streams;
    }

    @Override
    public void generate(GenerateRequest request, StreamObserver<GenerateEvent> observer) {
        ServerCallStreamObserver<GenerateEvent> call = (ServerCallStreamObserver<GenerateEvent>) observer;
        GenerationService service = streams.service();
        long arrival = service.clock().getAsLong();
        GenerationStream stream = streams.open(FRONTEND);
        // Handlers must be set before this method returns. gRPC serializes a call's callbacks, so
        // the cancel handler cannot run while we admit; the stream copes if it ever does.
        call.setOnReadyThreshold(ON_READY_THRESHOLD_BYTES);
        call.setOnReadyHandler(stream::onReady);
        call.setOnCancelHandler(stream::cancel);
        try {
            stream.admit(
                    ProtoMapper.toCommand(request),
                    TokenAuthInterceptor.GRANT.get(),
                    "",
                    arrival,
                    deadlineNanos(arrival, Context.current().getDeadline()));
        } catch (StrobeException e) {
            // Already reported as the stream's end; send it.
            call.onError(StatusMapper.toStatus(e).asRuntimeException());
            return;
        }
        stream.attach(new GrpcEventWriter(call));
    }

    @Override
    public void listModels(ListModelsRequest request, StreamObserver<ListModelsResponse> observer) {
        GenerationService service = streams.service();
        ListModelsResponse.Builder b = ListModelsResponse.newBuilder().setDefaultModel(service.defaultModel());
        for (dev.strobe.service.ModelInfo m : service.models()) {
            b.addModels(ProtoMapper.model(m, m.name().equals(service.defaultModel())));
        }
        for (dev.strobe.service.UnavailableModel u : service.unavailableModels()) {
            b.addUnavailableModels(ProtoMapper.unavailable(u));
        }
        observer.onNext(b.build());
        observer.onCompleted();
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
