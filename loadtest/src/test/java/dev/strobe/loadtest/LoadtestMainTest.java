package dev.strobe.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loadtest command line against a fake server over Netty on a free loopback port. */
class LoadtestMainTest {

    @TempDir
    Path dir;

    private final FakeGeneratorService fake = new FakeGeneratorService(5, 0);
    private Server server;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        server = NettyServerBuilder.forAddress(
                        new InetSocketAddress("127.0.0.1", 0), InsecureServerCredentials.create())
                .addService(fake)
                .build()
                .start();
    }

    @AfterEach
    void stop() throws Exception {
        server.shutdownNow().awaitTermination();
        fake.close();
    }

    private int run(String... args) {
        return LoadtestMain.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of());
    }

    private JsonObject lastLine() {
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        return JsonParser.parseString(lines.get(lines.size() - 1)).getAsJsonObject();
    }

    private String target() {
        return "127.0.0.1:" + server.getPort();
    }

    @Test
    void runIsTheDefaultSubcommandAndEndsWithTheJsonLine() {
        int code = run(
                "--target",
                target(),
                "--rate",
                "20",
                "--duration",
                "1s",
                "--warmup",
                "200ms",
                "--size",
                "128x64:3",
                "--size",
                "64x64:1",
                "--steps",
                "2");

        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        JsonObject json = lastLine();
        assertTrue(json.get("completed").getAsLong() > 0);
        assertEquals(0, json.getAsJsonObject("errors").size());
        assertEquals(20.0, json.get("offered_rate").getAsDouble());
        assertTrue(json.get("latency_p99_ms").getAsDouble()
                >= json.get("latency_p50_ms").getAsDouble());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("time to final image:"));
    }

    @Test
    void closedLoopRunsWithConcurrency() {
        int code = run(
                "run",
                "--target",
                target(),
                "--concurrency",
                "2",
                "--duration",
                "700ms",
                "--warmup",
                "0s",
                "--previews",
                "off");

        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        JsonObject json = lastLine();
        assertEquals("closed", json.get("mode").getAsString());
        assertEquals(2, json.get("concurrency").getAsInt());
        assertTrue(json.get("ttfp_p50_ms").isJsonNull(), "no previews were asked for");
    }

    @Test
    void sweepWritesTheReportTheChartAndTheJsonLine() throws Exception {
        Path reports = dir.resolve("report");
        int code = run(
                "sweep",
                "--target",
                target(),
                "--start",
                "5",
                "--factor",
                "2",
                "--max-steps",
                "2",
                "--duration",
                "600ms",
                "--warmup",
                "100ms",
                "--max-p99",
                "5s",
                "--report-dir",
                reports.toString());

        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        JsonObject json = lastLine();
        assertEquals(10.0, json.get("saturation_rate").getAsDouble());
        assertEquals(2, json.getAsJsonArray("steps").size());
        assertTrue(json.get("stop_reason").getAsString().contains("did not saturate"));
        assertTrue(Files.size(reports.resolve("sweep.png")) > 1000);
        String md = Files.readString(reports.resolve("sweep.md"));
        assertTrue(md.contains("latency p99 <= 5000 ms"), md);
        assertTrue(Files.exists(reports.resolve("sweep.json")));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("limits: latency p99 <= 5000 ms"));
    }

    @Test
    void invalidArgumentsExitWithTwo() {
        assertEquals(2, run("--target", target(), "--rate", "1", "--concurrency", "2"));
        assertEquals(2, run("--target", target(), "--size", "big"));
        assertEquals(2, run("--target", target(), "--rate", "0"));
        assertEquals(2, run("sweep", "--target", target(), "--factor", "1"));
        assertEquals(2, run("--duration", "soon"));
        assertEquals(0, fake.calls());
    }
}
