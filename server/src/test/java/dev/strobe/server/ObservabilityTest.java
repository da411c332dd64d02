package dev.strobe.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.api.v1.GenerateEvent;
import dev.strobe.api.v1.GenerateRequest;
import dev.strobe.api.v1.ImageGeneratorGrpc;
import dev.strobe.grpc.GrpcTransport;
import dev.strobe.scheduler.Timings;
import dev.strobe.service.stream.RequestInfo;
import dev.strobe.testing.TinyModels;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What operators see: the Prometheus endpoint scraped over HTTP after real requests, and the
 * request log (one entry per request, whatever its end), over Netty.
 */
class ObservabilityTest {
    private static final String MODEL = "tiny-lightning-4step";
    private static final List<Entry> log = new CopyOnWriteArrayList<>();
    private static StrobeServer server;
    private static ManagedChannel channel;

    /** One request-log entry. */
    record Entry(RequestInfo request, String code, Timings timings, String message) {}

    @BeforeAll
    static void start() throws Exception {
        ServerSettings s = ServerSettings.forModels(TinyModels.dir(), 0).toBuilder()
                .metrics("0.0.0.0", 0)
                .build();
        server = StrobeServer.start(
                s, GrpcTransport.netty(), (r, code, t, message) -> log.add(new Entry(r, code, t, message)));
        channel = NettyChannelBuilder.forAddress("localhost", server.port())
                .usePlaintext()
                .build();
    }

    @AfterAll
    static void stop() {
        channel.shutdownNow();
        server.close();
    }

    static GenerateRequest.Builder request(String id) {
        return GenerateRequest.newBuilder()
                .setPrompt("a metric")
                .setWidth(256)
                .setHeight(256)
                .setRequestId(id);
    }

    static List<GenerateEvent> generate(GenerateRequest r) {
        List<GenerateEvent> events = new java.util.ArrayList<>();
        ImageGeneratorGrpc.newBlockingStub(channel)
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .generate(r)
                .forEachRemaining(events::add);
        return events;
    }

