package dev.strobe.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.grpc.GrpcTransport;
import dev.strobe.grpc.TestCertificates;
import dev.strobe.grpc.TestServers;
import dev.strobe.scheduler.BatcherConfig;
import dev.strobe.server.ServerSettings;
import dev.strobe.server.StrobeServer;
import dev.strobe.service.auth.AuthTokens;
import io.grpc.inprocess.InProcessServerBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP frontend with the gRPC frontend's TLS files and tokens (HTTPS, h2 by ALPN, 401/403),
 * and admission answered in HTTP: a full queue is 429 with Retry-After, a draining server 503.
 */
class HttpSecurityAndAdmissionTest {
    private static final String MODEL = "tiny-lightning-4step";

    @TempDir
    Path dir;

    private static ServerSettings base() {
        return ServerSettings.forModels(TestServers.modelsSubset(MODEL, "tiny-lightning-8step"), 0).toBuilder()
                .warmup(false)
                .httpPort(0)
                .build();
    }

    private static StrobeServer start(ServerSettings s) throws Exception {
        return StrobeServer.start(
                s, GrpcTransport.using(InProcessServerBuilder.forName(InProcessServerBuilder.generateName())));
    }

    @Test
    void httpsWithTokensUsesTheSameCredentialsAsGrpc() throws Exception {
        TestCertificates certs = new TestCertificates(dir);
        TestCertificates.Issued ca = certs.authority("test-ca");
        TestCertificates.Issued cert = certs.server(ca);
        Path tokens = Files.writeString(dir.resolve("tokens"), "all-models\nlimited models=" + MODEL + "\n");
        try (StrobeServer server = start(base().toBuilder()
                .host("127.0.0.1")
                .tls(cert.certFile(), cert.keyFile(), null)
                .tokens(AuthTokens.fromFile(tokens), false)
                .build())) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca.certificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            HttpClient client = HttpClient.newBuilder()
                    .sslContext(ssl)
                    .version(HttpClient.Version.HTTP_2)
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
            String base = "https://localhost:" + server.httpPort();
            HttpCalls https = new HttpCalls(client, base);

            HttpResponse<String> anonymous = https.get(HttpFrontend.MODELS);
            assertEquals(401, anonymous.statusCode());
            assertEquals(
                    "invalid_api_key",
                    HttpCalls.json(anonymous)
                            .getAsJsonObject("error")
                            .get("code")
                            .getAsString());
            assertEquals(200, https.get("/healthz").statusCode(), "probes stay open for load balancers");

            HttpResponse<String> listed = https.send(HttpRequest.newBuilder(URI.create(base + HttpFrontend.MODELS))
                    .header("Authorization", "Bearer all-models")
                    .GET());
            assertEquals(200, listed.statusCode());
            assertEquals(HttpClient.Version.HTTP_2, listed.version(), "h2 negotiated by ALPN");

            HttpResponse<String> wrong = https.send(HttpRequest.newBuilder(URI.create(base + HttpFrontend.IMAGES))
                    .header("Authorization", "Bearer nope")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"p\"}")));
            assertEquals(401, wrong.statusCode());

            HttpResponse<String> denied = https.send(HttpRequest.newBuilder(URI.create(base + HttpFrontend.IMAGES))
                    .header("Authorization", "Bearer limited")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"prompt\": \"p\", \"model\": \"tiny-lightning-8step\", \"size\": \"256x256\"}")));
            assertEquals(403, denied.statusCode(), denied.body());
            assertTrue(HttpCalls.json(denied)
                    .getAsJsonObject("error")
                    .get("message")
                    .getAsString()
                    .contains("may not use model 'tiny-lightning-8step'"));

            HttpResponse<String> allowed = https.send(HttpRequest.newBuilder(URI.create(base + HttpFrontend.IMAGES))
                    .header("Authorization", "Bearer limited")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"p\", \"size\": \"256x256\"}")));
            assertEquals(200, allowed.statusCode(), allowed.body());
        }
    }

    @Test
    void aFullQueueIs429WithRetryAfter() throws Exception {
        try (StrobeServer server = start(base().toBuilder()
                .batcher(BatcherConfig.defaults().withQueueSize(0))
                .build())) {
            HttpResponse<String> r = new HttpCalls(server.httpPort())
                    .post(HttpFrontend.IMAGES, "{\"prompt\": \"p\", \"size\": \"256x256\", \"stream\": true}");
            assertEquals(429, r.statusCode(), r.body());
            assertEquals("1", r.headers().firstValue("retry-after").orElse(""));
            assertEquals(
                    "rate_limit_error",
                    HttpCalls.json(r).getAsJsonObject("error").get("type").getAsString());
        }
    }

    @Test
    void aDrainingServerIsNotReadyAndRefusesNewWorkWith503() throws Exception {
        try (StrobeServer server = start(base())) {
            HttpCalls http = new HttpCalls(server.httpPort());
            assertEquals(200, http.get("/readyz").statusCode());
            assertTrue(server.service().batcher().drain(Duration.ZERO), "nothing was in flight");
            HttpResponse<String> r = http.post(HttpFrontend.IMAGES, "{\"prompt\": \"p\", \"size\": \"256x256\"}");
            assertEquals(503, r.statusCode(), r.body());
            assertEquals("5", r.headers().firstValue("retry-after").orElse(""));
            assertTrue(HttpCalls.json(r)
                    .getAsJsonObject("error")
                    .get("message")
                    .getAsString()
                    .contains("retry on another replica"));
        }
    }
}
