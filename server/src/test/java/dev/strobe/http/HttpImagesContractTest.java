package dev.strobe.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.strobe.api.v1.GenerateEvent;
import dev.strobe.api.v1.GenerateRequest;
import dev.strobe.api.v1.ImageGeneratorGrpc;
import dev.strobe.grpc.GrpcTransport;
import dev.strobe.server.ModelSource;
import dev.strobe.server.ServerSettings;
import dev.strobe.server.StrobeServer;
import dev.strobe.service.stream.RequestInfo;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The OpenAI-compatible HTTP frontend's contract: real Jetty on port 0, the JDK's HTTP client,
 * the same server also answering gRPC in-process (one core for both). Each subclass picks the
 * models: the tiny 1-step and 4-step models end to end, or fake pipelines of the same names.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class HttpImagesContractTest {
    static final String MODEL = "tiny-lightning-4step";
    static final String OTHER_MODEL = "tiny-lightning-1step";
    private final List<String> log = new CopyOnWriteArrayList<>();
    private StrobeServer server;
    private HttpCalls http;
    private ManagedChannel grpc;

    /** Where {@link #models()} come from (read only by the disk loader). */
    abstract Path modelsDir();

    /** {@link #MODEL} and {@link #OTHER_MODEL}. */
    abstract ModelSource models();

    @BeforeAll
    void start() throws Exception {
        String name = InProcessServerBuilder.generateName();
        ServerSettings s = ServerSettings.forModels(modelsDir(), 0).toBuilder()
                .deadlineEstimateFactor(0)
                .httpPort(0)
                .build();
        server = StrobeServer.start(
                s,
                models(),
                GrpcTransport.using(InProcessServerBuilder.forName(name)),
                (RequestInfo r, String code, dev.strobe.scheduler.Timings t, String m) ->
                        log.add(r.frontend() + " " + r.requestId() + " " + code));
        http = new HttpCalls(server.httpPort());
        grpc = InProcessChannelBuilder.forName(name).build();
    }

    @AfterAll
    void stop() {
        grpc.shutdownNow();
        server.close();
    }

    private static BufferedImage image(String b64) throws IOException {
        BufferedImage img =
                ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(b64)));
        assertNotNull(img, "the b64_json must decode to an image");
        return img;
    }

    @Test
    void aNonStreamedRequestGetsOpenAIsResponseWithEveryImageAndItsSeed() throws Exception {
        HttpResponse<String> r = http.post(
                HttpFrontend.IMAGES,
                "{\"prompt\": \"a red fox\", \"size\": \"256x320\","
                        + " \"n\": 2, \"seed\": 5, \"request_id\": \"http-1\", \"some_future_field\": true}");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/json"));
        JsonObject body = HttpCalls.json(r);
        assertTrue(body.get("created").getAsLong() > 1_700_000_000L);
        JsonArray data = body.getAsJsonArray("data");
        assertEquals(2, data.size());
        for (int i = 0; i < 2; i++) {
            JsonObject d = data.get(i).getAsJsonObject();
            BufferedImage img = image(d.get("b64_json").getAsString());
            assertEquals(256, img.getWidth());
            assertEquals(320, img.getHeight());
            assertEquals(Integer.toString(5 + i), d.get("seed").getAsString(), "image i uses seed + i");
        }
        assertEquals("png", body.get("output_format").getAsString());
        assertEquals("256x320", body.get("size").getAsString());
        JsonObject strobe = body.getAsJsonObject("strobe");
        assertEquals(MODEL, strobe.get("model").getAsString());
        assertTrue(strobe.getAsJsonObject("timings").get("total_ms").getAsDouble() > 0);
        // The request log is written once the response is out, so the client may read it first.
        awaitLogged("http http-1 OK", Duration.ofSeconds(10));
    }

    /** Waits up to {@code limit} for the request log to hold {@code line}, and fails naming what it holds. */
    private void awaitLogged(String line, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!log.contains(line) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(log.contains(line), line + " not in " + log);
    }

    @Test
    void openAIsModelNameServesTheDefaultAndJpegIsJpeg() {
        HttpResponse<String> r = http.post(
                HttpFrontend.IMAGES,
                "{\"prompt\": \"a fox\", \"model\": \"gpt-image-1\","
                        + " \"size\": \"256x256\", \"output_format\": \"jpeg\"}");
        assertEquals(200, r.statusCode(), r.body());
        JsonObject body = HttpCalls.json(r);
        assertEquals(MODEL, body.getAsJsonObject("strobe").get("model").getAsString());
        byte[] jpeg = Base64.getDecoder()
                .decode(body.getAsJsonArray("data")
                        .get(0)
                        .getAsJsonObject()
                        .get("b64_json")
                        .getAsString());
        assertEquals((byte) 0xFF, jpeg[0]);
        assertEquals((byte) 0xD8, jpeg[1]);
        assertEquals("jpeg", body.get("output_format").getAsString());
    }

    @Test
    void aStreamCarriesThePartialImagesAskedForThenTheFinalImage() throws IOException {
        HttpResponse<String> r = http.post(
                HttpFrontend.IMAGES,
                "{\"prompt\": \"a fox\", \"size\": \"256x256\","
                        + " \"stream\": true, \"partial_images\": 2, \"seed\": 9}");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        assertFalse(r.body().contains("\nevent:") || r.body().startsWith("event:"), "no event: lines");
        List<JsonObject> events = HttpCalls.events(r.body());
        List<JsonObject> partials = events.subList(0, events.size() - 1);
        assertTrue(partials.stream().allMatch(e -> e.get("type").getAsString().equals(ImagesJson.PARTIAL)), r.body());
        assertEquals(
                ImagesJson.COMPLETED, events.get(events.size() - 1).get("type").getAsString());
        List<Integer> steps =
                partials.stream().map(e -> e.get("step").getAsInt()).toList();
        // 2 partial images of 4 steps: steps 1 and 3, spread before the last. Previews are lossy (a
        // busy server may replace step 1 by step 3 before it is sent); the newest is always sent.
        assertTrue(List.of(List.of(1, 3), List.of(3)).contains(steps), "partial images at steps " + steps);
        for (int i = 0; i < partials.size(); i++) {
            assertEquals(i, partials.get(i).get("partial_image_index").getAsInt(), "counted from 0 without gaps");
        }
        assertEquals(32, image(partials.get(0).get("b64_json").getAsString()).getWidth(), "a latent-size preview");
        JsonObject done = events.get(events.size() - 1);
        assertEquals(256, image(done.get("b64_json").getAsString()).getWidth());
        assertEquals("9", done.get("seed").getAsString());
        assertTrue(done.getAsJsonObject("strobe")
                        .getAsJsonObject("timings")
                        .get("first_preview_ms")
                        .getAsDouble()
                > 0);
    }

    @Test
    void strobePreviewsAllStreamsEveryStepOfEveryImage() {
        HttpResponse<String> r = http.post(
                HttpFrontend.IMAGES,
                "{\"prompt\": \"a fox\", \"size\": \"256x256\","
                        + " \"stream\": true, \"strobe_previews\": \"all\", \"n\": 2}");
        assertEquals(200, r.statusCode());
        List<JsonObject> events = HttpCalls.events(r.body());
        for (int image = 0; image < 2; image++) {
            int i = image;
            List<Integer> steps = events.stream()
                    .filter(e -> e.get("type").getAsString().equals(ImagesJson.PARTIAL)
                            && e.get("image_index").getAsInt() == i)
                    .map(e -> e.get("step").getAsInt())
                    .toList();
            // Every step, lossy only when the server is too busy to send a frame before the next.
            assertEquals(4, steps.get(steps.size() - 1), "the newest preview always arrives, image " + image);
            assertEquals(steps.stream().distinct().sorted().toList(), steps, "in order, image " + image);
            assertTrue(steps.size() >= 1 && steps.stream().allMatch(s -> s >= 1 && s <= 4), steps.toString());
        }
        assertEquals(
                2,
                events.stream()
                        .filter(e -> e.get("type").getAsString().equals(ImagesJson.COMPLETED))
                        .count());
    }

    @Test
    void httpAndGrpcGiveTheSameImageForTheSameRequest() {
        HttpResponse<String> r = http.post(
                HttpFrontend.IMAGES, "{\"prompt\": \"one core\", \"size\": \"256x256\"," + " \"seed\": 1234}");
        byte[] overHttp = Base64.getDecoder()
                .decode(HttpCalls.json(r)
                        .getAsJsonArray("data")
                        .get(0)
                        .getAsJsonObject()
                        .get("b64_json")
                        .getAsString());
        Iterator<GenerateEvent> it = ImageGeneratorGrpc.newBlockingStub(grpc)
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .generate(GenerateRequest.newBuilder()
                        .setPrompt("one core")
                        .setWidth(256)
                        .setHeight(256)
                        .setSeed(1234)
                        .build());
        byte[] overGrpc = null;
        while (it.hasNext()) {
            GenerateEvent e = it.next();
            if (e.hasImage()) {
                overGrpc = e.getImage().getData().toByteArray();
            }
        }
        assertArrayEquals(overGrpc, overHttp);
    }

    @Test
    void theModelListHasOpenAIsShapeAndStrobesDetails() {
        HttpResponse<String> r = http.get(HttpFrontend.MODELS);
        assertEquals(200, r.statusCode());
        JsonObject body = HttpCalls.json(r);
        assertEquals("list", body.get("object").getAsString());
        List<String> ids = new ArrayList<>();
        for (var e : body.getAsJsonArray("data")) {
            JsonObject m = e.getAsJsonObject();
            ids.add(m.get("id").getAsString());
            assertEquals("model", m.get("object").getAsString());
            assertEquals("strobe", m.get("owned_by").getAsString());
            assertEquals(
                    m.get("id").getAsString().equals(MODEL), m.get("is_default").getAsBoolean());
        }
        assertEquals(List.of(OTHER_MODEL, MODEL), ids);
    }

    @Test
    void probesAnswerPlainly() {
        assertEquals(200, http.get("/healthz").statusCode());
        HttpResponse<String> ready = http.get("/readyz");
        assertEquals(200, ready.statusCode());
        assertEquals("ready", HttpCalls.json(ready).get("status").getAsString());
    }

    @Test
    void http2WithoutTlsWorksByUpgrade() {
        HttpCalls h2 = new HttpCalls(
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build(),
                "http://127.0.0.1:" + server.httpPort());
        HttpResponse<String> r = h2.get(HttpFrontend.MODELS);
        assertEquals(200, r.statusCode());
        assertEquals(HttpClient.Version.HTTP_2, r.version());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "malformed JSON       | application/json | {\"prompt\": | 400 | invalid_value | ",
                "not an object        | application/json | [1]         | 400 | invalid_value | ",
                "wrong type           | application/json | {\"prompt\": \"p\", \"n\": \"2\"} | 400 | invalid_value | n",
                "fractional           | application/json | {\"prompt\": \"p\", \"n\": 1.5} | 400 | invalid_value | n",
                "negative seed        | application/json | {\"prompt\": \"p\", \"seed\": -3} | 400 | invalid_value | seed",
                "absurd size          | application/json | {\"prompt\": \"p\", \"size\": \"100000x100000\"} | 400 | invalid_value | size",
                "size not a multiple  | application/json | {\"prompt\": \"p\", \"size\": \"300x256\"} | 400 | invalid_value | size",
                "too many images      | application/json | {\"prompt\": \"p\", \"n\": 5} | 400 | invalid_value | n",
                "wrong steps          | application/json | {\"prompt\": \"p\", \"steps\": 3} | 400 | invalid_value | steps",
                "webp                 | application/json | {\"prompt\": \"p\", \"output_format\": \"webp\"} | 400 | invalid_value | output_format",
                "url                  | application/json | {\"prompt\": \"p\", \"response_format\": \"url\"} | 400 | invalid_value | response_format",
                "unknown model        | application/json | {\"prompt\": \"p\", \"model\": \"sdxl-turbo\"} | 404 | model_not_found | ",
                "wrong content type   | text/plain       | {\"prompt\": \"p\"} | 415 | unsupported_media_type | ",
                "request id control   | application/json | {\"prompt\": \"p\", \"request_id\": \"a\\u0007b\"} | 400 | invalid_value | request_id",
            })
    void badInputGetsOpenAIsErrorBodyWithTheRightStatus(
            String what, String type, String body, int status, String code, String param) {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(http.base + HttpFrontend.IMAGES))
                .header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertEquals(status, r.statusCode(), r.body());
        JsonObject error = HttpCalls.json(r).getAsJsonObject("error");
        assertEquals(code, error.get("code").getAsString());
        assertFalse(error.get("message").getAsString().isBlank());
        assertFalse(error.get("type").getAsString().isBlank());
        assertEquals(
                param == null ? "null" : "\"" + param + "\"", error.get("param").toString());
    }

    @Test
    void protocolErrorsAreJsonToo() {
        HttpResponse<String> big = http.post(HttpFrontend.IMAGES, "{\"prompt\": \"" + "x".repeat(5 << 20) + "\"}");
        assertEquals(413, big.statusCode());
        assertEquals(
                "request_too_large",
                HttpCalls.json(big).getAsJsonObject("error").get("code").getAsString());
        HttpResponse<String> get = http.get(HttpFrontend.IMAGES);
        assertEquals(405, get.statusCode());
        assertEquals("POST", get.headers().firstValue("allow").orElse(""));
        HttpResponse<String> missing = http.get("/v1/chat/completions");
        assertEquals(404, missing.statusCode());
        assertEquals(
                "not_found",
                HttpCalls.json(missing).getAsJsonObject("error").get("code").getAsString());
    }

    @Test
    void unicodeAndControlCharactersInAPromptAreFine() {
        HttpResponse<String> r = http.post(
                HttpFrontend.IMAGES,
                "{\"prompt\": \"\\u0000\\u0007 \u00e9\u00e8 \ud83e\udd8a"
                        + " \u202e\u0645\u0631\u062d\u0628\u0627 \u4f60\u597d\", \"size\": \"256x256\"}");
        assertEquals(200, r.statusCode(), r.body());
    }

    @Test
    void aDeadlineThatPassesIs504AndABadOneIs400() {
        HttpResponse<String> late = http.send(HttpRequest.newBuilder(URI.create(http.base + HttpFrontend.IMAGES))
                .header("Content-Type", "application/json")
                .header(ImagesEndpoint.TIMEOUT_HEADER, "1ms")
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"p\", \"size\": \"256x256\"}")));
        assertEquals(504, late.statusCode(), late.body());
        assertEquals(
                "deadline_exceeded",
                HttpCalls.json(late).getAsJsonObject("error").get("code").getAsString());
        HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(http.base + HttpFrontend.IMAGES))
                .header("Content-Type", "application/json")
                .header(ImagesEndpoint.TIMEOUT_HEADER, "soon")
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"p\"}")));
        assertEquals(400, bad.statusCode());
        assertTrue(HttpCalls.json(bad)
                .getAsJsonObject("error")
                .get("message")
                .getAsString()
                .contains("not a duration"));
    }

    @Test
    void aClientThatHangsUpMidStreamCancelsItsGeneration() throws Exception {
        int before = (int)
                log.stream().filter(l -> l.equals("http hang-up CANCELLED")).count();
        HttpResponse<Stream<String>> r = http.stream("{\"prompt\": \"a fox\", \"size\": \"1024x1024\","
                + " \"stream\": true, \"strobe_previews\": \"all\", \"n\": 4, \"request_id\": \"hang-up\"}");
        assertEquals(200, r.statusCode());
        try (Stream<String> lines = r.body()) {
            assertTrue(lines.anyMatch(l -> l.startsWith("data: ")), "the first partial image arrived");
        } // closing the body hangs up
        awaitLogged("http hang-up CANCELLED", Duration.ofSeconds(60));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        assertEquals(
                before + 1,
                log.stream().filter(l -> l.equals("http hang-up CANCELLED")).count(),
                log.toString());
        while (server.service().batcher().stats().activeImages() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, server.service().batcher().stats().activeImages(), "its images left the batcher");
    }
}