    static String scrape() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + server.metricsPort() + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return r.body();
    }

    /** The value of one sample in the text format, 0 when the series does not exist yet. */
    static double value(String text, String name, Map<String, String> labels) {
        for (String line : text.split("\n")) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
                continue;
            }
            String series = line.substring(0, line.lastIndexOf(' '));
            boolean all =
                    labels.entrySet().stream().allMatch(l -> series.contains(l.getKey() + "=\"" + l.getValue() + "\""));
            long labelCount = series.chars().filter(c -> c == '=').count();
            if (all && labelCount == labels.size()) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    static double delta(String before, String after, String name, Map<String, String> labels) {
        return value(after, name, labels) - value(before, name, labels);
    }

    @Test
    void aGenerationShowsUpInTheScrapedMetrics() throws Exception {
        String before = scrape();
        List<GenerateEvent> events = generate(request("metrics-1").build());
        assertTrue(events.get(events.size() - 1).hasDone());
        awaitLogged("metrics-1");
        System.gc(); // the server runs in this JVM: make sure a collection happened before the scrape
        String after = scrape();
        assertEquals(
                1,
                delta(
                        before,
                        after,
                        "strobe_requests_total",
                        Map.of("model", MODEL, "code", "OK", "frontend", "grpc")));
        // One UNet call per step, one text-encoder call, one VAE call, one PNG encoding.
        assertEquals(4, delta(before, after, "strobe_batch_size_count", Map.of("stage", "denoise", "model", MODEL)));
        assertEquals(
                4,
                delta(before, after, "strobe_batch_size_sum", Map.of("stage", "denoise", "model", MODEL)),
                "each call held one image");
        assertEquals(1, delta(before, after, "strobe_batch_size_count", Map.of("stage", "encode", "model", MODEL)));
        assertEquals(1, delta(before, after, "strobe_batch_size_count", Map.of("stage", "decode", "model", MODEL)));
        assertEquals(1, delta(before, after, "strobe_batch_size_count", Map.of("stage", "output", "model", MODEL)));
        assertEquals(
                4,
                delta(
                        before,
                        after,
                        "strobe_batch_size_bucket",
                        Map.of("stage", "denoise", "model", MODEL, "le", "1.0")));
        assertEquals(4, delta(before, after, "strobe_stage_seconds_count", Map.of("stage", "denoise", "model", MODEL)));
        assertTrue(delta(before, after, "strobe_stage_seconds_sum", Map.of("stage", "denoise", "model", MODEL)) > 0);
        assertEquals(1, delta(before, after, "strobe_queue_wait_seconds_count", Map.of()));
        assertEquals(
                1,
                delta(
                        before,
                        after,
                        "strobe_time_to_first_preview_seconds_count",
                        Map.of("model", MODEL, "frontend", "grpc")));
        assertEquals(
                1, delta(before, after, "strobe_request_seconds_count", Map.of("model", MODEL, "frontend", "grpc")));
        assertEquals(0, value(after, "strobe_queue_depth", Map.of()));
        assertEquals(0, value(after, "strobe_active_images", Map.of()));
        assertEquals(0, value(after, "strobe_open_streams", Map.of()));
        assertTrue(value(after, "strobe_device_seconds_per_megapixel_step", Map.of()) > 0);
        for (String stage : List.of("queue", "encode", "wait", "denoise", "decode")) {
            assertEquals(
                    1,
                    delta(before, after, "strobe_request_stage_seconds_count", Map.of("stage", stage, "model", MODEL)),
                    stage);
        }
        assertTrue(value(after, "strobe_jvm_heap_after_gc_bytes", Map.of()) > 0, "the JVM collected at least once");
        assertTrue(value(after, "strobe_jvm_live_threads", Map.of()) >= 4);
        assertTrue(value(after, "strobe_process_resident_bytes", Map.of()) > 0);
    }

    @Test
    void theStagesOfARequestAddUpToItsTotalInDoneTheLogAndTheMetrics() throws Exception {
        String before = scrape();
        List<GenerateEvent> events =
                generate(request("stages-1").setNumImages(3).build());
        dev.strobe.api.v1.Timings t = events.get(events.size() - 1).getDone().getTimings();
        double stages = t.getQueueMs() + t.getEncodeMs() + t.getWaitMs() + t.getDenoiseMs() + t.getDecodeMs();
        assertEquals(t.getTotalMs(), stages, 1.0, t.toString());
        awaitLogged("stages-1");
        Timings logged = only("stages-1").timings();
        assertEquals(logged.totalMs(), logged.stagesMs(), 1.0, logged.toString());
        String after = scrape();
        double metricStages = 0;
        for (String stage : List.of("queue", "encode", "wait", "denoise", "decode")) {
            metricStages +=
                    delta(before, after, "strobe_request_stage_seconds_sum", Map.of("stage", stage, "model", MODEL));
        }
        assertEquals(
                delta(before, after, "strobe_request_seconds_sum", Map.of("model", MODEL, "frontend", "grpc")),
                metricStages,
                1e-3);
    }

    @Test
    void refusalsAreCountedByCodeAndUnknownModelNamesNeverBecomeLabels() throws Exception {
        String before = scrape();
        assertThrows(
                StatusRuntimeException.class,
                () -> generate(request("bad-1").setNumImages(5).build()));
        assertThrows(
                StatusRuntimeException.class,
                () -> generate(request("bad-2").setModel("../../etc/passwd").build()));
        awaitLogged("bad-2");
        String after = scrape();
        assertEquals(
                1,
                delta(
                        before,
                        after,
                        "strobe_requests_total",
                        Map.of("model", "-", "code", "INVALID_ARGUMENT", "frontend", "grpc")));
        assertEquals(
                1,
                delta(
                        before,
                        after,
                        "strobe_requests_total",
                        Map.of("model", "unknown", "code", "NOT_FOUND", "frontend", "grpc")));
        assertFalse(after.contains("passwd"), "a client's model name became a label value");
    }

    @Test
    void eachRequestIsLoggedOnceWithItsIdOutcomeAndTimings() throws Exception {
        generate(request("log-ok").build());
        assertThrows(
                StatusRuntimeException.class,
                () -> generate(request("log-refused").setWidth(100).build()));
        Context.CancellableContext cancellable = Context.current().withCancellation();
        cancellable.run(() -> {
            Iterator<GenerateEvent> it = ImageGeneratorGrpc.newBlockingStub(channel)
                    .generate(request("log-cancelled")
                            .setModel("tiny-lightning-8step")
                            .setWidth(1024)
                            .setHeight(1024)
                            .build());
            assertTrue(it.next().hasQueued());
        });
        cancellable.cancel(null);
        awaitLogged("log-cancelled");
        awaitIdle();
        Entry ok = only("log-ok");
        assertEquals("OK", ok.code());
        assertNotNull(ok.timings());
        assertTrue(ok.timings().totalMs() > 0
                && ok.timings().denoiseMs() > 0
                && ok.timings().firstPreviewMs() > 0);
        assertEquals(MODEL, ok.request().model());
        Entry refused = only("log-refused");
        assertEquals("INVALID_ARGUMENT", refused.code());
        assertTrue(refused.message().contains("width 100"), refused.message());
        Entry cancelled = only("log-cancelled");
        assertEquals("CANCELLED", cancelled.code());
        assertEquals(0, value(scrape(), "strobe_open_streams", Map.of()));
    }

    private static Entry only(String requestId) {
        List<Entry> matching = log.stream()
                .filter(e -> e.request().requestId().equals(requestId))
                .toList();
        assertEquals(1, matching.size(), "entries for " + requestId + ": " + matching);
        return matching.get(0);
    }

    private static void awaitLogged(String requestId) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (log.stream().noneMatch(e -> e.request().requestId().equals(requestId))) {
            assertTrue(System.nanoTime() < end, requestId + " was never logged");
            Thread.sleep(5);
        }
    }

    private static void awaitIdle() throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (server.service().batcher().stats().activeImages() > 0
                || server.service().batcher().stats().queued() > 0) {
            assertTrue(System.nanoTime() < end, "the batcher never became idle");
            Thread.sleep(5);
        }
    }
}
