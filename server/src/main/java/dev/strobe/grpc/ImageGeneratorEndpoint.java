package dev.strobe.grpc;

import dev.strobe.api.v1.GenerateEvent;
import dev.strobe.api.v1.GenerateRequest;
import dev.strobe.api.v1.ImageGeneratorGrpc;
import dev.strobe.api.v1.ListModelsRequest;
import dev.strobe.api.v1.ListModelsResponse;
import dev.strobe.errors.ErrorKind;
import dev.strobe.errors.StrobeException;
import dev.strobe.pipeline.ImageCodec;
import dev.strobe.scheduler.GenerationSpec;
import dev.strobe.service.GenerateCommand;
import dev.strobe.service.GenerationService;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * strobe.v1.ImageGenerator over gRPC: a thin adapter from protobuf to {@link GenerationService}.
 * Runs on gRPC's request executor; results stream through a {@link StreamSink} per call.
 */
public final class ImageGeneratorEndpoint extends ImageGeneratorGrpc.ImageGeneratorImplBase {
    private static final Logger logger = LoggerFactory.getLogger(ImageGeneratorEndpoint.class);
    private final GenerationService service;
    private final ImageCodec codec;
    private final Executor output;
    private final RequestLog log;

    /**
     * @param output executor for rendering previews and sending stream events
     */
    public ImageGeneratorEndpoint(GenerationService service, ImageCodec codec, Executor output, RequestLog log) {
        this.service = service;
        this.codec = codec;
        this.output = output;
        this.log = log;
    }

    @Override
    public void generate(GenerateRequest request, StreamObserver<GenerateEvent> observer) {
        ServerCallStreamObserver<GenerateEvent> call = (ServerCallStreamObserver<GenerateEvent>) observer;
        long arrival = service.clock().getAsLong();
        StreamSink sink = new StreamSink(call, output, codec, log);
        GenerationService.Admitted admitted;
        // Handlers must be set before this method returns.
        final GenerationService.Admitted[] holder = new GenerationService.Admitted[1];
        call.setOnReadyHandler(sink::onReady);
        call.setOnCancelHandler(() -> {
            sink.cancelled();
            GenerationService.Admitted a;
            synchronized (holder) {
                a = holder[0];
            }
            if (a != null) {
                service.cancel(a.generation());
            }
        });
        try {
            GenerateCommand command = ProtoMapper.toCommand(request);
            checkGrant(command.model());
            admitted = service.start(command, arrival, deadlineNanos(arrival), sink);
        } catch (StrobeException e) {
            RequestInfo info = new RequestInfo(request.getRequestId(), request.getModel(), request.getWidth(),
                    request.getHeight(), request.getNumImages(), 0);
            Status status = StatusMapper.toStatus(e);
            log.finished(info, status.getCode().name(), null, e.getMessage());
            call.onError(status.asRuntimeException());
            return;
        } catch (RuntimeException e) {
            logger.error("Generate failed before admission", e);
            call.onError(StatusMapper.unexpected(e).asRuntimeException());
            return;
        }
        synchronized (holder) {
            holder[0] = admitted;
        }
        if (sink.isClosed()) {
            service.cancel(admitted.generation()); // cancelled while we were admitting it
        }
        GenerationSpec spec = admitted.generation().spec();
        RequestInfo info = new RequestInfo(spec.requestId(), spec.model(), spec.size().width(),
                spec.size().height(), spec.numImages(), admitted.tokens().promptTokens());
        sink.start(ProtoMapper.queued(admitted), spec.preview(), info);
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
    private static long deadlineNanos(long now) {
        Deadline d = Context.current().getDeadline();
        if (d == null) {
            return GenerationSpec.NO_DEADLINE;
        }
        return now + d.timeRemaining(TimeUnit.NANOSECONDS);
    }
}
