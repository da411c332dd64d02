package dev.strobe.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Calls with hand-made request bytes, for requests no generated stub would send. */
final class RawCalls {
    private RawCalls() {}

    /** What a raw server-streaming call ended with. */
    record Outcome(Status status, List<byte[]> messages) {}

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    static Outcome serverStreaming(Channel channel, String fullMethodName, byte[] request) {
        MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.SERVER_STREAMING)
                .setFullMethodName(fullMethodName)
                .setRequestMarshaller(BYTES)
                .setResponseMarshaller(BYTES)
                .build();
        List<byte[]> messages = new ArrayList<>();
        try {
            ClientCalls.blockingServerStreamingCall(
                            channel, method, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), request)
                    .forEachRemaining(messages::add);
            return new Outcome(Status.OK, messages);
        } catch (StatusRuntimeException e) {
            return new Outcome(e.getStatus(), messages);
        }
    }
}
