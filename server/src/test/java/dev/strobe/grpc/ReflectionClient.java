package dev.strobe.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import io.grpc.Channel;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** What grpcurl does first: list services and fetch file descriptors through server reflection. */
final class ReflectionClient {
    private final Channel channel;

    ReflectionClient(Channel channel) {
        this.channel = channel;
    }

    List<String> services() throws Exception {
        ServerReflectionResponse r =
                ask(ServerReflectionRequest.newBuilder().setListServices("").build());
        return r.getListServicesResponse().getServiceList().stream()
                .map(ServiceResponse::getName)
                .toList();
    }

    /** The file that defines a symbol (the first file of the answer; dependencies follow it). */
    FileDescriptorProto fileContaining(String symbol) throws Exception {
        ServerReflectionResponse r = ask(ServerReflectionRequest.newBuilder()
                .setFileContainingSymbol(symbol)
                .build());
        if (r.hasErrorResponse()) {
            throw new AssertionError("reflection error " + r.getErrorResponse());
        }
        ByteString first = r.getFileDescriptorResponse().getFileDescriptorProto(0);
        return FileDescriptorProto.parseFrom(first);
    }

    /** Service names through the older v1alpha reflection, which some tools still use. */
    List<String> servicesV1Alpha() throws Exception {
        CompletableFuture<io.grpc.reflection.v1alpha.ServerReflectionResponse> answer = new CompletableFuture<>();
        StreamObserver<io.grpc.reflection.v1alpha.ServerReflectionRequest> requests =
                io.grpc.reflection.v1alpha.ServerReflectionGrpc.newStub(channel)
                        .serverReflectionInfo(new Collector<>(answer));
        requests.onNext(io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder()
                .setListServices("")
                .build());
        requests.onCompleted();
        return answer.get(10, TimeUnit.SECONDS).getListServicesResponse().getServiceList().stream()
                .map(io.grpc.reflection.v1alpha.ServiceResponse::getName)
                .toList();
    }

    private ServerReflectionResponse ask(ServerReflectionRequest request) throws Exception {
        CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests =
                ServerReflectionGrpc.newStub(channel).serverReflectionInfo(new Collector<>(answer));
        requests.onNext(request);
        requests.onCompleted();
        return answer.get(10, TimeUnit.SECONDS);
    }

    /** Keeps the first answer of a reflection stream. */
    private static final class Collector<T> implements StreamObserver<T> {
        private final CompletableFuture<T> answer;

        Collector(CompletableFuture<T> answer) {
            this.answer = answer;
        }

        @Override
        public void onNext(T value) {
            answer.complete(value);
        }

        @Override
        public void onError(Throwable t) {
            answer.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
            answer.completeExceptionally(new AssertionError("the reflection stream ended without an answer"));
        }
    }
}
