package dev.strobe.loadtest;

import com.google.protobuf.ByteString;
import dev.strobe.api.v1.Done;
import dev.strobe.api.v1.GenerateEvent;
import dev.strobe.api.v1.GenerateRequest;
import dev.strobe.api.v1.Image;
import dev.strobe.api.v1.ImageFormat;
import dev.strobe.api.v1.ImageGeneratorGrpc;
import dev.strobe.api.v1.Preview;
import dev.strobe.api.v1.PreviewFormat;
import dev.strobe.api.v1.Queued;
import dev.strobe.api.v1.Timings;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake strobe server for load-driver tests: answers every request with the contract's stream, one
 * step every {@code stepMillis} on a scheduler (so requests overlap like on a real server), and sheds
 * every {@code shedEvery}-th request with RESOURCE_EXHAUSTED (0 = never). Thread-safe.
 */
final class FakeGeneratorService extends ImageGeneratorGrpc.ImageGeneratorImplBase implements AutoCloseable {

    private final int stepMillis;
    private final int shedEvery;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger shed = new AtomicInteger();

    FakeGeneratorService(int stepMillis, int shedEvery) {
        this.stepMillis = stepMillis;
        this.shedEvery = shedEvery;
    }

    int calls() {
        return calls.get();
    }

    int shed() {
        return shed.get();
    }

    @Override
    public void generate(GenerateRequest request, StreamObserver<GenerateEvent> events) {
        int call = calls.incrementAndGet();
        if (shedEvery > 0 && call % shedEvery == 0) {
            shed.incrementAndGet();
            events.onError(Status.RESOURCE_EXHAUSTED
                    .withDescription("the queue is full")
                    .asRuntimeException());
            return;
        }
        int steps = request.getSteps() == 0 ? 4 : request.getSteps();
        int images = Math.max(1, request.getNumImages());
        boolean previews = request.getPreview().getFormat() != PreviewFormat.PREVIEW_FORMAT_NONE;
        events.onNext(GenerateEvent.newBuilder()
                .setQueued(Queued.newBuilder()
                        .setRequestId(request.getRequestId())
                        .setModel("fake")
                        .setWidth(64)
                        .setHeight(64)
                        .setSteps(steps)
                        .setNumImages(images))
                .build());
        step(request, events, 1, steps, images, previews);
    }

    private void step(
            GenerateRequest request,
            StreamObserver<GenerateEvent> events,
            int step,
            int steps,
            int images,
            boolean previews) {
        scheduler.schedule(
                () -> {
                    if (previews) {
                        for (int i = 0; i < images; i++) {
                            events.onNext(GenerateEvent.newBuilder()
                                    .setPreview(Preview.newBuilder()
                                            .setImageIndex(i)
                                            .setStep(step)
                                            .setTotalSteps(steps)
                                            .setFormat(ImageFormat.IMAGE_FORMAT_JPEG)
                                            .setData(ByteString.copyFromUtf8("jpeg")))
                                    .build());
                        }
                    }
                    if (step < steps) {
                        step(request, events, step + 1, steps, images, previews);
                        return;
                    }
                    for (int i = 0; i < images; i++) {
                        events.onNext(GenerateEvent.newBuilder()
                                .setImage(Image.newBuilder()
                                        .setImageIndex(i)
                                        .setSeed(request.getSeed() + i)
                                        .setFormat(ImageFormat.IMAGE_FORMAT_PNG)
                                        .setData(ByteString.copyFromUtf8("png")))
                                .build());
                    }
                    events.onNext(GenerateEvent.newBuilder()
                            .setDone(Done.newBuilder()
                                    .setRequestId(request.getRequestId())
                                    .setTimings(
                                            Timings.newBuilder().setQueueMs(0.5).setTotalMs(steps * stepMillis)))
                            .build());
                    events.onCompleted();
                },
                stepMillis,
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
