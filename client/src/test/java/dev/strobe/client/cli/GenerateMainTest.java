package dev.strobe.client.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.strobe.api.v1.GenerateRequest;
import dev.strobe.api.v1.ImageFormat;
import dev.strobe.api.v1.PreviewFormat;
import dev.strobe.client.testing.FakeImageGenerator;
import dev.strobe.client.testing.HeaderCapture;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generate command end to end against a fake server on a free loopback port. */
class GenerateMainTest {

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    Path dir;

    private final FakeImageGenerator fake = new FakeImageGenerator();
    private final HeaderCapture headers = new HeaderCapture();
    private Server server;
    private int port;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void startServer() throws Exception {
        server = NettyServerBuilder.forAddress(
                        new InetSocketAddress("127.0.0.1", 0), InsecureServerCredentials.create())
                .addService(ServerInterceptors.intercept(fake, headers))
                .build()
                .start();
        port = server.getPort();
    }

    @AfterEach
    void stopServer() throws Exception {
        server.shutdownNow().awaitTermination();
    }

    private int run(Map<String, String> env, String... args) {
        String[] all = Stream.concat(Stream.of(args), Stream.of("--target", "127.0.0.1:" + port))
                .toArray(String[]::new);
        return GenerateMain.run(
                all,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                env,
                false);
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private JsonObject lastLineJson() {
        List<String> lines = stdout().lines().toList();
        return JsonParser.parseString(lines.get(lines.size() - 1)).getAsJsonObject();
    }

    @Test
    void writesTheImagePreviewsAndAJsonSummary() throws Exception {
        Path output = dir.resolve("fox.png");
        Path previews = dir.resolve("previews");

        int code = run(
                Map.of(),
                "a red fox",
                "-o",
                output.toString(),
                "--previews",
                previews.toString(),
                "--seed",
                "42",
                "--steps",
                "4",
                "--width",
                "128",
                "--height",
                "64",
                "--request-id",
                "cli-test",
                "--json");

        assertEquals(ExitCodes.OK, code, stderr());
        byte[] png = Files.readAllBytes(output);
        assertArrayEquals(PNG_SIGNATURE, java.util.Arrays.copyOf(png, 8));
        for (int step = 1; step <= 4; step++) {
            assertTrue(Files.size(previews.resolve("image0-step" + step + ".jpg")) > 0, "preview of step " + step);
        }
        assertTrue(stdout().contains("seed 42"), stdout());
        assertTrue(stdout().contains("step 4/4"), stdout());
        JsonObject json = lastLineJson();
        assertEquals(output.toString(), json.getAsJsonArray("files").get(0).getAsString());
        assertEquals(42L, json.getAsJsonArray("seeds").get(0).getAsLong());
        assertEquals(4, json.getAsJsonArray("previews").size());
        assertEquals("cli-test", json.get("request_id").getAsString());
        assertEquals(17.0, json.getAsJsonObject("timings").get("total_ms").getAsDouble());

        GenerateRequest sent = fake.requests().get(0);
        assertEquals("a red fox", sent.getPrompt());
        assertEquals(42L, sent.getSeed());
        assertEquals(128, sent.getWidth());
        assertEquals(64, sent.getHeight());
        assertEquals(4, sent.getSteps());
    }

    @Test
    void severalImagesGetIndexedNamesAndConsecutiveSeeds() throws Exception {
        Path output = dir.resolve("many.jpg");

        int code = run(
                Map.of(),
                "three cats",
                "-o",
                output.toString(),
                "--num-images",
                "3",
                "--seed",
                "18446744073709551615",
                "--output-format",
                "JPEG",
                "--preview-format",
                "none",
                "--json");

        assertEquals(ExitCodes.OK, code, stderr());
        for (int i = 0; i < 3; i++) {
            assertTrue(Files.size(dir.resolve("many-" + i + ".jpg")) > 0);
        }
        assertFalse(Files.exists(output));
        JsonObject json = lastLineJson();
        assertEquals(
                "18446744073709551615",
                json.getAsJsonArray("seeds").get(0).getAsBigInteger().toString());
        assertEquals("0", json.getAsJsonArray("seeds").get(1).getAsBigInteger().toString(), "seed + 1 wraps mod 2^64");
        GenerateRequest sent = fake.requests().get(0);
        assertEquals(ImageFormat.IMAGE_FORMAT_JPEG, sent.getOutputFormat());
        assertEquals(PreviewFormat.PREVIEW_FORMAT_NONE, sent.getPreview().getFormat());
        assertEquals(3, sent.getNumImages());
    }

    @Test
    void aServerErrorPrintsOneLineWithTheStatusAndExitsWithOne() {
        fake.then(FakeImageGenerator.fail(Status.INTERNAL.withDescription("the UNet engine failed")));

        int code = run(Map.of(), "boom", "-o", dir.resolve("x.png").toString(), "--json");

        assertEquals(ExitCodes.SERVER_ERROR, code);
        assertEquals(
                List.of("error: INTERNAL: the UNet engine failed"),
                stderr().lines().toList());
        assertEquals(
                "INTERNAL", lastLineJson().getAsJsonObject("error").get("code").getAsString());
        assertFalse(Files.exists(dir.resolve("x.png")));
    }

    @Test
    void theServerRefusingTheArgumentsExitsWithTwo() {
        fake.then(FakeImageGenerator.fail(Status.INVALID_ARGUMENT.withDescription("steps must be 4 for this model")));

        int code = run(
                Map.of(),
                "bad steps",
                "--steps",
                "3",
                "-o",
                dir.resolve("x.png").toString());

        assertEquals(ExitCodes.INVALID_ARGUMENTS, code);
        assertTrue(stderr().contains("INVALID_ARGUMENT: steps must be 4 for this model"), stderr());
    }

    @Test
    void invalidArgumentsExitWithTwoBeforeAnyCall() {
        assertEquals(ExitCodes.INVALID_ARGUMENTS, run(Map.of(), "p", "--steps", "many"));
        assertEquals(ExitCodes.INVALID_ARGUMENTS, run(Map.of(), "p", "--width", "-64"));
        assertEquals(ExitCodes.INVALID_ARGUMENTS, run(Map.of(), "p", "--preview-format", "gif"));
        assertEquals(
                ExitCodes.INVALID_ARGUMENTS,
                run(Map.of(), "p", "--previews", dir.toString(), "--preview-format", "none"));
        assertEquals(
                ExitCodes.INVALID_ARGUMENTS,
                run(Map.of(), "p", "--cert", dir.resolve("c.pem").toString()));
        assertEquals(ExitCodes.INVALID_ARGUMENTS, run(Map.of(), "p", "--deadline", "later"));
        assertEquals(ExitCodes.INVALID_ARGUMENTS, run(Map.of()));
        assertEquals(0, fake.generateCalls());
    }

    @Test
    void theTokenComesFromTheEnvironmentWhenNoFlagGivesOne() {
        int code = run(
                Map.of("STROBE_TOKEN", "env-token"),
                "token please",
                "-o",
                dir.resolve("t.png").toString());

        assertEquals(ExitCodes.OK, code, stderr());
        assertEquals(List.of("Bearer env-token"), headers.authorizations());
    }

    @Test
    void anUnreachableServerIsReportedAsUnavailable() throws Exception {
        server.shutdownNow().awaitTermination();

        int code = run(
                Map.of(),
                "nobody home",
                "--retries",
                "0",
                "-o",
                dir.resolve("x.png").toString());

        assertEquals(ExitCodes.SERVER_ERROR, code);
        assertTrue(stderr().startsWith("error: UNAVAILABLE"), stderr());
    }
}
