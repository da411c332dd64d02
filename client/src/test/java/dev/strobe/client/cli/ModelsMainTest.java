package dev.strobe.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.strobe.client.testing.FakeImageGenerator;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ModelsMainTest {

    private final FakeImageGenerator fake = new FakeImageGenerator();
    private Server server;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void startServer() throws Exception {
        server = NettyServerBuilder.forAddress(
                        new InetSocketAddress("127.0.0.1", 0), InsecureServerCredentials.create())
                .addService(fake)
                .build()
                .start();
    }

    @AfterEach
    void stopServer() throws Exception {
        server.shutdownNow().awaitTermination();
    }

    private int run(String... args) {
        String[] all = java.util.stream.Stream.concat(
                        java.util.Arrays.stream(args),
                        java.util.stream.Stream.of("--target", "127.0.0.1:" + server.getPort()))
                .toArray(String[]::new);
        return ModelsMain.run(
                all,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of());
    }

    @Test
    void printsATableWithTheDefaultModelMarked() {
        assertEquals(ExitCodes.OK, run());
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.lines().anyMatch(l -> l.startsWith(FakeImageGenerator.MODEL) && l.contains("(default)")), text);
    }

    @Test
    void printsJson() {
        assertEquals(ExitCodes.OK, run("--json"));
        JsonObject json = JsonParser.parseString(
                        out.toString(StandardCharsets.UTF_8).strip())
                .getAsJsonObject();
        assertEquals(FakeImageGenerator.MODEL, json.get("default_model").getAsString());
        JsonObject model = json.getAsJsonArray("models").get(0).getAsJsonObject();
        assertEquals(4, model.get("steps").getAsInt());
        assertEquals("epsilon", model.get("prediction_type").getAsString());
    }

    @Test
    void listsTheModelsThatDidNotLoadWithTheirReason() {
        String reason = "model folder /models/broken: unet/model.onnx has no input 'text_embeds'";
        fake.withUnavailable("broken", "/models/broken", reason);
        assertEquals(ExitCodes.OK, run());
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("UNAVAILABLE"), text);
        assertTrue(text.lines().anyMatch(l -> l.strip().equals("broken: " + reason)), text);
        assertTrue(text.lines().noneMatch(l -> l.startsWith("broken ")), "listed as served: " + text);

        out.reset();
        assertEquals(ExitCodes.OK, run("--json"));
        JsonObject json = JsonParser.parseString(
                        out.toString(StandardCharsets.UTF_8).strip())
                .getAsJsonObject();
        JsonObject u = json.getAsJsonArray("unavailable_models").get(0).getAsJsonObject();
        assertEquals("broken", u.get("name").getAsString());
        assertEquals("/models/broken", u.get("folder").getAsString());
        assertEquals(reason, u.get("reason").getAsString());
        assertEquals(1, json.getAsJsonArray("models").size());
    }

    @Test
    void saysNothingOfUnavailableModelsWhenAllLoaded() {
        assertEquals(ExitCodes.OK, run());
        assertTrue(!out.toString(StandardCharsets.UTF_8).contains("UNAVAILABLE"));
    }

    @Test
    void aRefusalIsOneErrorLine() {
        fake.failListModels(Status.UNAUTHENTICATED.withDescription("a bearer token is required"));
        assertEquals(ExitCodes.SERVER_ERROR, run());
        assertEquals(
                "error: UNAUTHENTICATED: a bearer token is required",
                err.toString(StandardCharsets.UTF_8).strip());
    }
}
