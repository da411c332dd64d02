package dev.strobe.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.service.auth.AuthTokens;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Token files and the interceptor's rules, on a bare health service (no models needed). */
class TokenAuthInterceptorTest {
    @TempDir
    Path dir;

    private Server server;
    private ManagedChannel channel;

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.shutdownNow();
            server.shutdownNow();
        }
    }

    private HealthGrpc.HealthBlockingStub healthBehind(TokenAuthInterceptor auth) throws IOException {
        String name = InProcessServerBuilder.generateName();
        HealthStatusManager health = new HealthStatusManager();
        server = InProcessServerBuilder.forName(name)
                .directExecutor()
                .addService(ServerInterceptors.intercept(health.getHealthService(), auth))
                .build()
                .start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        return HealthGrpc.newBlockingStub(channel);
    }

    @Test
    void withAuthHealthTheHealthServiceNeedsATokenToo() throws IOException {
        HealthGrpc.HealthBlockingStub health =
                healthBehind(new TokenAuthInterceptor(AuthTokens.fromList("s3cret"), true));
        StatusRuntimeException e =
                assertThrows(StatusRuntimeException.class, () -> health.check(HealthCheckRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
        assertEquals(
                ServingStatus.SERVING,
                health.withCallCredentials(TlsAndTokenAuthTest.bearer("s3cret"))
                        .check(HealthCheckRequest.getDefaultInstance())
                        .getStatus());
    }

    @Test
    void withoutAuthHealthTheHealthServiceIsOpen() throws IOException {
        HealthGrpc.HealthBlockingStub health =
                healthBehind(new TokenAuthInterceptor(AuthTokens.fromList("s3cret"), false));
        assertEquals(
                ServingStatus.SERVING,
                health.check(HealthCheckRequest.getDefaultInstance()).getStatus());
    }

    @Test
    void aTokenFileGrantsModelsPerToken() throws IOException {
        Path file = Files.writeString(dir.resolve("tokens"), "# comment\n\n  open-token  \nlimited-token models=a,b\n");
        AuthTokens tokens = AuthTokens.fromFile(file);
        assertTrue(tokens.find("open-token").orElseThrow().allows("anything"));
        AuthTokens.Grant limited = tokens.find("limited-token").orElseThrow();
        assertEquals(Set.of("a", "b"), limited.models());
        assertFalse(limited.allows("c"));
        assertTrue(tokens.find("unknown").isEmpty());
        assertTrue(tokens.find("").isEmpty());
    }

    @Test
    void aMalformedTokenFileNamesTheLine() throws IOException {
        Path file = Files.writeString(dir.resolve("tokens"), "good\nbad token line\n");
        IOException e = assertThrows(IOException.class, () -> AuthTokens.fromFile(file));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void anEmptyTokenListIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AuthTokens.fromList(" , "));
        assertTrue(e.getMessage().contains("no tokens"), e.getMessage());
    }
}
