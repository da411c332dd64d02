package dev.strobe.grpc;

import dev.strobe.api.v1.GenerateEvent;
import dev.strobe.errors.StrobeException;
import dev.strobe.service.stream.EventWriter;
import dev.strobe.service.stream.StreamEvent;
import io.grpc.stub.ServerCallStreamObserver;

/**
 * Writes a generation stream's events as strobe.v1 messages on one server call. Ready while
 * gRPC's {@code isReady()} is (the call's on-ready handler resumes the stream); a failure becomes
 * the call's status. Called by the stream's drain task, one call at a time.
 */
final class GrpcEventWriter implements EventWriter {
    private final ServerCallStreamObserver<GenerateEvent> call;

    GrpcEventWriter(ServerCallStreamObserver<GenerateEvent> call) {
        this.call = call;
    }

    @Override
    public boolean isReady() {
        return call.isReady();
    }

    @Override
    public void write(StreamEvent event) {
        call.onNext(ProtoMapper.event(event));
    }

    @Override
    public void complete() {
        call.onCompleted();
    }

    @Override
    public void fail(StrobeException error) {
        call.onError(StatusMapper.toStatus(error).asRuntimeException());
    }
}
