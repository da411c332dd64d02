package dev.strobe.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.api.v1.GenerateEvent;
import dev.strobe.api.v1.GenerateRequest;
import dev.strobe.api.v1.ImageGeneratorGrpc;
import dev.strobe.api.v1.ListModelsRequest;
import dev.strobe.server.ServerSettings;
import dev.strobe.server.StrobeServer;
import dev.strobe.service.auth.AuthTokens;
import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS from PEM files, mutual TLS, and bearer tokens, over Netty with certificates made at test
 * time. Two servers: TLS with tokens, and mutual TLS.
 */
class TlsAndTokenAuthTest {
    @TempDir
    static Path dir;

    private static TestCertificates.Issued ca;
    private static TestCertificates.Issued client;
    private static TestCertificates.Issued strangerClient;
    private static StrobeServer tlsWithTokens;
    private static StrobeServer mutualTls;
    private final List<ManagedChannel> channels = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        TestCertificates certs = new TestCertificates(dir);
        ca = certs.authority("strobe-test-ca");
        TestCertificates.Issued server = certs.server(ca);
        client = certs.client(ca, "client");
        TestCertificates.Issued otherCa =
                new TestCertificates(Files.createDirectories(dir.resolve("other"))).authority("another-ca");
        strangerClient = new TestCertificates(dir.resolve("other")).client(otherCa, "stranger");
        Path tokens = Files.writeString(
                dir.resolve("tokens"), "# test tokens\nalpha-token\n\nbeta-token models=tiny-lightning-8step\n");
        // Two models are enough here; without warm-up the servers start faster.
        ServerSettings settings =
                ServerSettings.forModels(TestServers.modelsSubset("tiny-lightning-4step", "tiny-lightning-8step"), 0)
                        .toBuilder()
                        .warmup(false)
                        .build();
        tlsWithTokens = TestServers.start(
                null,
                settings.toBuilder()
                        .tls(server.certFile(), server.keyFile(), null)
                        .tokens(AuthTokens.fromFile(tokens), false)
                        .build());
        mutualTls = TestServers.start(
                null,
                settings.toBuilder()
                        .tls(server.certFile(), server.keyFile(), ca.certFile())
                        .build());
    }

    @AfterAll
    static void stop() {
        tlsWithTokens.close();
        mutualTls.close();
    }

    @AfterEach
    void closeChannels() {
        channels.forEach(ManagedChannel::shutdownNow);
    }

    private ManagedChannel channel(StrobeServer s, ChannelCredentials creds) {
        ManagedChannel c =
                Grpc.newChannelBuilderForAddress("localhost", s.port(), creds).build();
        channels.add(c);
        return c;
    }

    private static ChannelCredentials trustingTheCa() throws Exception {
        return TlsChannelCredentials.newBuilder()
                .trustManager(ca.certFile().toFile())
                .build();
    }

    private static ChannelCredentials withClientCert(TestCertificates.Issued cert) throws Exception {
        return TlsChannelCredentials.newBuilder()
                .trustManager(ca.certFile().toFile())
                .keyManager(cert.certFile().toFile(), cert.keyFile().toFile())
                .build();
    }

    /** The metadata a client sends: {@code authorization: Bearer <token>}. */
    static CallCredentials bearer(String token) {
        return new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
                Metadata m = new Metadata();
                m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
                applier.apply(m);
            }
        };
    }

    static GenerateRequest request(String model) {
        return GenerateRequest.newBuilder()
                .setPrompt("a locked door")
                .setModel(model)
                .setWidth(256)
                .setHeight(256)
                .build();
    }

    static List<GenerateEvent> generate(ManagedChannel ch, CallCredentials token, GenerateRequest r) {
        List<GenerateEvent> events = new ArrayList<>();
        var stub = ImageGeneratorGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS);
        (token == null ? stub : stub.withCallCredentials(token)).generate(r).forEachRemaining(events::add);
        return events;
    }

    static Status failure(Runnable call) {
        return assertThrows(StatusRuntimeException.class, call::run).getStatus();
    }

    @Test
    void aTlsClientThatTrustsTheCaGetsAnImage() throws Exception {
        List<GenerateEvent> events = generate(
                channel(tlsWithTokens, trustingTheCa()), bearer("alpha-token"), request("tiny-lightning-4step"));
        assertTrue(events.get(events.size() - 1).hasDone());
    }

    @Test
    void aPlaintextClientCannotTalkToTheTlsServer() {
        ManagedChannel plain = channel(tlsWithTokens, InsecureChannelCredentials.create());
        Status s = failure(() -> ImageGeneratorGrpc.newBlockingStub(plain)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .withCallCredentials(bearer("alpha-token"))
                .listModels(ListModelsRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNAVAILABLE, s.getCode(), s.toString());
    }

    @Test
    void aClientThatDoesNotTrustTheCaRefusesTheServer() throws Exception {
        ManagedChannel untrusting = channel(tlsWithTokens, TlsChannelCredentials.create());
        Status s = failure(() -> ImageGeneratorGrpc.newBlockingStub(untrusting)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .listModels(ListModelsRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNAVAILABLE, s.getCode(), s.toString());
    }

    @Test
    void withoutAKnownTokenGenerateIsUnauthenticated() throws Exception {
        ManagedChannel ch = channel(tlsWithTokens, trustingTheCa());
        Status none = failure(() -> generate(ch, null, request("tiny-lightning-4step")));
        assertEquals(Status.Code.UNAUTHENTICATED, none.getCode());
        assertTrue(none.getDescription().contains("authorization: Bearer <token>"), none.getDescription());
        Status unknown = failure(() -> generate(ch, bearer("gamma-token"), request("tiny-lightning-4step")));
        assertEquals(Status.Code.UNAUTHENTICATED, unknown.getCode());
        assertTrue(unknown.getDescription().contains("not valid"), unknown.getDescription());
        Status listing = failure(() -> ImageGeneratorGrpc.newBlockingStub(ch)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .listModels(ListModelsRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNAUTHENTICATED, listing.getCode());
    }

    @Test
    void aTokenLimitedToOtherModelsIsPermissionDenied() throws Exception {
        ManagedChannel ch = channel(tlsWithTokens, trustingTheCa());
        Status s = failure(() -> generate(ch, bearer("beta-token"), request("tiny-lightning-4step")));
        assertEquals(Status.Code.PERMISSION_DENIED, s.getCode());
        assertTrue(
                s.getDescription()
                        .contains("may not use model 'tiny-lightning-4step'; it may use" + " tiny-lightning-8step"),
                s.getDescription());
        Status byDefault = failure(() -> generate(ch, bearer("beta-token"), request("")));
        assertEquals(Status.Code.PERMISSION_DENIED, byDefault.getCode(), "the default model is checked too");
        List<GenerateEvent> allowed = generate(ch, bearer("beta-token"), request("tiny-lightning-8step"));
        assertTrue(allowed.get(allowed.size() - 1).hasDone());
    }

    @Test
    void healthAndReflectionNeedNoToken() throws Exception {
        ManagedChannel ch = channel(tlsWithTokens, trustingTheCa());
        assertEquals(
                ServingStatus.SERVING,
                HealthGrpc.newBlockingStub(ch)
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .check(HealthCheckRequest.newBuilder()
                                .setService("strobe.v1.ImageGenerator")
                                .build())
                        .getStatus());
        assertTrue(new ReflectionClient(ch).services().contains("strobe.v1.ImageGenerator"));
    }

    @Test
    void mutualTlsRefusesAClientWithoutACertificate() throws Exception {
        ManagedChannel ch = channel(mutualTls, trustingTheCa());
        Status s = failure(() -> ImageGeneratorGrpc.newBlockingStub(ch)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .listModels(ListModelsRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNAVAILABLE, s.getCode(), s.toString());
    }

    @Test
    void mutualTlsRefusesAClientCertificateFromAnotherCa() throws Exception {
        ManagedChannel ch = channel(mutualTls, withClientCert(strangerClient));
        Status s = failure(() -> ImageGeneratorGrpc.newBlockingStub(ch)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .listModels(ListModelsRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNAVAILABLE, s.getCode(), s.toString());
    }

    @Test
    void mutualTlsServesAClientWithACertificateFromTheCa() throws Exception {
        ManagedChannel ch = channel(mutualTls, withClientCert(client));
        assertEquals(
                2,
                ImageGeneratorGrpc.newBlockingStub(ch)
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .listModels(ListModelsRequest.getDefaultInstance())
                        .getModelsCount());
        List<GenerateEvent> events = generate(ch, null, request("tiny-lightning-4step"));
        assertTrue(events.get(events.size() - 1).hasDone());
    }
}
