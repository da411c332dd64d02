package dev.strobe.loadtest.soak;

import dev.strobe.api.v1.GenerateEvent;
import dev.strobe.api.v1.GenerateRequest;
import dev.strobe.api.v1.ImageGeneratorGrpc;
import dev.strobe.api.v1.PreviewFormat;
import dev.strobe.api.v1.PreviewOptions;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Draws and sends the soak's requests over plain gRPC calls (so that a client can stop reading:
 * it asks for no more messages) and records how they ended. Sends on the soak's driver thread;
 * callbacks arrive on gRPC's threads; the records are thread-safe.
 */
final class SoakRequests {
    private static final List<String> PROMPTS = List.of(
            "a lighthouse on a cliff at dusk",
            "a red fox in fresh snow",
            "an isometric pixel-art city block",
            "a bowl of ramen on a wooden table",
            "a watercolor map of an imaginary archipelago");
    /** Requests the server must refuse with INVALID_ARGUMENT or NOT_FOUND, never anything else. */
    private static final List<GenerateRequest> HOSTILE = List.of(
            GenerateRequest.newBuilder()
                    .setPrompt("x")
                    .setWidth(100)
                    .setHeight(100)
                    .build(),
            GenerateRequest.newBuilder().setPrompt("x").setNumImages(-1).build(),
            GenerateRequest.newBuilder().setPrompt("x".repeat(20_000)).build(),
            GenerateRequest.newBuilder()
                    .setPrompt("x")
                    .setModel("../../etc/passwd\u0000")
                    .build(),
            GenerateRequest.newBuilder().setPrompt("x").setSteps(-7).build(),
            GenerateRequest.newBuilder().setPrompt("x").setRequestId("bad\nid").build(),
            GenerateRequest.newBuilder()
                    .setPrompt("x")
                    .setPreview(PreviewOptions.newBuilder().setMaxSide(3))
                    .build());

    private final Channel channel;
    private final List<String> models;
    private final List<Integer> sides;
    private final long neverReadDeadlineMs;
    private final LongSupplier clock;

    final Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
    /** One sample per request that showed a preview: {start nanos, time to first preview nanos}. */
    final List<long[]> ttfp = new java.util.concurrent.CopyOnWriteArrayList<>();

    final AtomicLong open = new AtomicLong();

    SoakRequests(
            Channel channel, List<String> models, List<Integer> sides, long neverReadDeadlineMs, LongSupplier clock) {
        this.channel = channel;
        this.models = models;
        this.sides = sides;
        this.neverReadDeadlineMs = neverReadDeadlineMs;
        this.clock = clock;
    }

    private void count(String outcome) {
        outcomes.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
    }

    /** Starts one request with a behaviour drawn from {@code random}. */
    void send(Random random, long id) {
        Behaviour b = Behaviour.draw(random);
        GenerateRequest request;
        if (b == Behaviour.HOSTILE) {
            request = HOSTILE.get(random.nextInt(HOSTILE.size())).toBuilder()
                    .setRequestId("soak-h" + id)
                    .build();
        } else {
            int side = sides.get(random.nextInt(sides.size()));
            boolean previews = b == Behaviour.CANCEL || random.nextInt(4) != 0; // a cancel needs previews
            request = GenerateRequest.newBuilder()
                    .setPrompt(PROMPTS.get(random.nextInt(PROMPTS.size())))
                    .setModel(models.get(random.nextInt(models.size())))
                    .setWidth(side)
                    .setHeight(side)
                    .setNumImages(1 + random.nextInt(4))
                    .setSeed(random.nextLong())
                    .setPreview(PreviewOptions.newBuilder()
                            .setFormat(
                                    previews ? PreviewFormat.PREVIEW_FORMAT_JPEG : PreviewFormat.PREVIEW_FORMAT_NONE))
                    .setRequestId("soak-" + id)
                    .build();
        }
        int cancelAfter = 1 + random.nextInt(4);
        long deadlineMs = b == Behaviour.NEVER_READ ? neverReadDeadlineMs : 600_000;
        ClientCall<GenerateRequest, GenerateEvent> call = channel.newCall(
                ImageGeneratorGrpc.getGenerateMethod(),
                CallOptions.DEFAULT.withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS));
        long start = clock.getAsLong();
        open.incrementAndGet();
        call.start(
                new ClientCall.Listener<>() {
                    private int previews;
                    private boolean firstPreview;

                    @Override
                    public void onMessage(GenerateEvent e) {
                        if (e.hasPreview()) {
                            previews++;
                            if (!firstPreview && b == Behaviour.READ) {
                                firstPreview = true;
                                ttfp.add(new long[] {start, clock.getAsLong() - start});
                            }
                            if (b == Behaviour.CANCEL && previews >= cancelAfter) {
                                call.cancel("the soak client cancels at a random step", null);
                                return;
                            }
                        }
                        if (b != Behaviour.NEVER_READ) {
                            call.request(1);
                        }
                    }

                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        open.decrementAndGet();
                        count(b.name().toLowerCase(java.util.Locale.ROOT) + " " + status.getCode());
                    }
                },
                new Metadata());
        call.sendMessage(request);
        call.halfClose();
        call.request(1); // a never-reading client takes the first message (queued) and no more
    }
}
