package dev.strobe.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.strobe.api.v1.GenerateEvent;
import dev.strobe.api.v1.GenerateRequest;
import dev.strobe.api.v1.ImageGeneratorGrpc;
import dev.strobe.api.v1.PreviewOptions;
import dev.strobe.server.StrobeServer;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad and extreme requests over Netty (the real transport, with its message size limit) against
 * a server with the default limits: each gets the right status code with a sentence, refusals come
 * at once, and the server goes on serving normally afterwards.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInputTest {
    private static final String GENERATE = "strobe.v1.ImageGenerator/Generate";
    private static final long U32_MAX = 0xFFFF_FFFFL;
    private static StrobeServer server;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(null, TestServers.settings(0));
        channel = NettyChannelBuilder.forAddress("localhost", server.port())
                .usePlaintext()
                .maxInboundMessageSize(64 << 20)
                .build();
    }

    @AfterAll
    static void stop() {
        channel.shutdownNow();
        server.close();
    }

    /** How a call ended and the events it carried. */
    record Result(Status status, List<GenerateEvent> events) {}

    /** One row of the table; OK rows also check the events. */
    record Case(
            String name,
            Function<Channel, Result> call,
            Status.Code code,
            String fragment,
            Consumer<List<GenerateEvent>> check) {
        @Override
        public String toString() {
            return name;
        }
    }

    static GenerateRequest.Builder base() {
        return GenerateRequest.newBuilder()
                .setPrompt("a hostile test")
                .setWidth(256)
                .setHeight(256)
                .setSeed(1);
    }

    static Case refused(String name, GenerateRequest.Builder r, Status.Code code, String fragment) {
        GenerateRequest built = r.build();
        return new Case(name, ch -> generate(ch, built, Duration.ofSeconds(30)), code, fragment, e -> {});
    }

    static Case ok(String name, GenerateRequest.Builder r, Consumer<List<GenerateEvent>> check) {
        GenerateRequest built = r.build();
        return new Case(name, ch -> generate(ch, built, Duration.ofSeconds(30)), Status.Code.OK, "", check);
    }

    static Case raw(
            String name,
            String method,
            byte[] bytes,
            Status.Code code,
            String fragment,
            Consumer<List<GenerateEvent>> check) {
        return new Case(
                name,
                ch -> {
                    RawCalls.Outcome o = RawCalls.serverStreaming(ch, method, bytes);
                    List<GenerateEvent> events = new ArrayList<>();
                    for (byte[] m : o.messages()) {
                        try {
                            events.add(GenerateEvent.parseFrom(m));
                        } catch (InvalidProtocolBufferException e) {
                            throw new AssertionError(e);
                        }
                    }
                    return new Result(o.status(), events);
                },
                code,
                fragment,
                check);
    }

    static Result generate(Channel ch, GenerateRequest r, Duration deadline) {
        List<GenerateEvent> events = new ArrayList<>();
        try {
            ImageGeneratorGrpc.newBlockingStub(ch)
                    .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                    .generate(r)
                    .forEachRemaining(events::add);
            return new Result(Status.OK, events);
        } catch (StatusRuntimeException e) {
            return new Result(e.getStatus(), events);
        }
    }

    static Stream<Case> cases() {
        Status.Code invalid = Status.Code.INVALID_ARGUMENT;
        Status.Code notFound = Status.Code.NOT_FOUND;
        String oneMb = "x".repeat(1_000_000);
        String fiveMb = "y".repeat(5 << 20);
        return Stream.of(
                // Sizes: 0 is the default, the rest must be multiples of 64 in the model's range.
                ok(
                        "width 0 is the default (1024)",
                        base().setModel("tiny-lightning-1step").setWidth(0),
                        e -> assertEquals(1024, queued(e).getWidth())),
                refused("width 1", base().setWidth(1), invalid, "width 1 is outside"),
                refused("width 63", base().setWidth(63), invalid, "width 63 is outside"),
                refused("height 65", base().setHeight(65), invalid, "height 65 is outside"),
                refused("width 321 (not a multiple of 64)", base().setWidth(321), invalid, "multiple of 64"),
                refused("height 100000", base().setHeight(100_000), invalid, "height 100000 is outside"),
                refused("width 2^32-1", base().setWidth((int) U32_MAX), invalid, "width 4294967295 is outside"),
                ok(
                        "2048x256, the largest side",
                        base().setModel("tiny-lightning-1step").setWidth(2048),
                        e -> assertEquals(2048, image(e, 0).getWidth())),
                // Steps: the model's own count or 0.
                refused("steps 3", base().setSteps(3), invalid, "distilled for 4 steps"),
                refused("steps 5", base().setSteps(5), invalid, "distilled for 4 steps"),
                refused("steps 1000", base().setSteps(1000), invalid, "got 1000"),
                refused("steps 2^32-1", base().setSteps((int) U32_MAX), invalid, "got 4294967295"),
                ok(
                        "steps 4 on the 4-step model",
                        base().setSteps(4),
                        e -> assertEquals(4, queued(e).getSteps())),
                // Images per request: 0 means 1, at most 4.
                ok("num_images 0 means one", base().setNumImages(0), e -> assertEquals(1, images(e))),
                ok("num_images 4", base().setNumImages(4), e -> assertEquals(4, images(e))),
                refused("num_images 5", base().setNumImages(5), invalid, "num_images must be 0 (one image) to 4"),
                refused("num_images 100", base().setNumImages(100), invalid, "got 100"),
                refused("num_images 1000", base().setNumImages(1000), invalid, "got 1000"),
                refused("num_images 2^32-1", base().setNumImages((int) U32_MAX), invalid, "got 4294967295"),
                // Model names are looked up, never used as paths.
                refused("model ../../etc/passwd", base().setModel("../../etc/passwd"), notFound, "available models"),
                refused("model /abs", base().setModel("/abs"), notFound, "'/abs' is not served here"),
                refused("model a/b", base().setModel("a/b"), notFound, "available models"),
                refused(
                        "model name with a NUL",
                        base().setModel("tiny-lightning-4step\u0000"),
                        notFound,
                        "tiny-lightning-4step\\u0000"),
                refused("model name of 10000 characters", base().setModel("m".repeat(10_000)), notFound, "..."),
                refused(
                        "model name in upper case",
                        base().setModel("TINY-LIGHTNING-4STEP"),
                        notFound,
                        "available models: tiny-lightning-1step"),
                // Prompts.
                ok(
                        "empty prompt",
                        base().setPrompt(""),
                        e -> assertEquals(0, queued(e).getPromptTokens())),
                ok(
                        "prompt of exactly the limit, 10000 characters",
                        base().setPrompt("cat ".repeat(2500)),
                        e -> assertTrue(queued(e).getPromptTruncated())),
                refused(
                        "prompt of 10001 characters",
                        base().setPrompt("z".repeat(10_001)),
                        invalid,
                        "the prompt has 10001 characters; the limit is 10000"),
                refused("prompt of 1 MB", base().setPrompt(oneMb), invalid, "1000000 characters; the limit is 10000"),
                refused(
                        "prompt larger than the max message size",
                        base().setPrompt(fiveMb),
                        Status.Code.RESOURCE_EXHAUSTED,
                        "exceeds maximum size"),
                ok(
                        "control characters in the prompt",
                        base().setPrompt("\u0000\u0007\u001b[2J\r\n\u0085 red"),
                        e -> {}),
                ok("lone surrogates in the prompt", base().setPrompt("\uD800 a \uDFFF b \uDBFF"), e -> {}),
                raw(
                        "invalid UTF-8 in the prompt",
                        GENERATE,
                        concat(
                                new byte[] {0x0a, 0x02, (byte) 0xc3, 0x28},
                                base().clearPrompt().build().toByteArray()),
                        invalid,
                        "invalid UTF-8",
                        e -> {}),
                // Seeds span uint64.
                ok("seed 0", base().setSeed(0), e -> assertEquals(0, image(e).getSeed())),
                ok("seed 2^64-1", base().setSeed(-1L), e -> assertEquals(-1L, image(e).getSeed())),
                // Previews.
                refused(
                        "preview max_side 1",
                        base().setPreview(PreviewOptions.newBuilder().setMaxSide(1)),
                        invalid,
                        "preview.max_side must be 0 (natural size) or 16 to 4096, got 1"),
                refused(
                        "preview max_side 100000",
                        base().setPreview(PreviewOptions.newBuilder().setMaxSide(100_000)),
                        invalid,
                        "got 100000"),
                ok(
                        "preview every_n_steps 2^32-1: only the last step",
                        base().setPreview(PreviewOptions.newBuilder().setEveryNSteps((int) U32_MAX)),
                        e -> assertEquals(List.of(4), previewSteps(e))),
                ok(
                        "preview every_n_steps 1000: only the last step",
                        base().setPreview(PreviewOptions.newBuilder().setEveryNSteps(1000)),
                        e -> assertEquals(List.of(4), previewSteps(e))),
                // Enum values this server does not know.
                refused("output_format 7", base().setOutputFormatValue(7), invalid, "output_format is not one of"),
                refused(
                        "preview format 99",
                        base().setPreview(PreviewOptions.newBuilder().setFormatValue(99)),
                        invalid,
                        "preview.format is not one of"),
                // request_id.
                refused(
                        "request_id of 129 characters",
                        base().setRequestId("r".repeat(129)),
                        invalid,
                        "request_id has 129 characters; the limit is 128"),
                refused(
                        "request_id of 10000 characters",
                        base().setRequestId("r".repeat(10_000)),
                        invalid,
                        "request_id has 10000 characters"),
                refused(
                        "request_id with a newline",
                        base().setRequestId("a\nb"),
                        invalid,
                        "must not contain control characters"),
                refused(
                        "request_id larger than the max message size",
                        base().setRequestId(fiveMb),
                        Status.Code.RESOURCE_EXHAUSTED,
                        "exceeds maximum size"),
                // Bytes no stub would send.
                raw(
                        "garbage bytes",
                        GENERATE,
                        new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff},
                        invalid,
                        "is not a valid strobe.v1.ImageGenerator/Generate request",
                        e -> {}),
                raw("truncated message", GENERATE, new byte[] {0x0a, 0x10, 0x41}, invalid, "not a valid", e -> {}),
                raw(
                        "unknown field 99 is ignored",
                        GENERATE,
                        concat(base().build().toByteArray(), new byte[] {(byte) 0x98, 0x06, 0x01}),
                        Status.Code.OK,
                        "",
                        e -> assertEquals(1, images(e))),
                raw(
                        "known field with the wrong wire type is ignored",
                        GENERATE,
                        concat(base().build().toByteArray(), new byte[] {0x1a, 0x01, 0x78}),
                        Status.Code.OK,
                        "",
                        e -> assertEquals(256, queued(e).getWidth())),
                raw(
                        "unknown method",
                        "strobe.v1.ImageGenerator/Nope",
                        new byte[0],
                        Status.Code.UNIMPLEMENTED,
                        "Nope",
                        e -> {}),
                raw(
                        "unknown service",
                        "strobe.v9.Nothing/Generate",
                        new byte[0],
                        Status.Code.UNIMPLEMENTED,
                        "strobe.v9.Nothing",
                        e -> {}),
                // A deadline the queue cannot meet is refused at admission, with the estimate.
                new Case(
                        "8-step 2048x2048 with a 1 s deadline",
                        ch -> generate(
                                ch,
                                base().setModel("tiny-lightning-8step")
                                        .setWidth(2048)
                                        .setHeight(2048)
                                        .build(),
                                Duration.ofSeconds(1)),
                        Status.Code.DEADLINE_EXCEEDED,
                        "estimated time to finish",
                        e -> {}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @Order(1)
    void eachBadOrExtremeRequestGetsTheRightCodeWithASentenceWithoutUsingTheDevice(Case c) {
        var before = server.service().batcher().stats();
        Result r = c.call().apply(channel);
        assertEquals(c.code(), r.status().getCode(), c.name() + ": " + r.status());
        if (c.code() == Status.Code.OK) {
            assertTrue(r.events().get(r.events().size() - 1).hasDone(), "done ends the stream");
            c.check().accept(r.events());
        } else {
            String sentence = r.status().getDescription();
            assertNotNull(sentence, "every error carries a sentence");
            assertTrue(sentence.contains(c.fragment()), c.name() + ": " + sentence);
            assertTrue(sentence.length() < 1000, "the sentence stays short: " + sentence.length());
            var after = server.service().batcher().stats();
            // Refused before admission: the batcher never saw it, so it cost no device time.
            assertEquals(before.completed(), after.completed(), c.name() + " reached the batcher");
            assertEquals(before.failed(), after.failed(), c.name() + " reached the batcher");
        }
    }

    @Test
    @Order(2)
    void afterwardsTheServerServesANormalRequest() throws Exception {
        Result r = generate(channel, base().setRequestId("after-the-storm").build(), Duration.ofSeconds(30));
        assertEquals(Status.Code.OK, r.status().getCode(), r.status().toString());
        BufferedImage png = ImageIO.read(
                new ByteArrayInputStream(image(r.events()).getData().toByteArray()));
        assertEquals(256, png.getWidth());
        assertEquals(
                "after-the-storm",
                r.events().get(r.events().size() - 1).getDone().getRequestId());
        assertEquals(0, server.service().batcher().stats().activeImages());
    }

    static dev.strobe.api.v1.Queued queued(List<GenerateEvent> events) {
        return events.get(0).getQueued();
    }

    static dev.strobe.api.v1.Image image(List<GenerateEvent> events) {
        return image(events, 0);
    }

    static dev.strobe.api.v1.Image image(List<GenerateEvent> events, int index) {
        return events.stream()
                .filter(GenerateEvent::hasImage)
                .map(GenerateEvent::getImage)
                .filter(i -> i.getImageIndex() == index)
                .findFirst()
                .orElseThrow();
    }

    static long images(List<GenerateEvent> events) {
        return events.stream().filter(GenerateEvent::hasImage).count();
    }

    static List<Integer> previewSteps(List<GenerateEvent> events) {
        return events.stream()
                .filter(GenerateEvent::hasPreview)
                .map(e -> e.getPreview().getStep())
                .toList();
    }

    static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
