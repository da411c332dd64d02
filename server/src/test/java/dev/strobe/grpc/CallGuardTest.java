package dev.strobe.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.api.v1.GenerateEvent;
import dev.strobe.api.v1.GenerateRequest;
import dev.strobe.api.v1.ImageGeneratorGrpc;
import dev.strobe.api.v1.ListModelsRequest;
import dev.strobe.api.v1.ListModelsResponse;
import dev.strobe.errors.ErrorKind;
import dev.strobe.errors.StrobeException;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** No call ends with UNKNOWN: handlers that throw, and bytes that do not parse, on a stand-in service. */
class CallGuardTest {
    private Server server;
    private ManagedChannel channel;

    /** Generate throws a plain exception; ListModels throws a status. */
    private static final class Throwing extends ImageGeneratorGrpc.ImageGeneratorImplBase {
        @Override
        public void generate(GenerateRequest request, StreamObserver<GenerateEvent> observer) {
            throw new IllegalStateException("a bug");
        }

        @Override
        public void listModels(ListModelsRequest request, StreamObserver<ListModelsResponse> observer) {
            throw Status.RESOURCE_EXHAUSTED.withDescription("too many listings").asRuntimeException();
        }
    }

    @BeforeEach
    void start() throws IOException {
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name)
                .addService(CallGuard.guard(new Throwing().bindService()))
                .build()
                .start();
        channel = InProcessChannelBuilder.forName(name).build();
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
    }

    @Test
    void anExceptionInAHandlerBecomesInternalWithASentence() {
        StatusRuntimeException e = assertThrows(
                StatusRuntimeException.class,
                () -> ImageGeneratorGrpc.newBlockingStub(channel)
                        .generate(GenerateRequest.getDefaultInstance())
                        .forEachRemaining(x -> {}));
        assertEquals(Status.Code.INTERNAL, e.getStatus().getCode());
        assertTrue(
                e.getStatus().getDescription().contains("internal error (IllegalStateException)"),
                e.getStatus().getDescription());
    }

    @Test
    void aStatusThrownByAHandlerKeepsItsCode() {
        StatusRuntimeException e = assertThrows(
                StatusRuntimeException.class,
                () -> ImageGeneratorGrpc.newBlockingStub(channel).listModels(ListModelsRequest.getDefaultInstance()));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
        assertEquals("too many listings", e.getStatus().getDescription());
    }

    @Test
    void bytesThatDoNotParseAreAnInvalidArgument() {
        RawCalls.Outcome o =
                RawCalls.serverStreaming(channel, "strobe.v1.ImageGenerator/Generate", new byte[] {0x0a, 0x05, 0x41});
        assertEquals(Status.Code.INVALID_ARGUMENT, o.status().getCode());
        assertTrue(
                o.status().getDescription().contains("not a valid strobe.v1.ImageGenerator/Generate request"),
                o.status().getDescription());
    }

    @Test
    void everyErrorKindHasItsOwnCodeAndNeverUnknown() {
        for (ErrorKind kind : ErrorKind.values()) {
            Status s = StatusMapper.toStatus(new StrobeException(kind, "why " + kind));
            assertNotEquals(Status.Code.UNKNOWN, s.getCode(), kind.name());
            assertNotEquals(Status.Code.OK, s.getCode(), kind.name());
            assertEquals("why " + kind, s.getDescription());
        }
        assertEquals(
                ErrorKind.values().length,
                java.util.Arrays.stream(ErrorKind.values())
                        .map(StatusMapper::code)
                        .distinct()
                        .count(),
                "two kinds share a code");
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, StatusMapper.code(ErrorKind.QUEUE_FULL));
        assertEquals(Status.Code.DEADLINE_EXCEEDED, StatusMapper.code(ErrorKind.DEADLINE));
        assertTrue(
                StatusMapper.toStatus(new StrobeException(ErrorKind.INTERNAL, ""))
                        .getDescription()
                        .contains("INTERNAL"),
                "an empty message still gets a sentence");
    }
}
