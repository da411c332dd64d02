package dev.strobe.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.strobe.client.testing.FakeImageGenerator;
import dev.strobe.client.testing.HeaderCapture;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.testing.TlsTesting;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client contract over Netty on a free loopback port, plus the TLS options. */
class NettyStrobeClientTest extends StrobeClientContractTest {

    /** The test certificates of grpc-testing name this host (and *.test.google.fr). */
    private static final String TEST_AUTHORITY = "foo.test.google.fr";

    @TempDir
    Path certs;

    @Override
    StrobeClient.Builder startServer(FakeImageGenerator fake, HeaderCapture headers) throws Exception {
        return StrobeClient.builder().target("localhost:" + start(fake, headers, InsecureServerCredentials.create()));
    }

    private int start(FakeImageGenerator fake, HeaderCapture headers, ServerCredentials credentials)
            throws IOException {
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), credentials)
                .addService(ServerInterceptors.intercept(fake, headers))
                .build()
                .start();
        closeLater(() -> server.shutdownNow().awaitTermination());
        return server.getPort();
    }

    private Path cert(String name) throws IOException {
        Path file = certs.resolve(name);
        try (InputStream in = TlsTesting.loadCert(name)) {
            Files.copy(in, file);
        }
        return file;
    }

    private ServerCredentials mutualTlsServer() throws IOException {
        return TlsServerCredentials.newBuilder()
                .keyManager(cert("server1.pem").toFile(), cert("server1.key").toFile())
                .trustManager(cert("ca.pem").toFile())
                .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
                .build();
    }

    @Test
    void mutualTlsWithCaFileAndClientCertificate() throws Exception {
        int port = start(fake, headers, mutualTlsServer());
        TlsOptions tls = TlsOptions.trusting(certs.resolve("ca.pem"))
                .withClientCertificate(cert("client.pem"), cert("client.key"))
                .withAuthorityOverride(TEST_AUTHORITY);
        StrobeClient client = client(
                StrobeClient.builder().target("localhost:" + port).tls(tls).bearerToken("t0k"));

        GenerationResult result = client.generate(request("over tls"));

        assertEquals(2, result.images().size());
        assertEquals(List.of("Bearer t0k"), headers.authorizations());
    }

    @Test
    void aServerRequiringClientCertificatesRefusesAClientWithout() throws Exception {
        int port = start(fake, headers, mutualTlsServer());
        TlsOptions tls = TlsOptions.trusting(certs.resolve("ca.pem")).withAuthorityOverride(TEST_AUTHORITY);
        StrobeClient client =
                client(StrobeClient.builder().target("localhost:" + port).tls(tls));

        StrobeException e = assertThrows(StrobeException.class, () -> client.generate(request("no cert")));

        assertEquals(Status.Code.UNAVAILABLE, e.code());
        assertEquals(0, fake.generateCalls());
    }
}
