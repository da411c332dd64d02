package dev.strobe.client.testing;

import com.google.protobuf.ByteString;
import dev.strobe.api.v1.Done;
import dev.strobe.api.v1.GenerateEvent;
import dev.strobe.api.v1.GenerateRequest;
import dev.strobe.api.v1.Image;
import dev.strobe.api.v1.ImageFormat;
import dev.strobe.api.v1.ImageGeneratorGrpc;
import dev.strobe.api.v1.ListModelsRequest;
import dev.strobe.api.v1.ListModelsResponse;
import dev.strobe.api.v1.ModelInfo;
import dev.strobe.api.v1.PredictionType;
import dev.strobe.api.v1.Preview;
import dev.strobe.api.v1.PreviewFormat;
import dev.strobe.api.v1.Queued;
import dev.strobe.api.v1.Timings;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted stand-in for the strobe server, for client tests: each {@code Generate} call takes the
 * next {@link Behaviour} from the script (or succeeds when the script is empty) and records what it saw.
 * Thread-safe: gRPC calls it on its server threads while the test thread reads the counters.
 */
public final class FakeImageGenerator extends ImageGeneratorGrpc.ImageGeneratorImplBase {

    /** What one Generate call does. */
    @FunctionalInterface
    public interface Behaviour {
        void run(GenerateRequest request, ServerCallStreamObserver<GenerateEvent> events);
    }

    /** The model the fake serves, with SDXL-Lightning-like limits. */
    public static final String MODEL = "fake-lightning-4step";

    public static final int DEFAULT_SIDE = 64;
    public static final int DEFAULT_STEPS = 4;

    private final Queue<Behaviour> script = new ConcurrentLinkedQueue<>();
    private final Queue<Status> listModelsFailures = new ConcurrentLinkedQueue<>();
    private final AtomicInteger generateCalls = new AtomicInteger();
    private final AtomicInteger listModelsCalls = new AtomicInteger();
    private final List<GenerateRequest> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch cancelled = new CountDownLatch(1);

    /** Appends behaviours for the next calls, in order. */
    public FakeImageGenerator then(Behaviour... behaviours) {
        script.addAll(List.of(behaviours));
        return this;
    }

    private final List<dev.strobe.api.v1.UnavailableModel> unavailable = new CopyOnWriteArrayList<>();

    /** ListModels also reports this model folder as one that did not load. */
    public FakeImageGenerator withUnavailable(String name, String folder, String reason) {
        unavailable.add(dev.strobe.api.v1.UnavailableModel.newBuilder()
                .setName(name)
                .setFolder(folder)
                .setReason(reason)
                .build());
        return this;
    }

    /** The next ListModels calls fail with these statuses, then it answers. */
    public FakeImageGenerator failListModels(Status... statuses) {
        listModelsFailures.addAll(List.of(statuses));
        return this;
    }

    public int generateCalls() {
        return generateCalls.get();
    }

    public int listModelsCalls() {
        return listModelsCalls.get();
    }

    public List<GenerateRequest> requests() {
        return List.copyOf(requests);
    }

    /** Counted down when a Generate call sees its client cancel. */
    public CountDownLatch cancelled() {
        return cancelled;
    }

    @Override
    public void generate(GenerateRequest request, StreamObserver<GenerateEvent> responseObserver) {
        generateCalls.incrementAndGet();
        requests.add(request);
        ServerCallStreamObserver<GenerateEvent> events = (ServerCallStreamObserver<GenerateEvent>) responseObserver;
        events.setOnCancelHandler(cancelled::countDown);
        Behaviour behaviour = script.poll();
        (behaviour == null ? succeed() : behaviour).run(request, events);
    }

    @Override
    public void listModels(ListModelsRequest request, StreamObserver<ListModelsResponse> responseObserver) {
        listModelsCalls.incrementAndGet();
        Status failure = listModelsFailures.poll();
        if (failure != null) {
            responseObserver.onError(failure.asRuntimeException());
            return;
        }
        responseObserver.onNext(ListModelsResponse.newBuilder()
                .setDefaultModel(MODEL)
                .addModels(ModelInfo.newBuilder()
                        .setName(MODEL)
                        .setFamily("sdxl-lightning")
                        .setSteps(DEFAULT_STEPS)
                        .setPredictionType(PredictionType.PREDICTION_TYPE_EPSILON)
                        .setMinWidth(64)
                        .setMaxWidth(2048)
                        .setMinHeight(64)
                        .setMaxHeight(2048)
                        .setSizeMultiple(64)
                        .setDefaultWidth(DEFAULT_SIDE)
                        .setDefaultHeight(DEFAULT_SIDE)
                        .setMaxBatch(4)
                        .setEngine("fake")
                        .setIsDefault(true)
                        .setTimestepSpacing("trailing"))
                .addAllUnavailableModels(unavailable)
                .build());
        responseObserver.onCompleted();
    }

    // ---- behaviours ----

    /** The whole contract stream: queued, previews per step and image, images, done. */
    public static Behaviour succeed() {
        return (request, events) -> {
            for (GenerateEvent event : successEvents(request)) {
                events.onNext(event);
            }
            events.onCompleted();
        };
    }

    /** Ends the call with {@code status} before any event. */
    public static Behaviour fail(Status status) {
        return (request, events) -> events.onError(status.asRuntimeException());
    }

    /** Sends queued, then ends the call with {@code status}. */
    public static Behaviour queuedThenFail(Status status) {
        return (request, events) -> {
            events.onNext(successEvents(request).get(0));
            events.onError(status.asRuntimeException());
        };
    }

    /** Sends queued and then nothing, until the client cancels or its deadline passes. */
    public static Behaviour queuedThenHang() {
        return (request, events) -> events.onNext(successEvents(request).get(0));
    }

    /** Sends nothing at all until the client gives up. */
    public static Behaviour hang() {
        return (request, events) -> {};
    }

    /** Sends everything but done and closes the stream OK: a contract violation. */
    public static Behaviour completeWithoutDone() {
        return (request, events) -> {
            List<GenerateEvent> all = successEvents(request);
            for (GenerateEvent event : all.subList(0, all.size() - 1)) {
                events.onNext(event);
            }
            events.onCompleted();
        };
    }

    /** The events of a successful request, with defaults resolved the way the real server does. */
    public static List<GenerateEvent> successEvents(GenerateRequest request) {
        int width = request.getWidth() == 0 ? DEFAULT_SIDE : request.getWidth();
        int height = request.getHeight() == 0 ? DEFAULT_SIDE : request.getHeight();
        int steps = request.getSteps() == 0 ? DEFAULT_STEPS : request.getSteps();
        int images = Math.max(request.getNumImages(), 1);
        long seed = request.hasSeed() ? request.getSeed() : 12345L;
        String model = request.getModel().isEmpty() ? MODEL : request.getModel();
        List<GenerateEvent> events = new ArrayList<>();
        events.add(GenerateEvent.newBuilder()
                .setQueued(Queued.newBuilder()
                        .setPosition(0)
                        .setRequestId(request.getRequestId())
                        .setPromptTokens(3)
                        .setModel(model)
                        .setWidth(width)
                        .setHeight(height)
                        .setSteps(steps)
                        .setNumImages(images))
                .build());
        PreviewFormat previewFormat =
                request.hasPreview() ? request.getPreview().getFormat() : PreviewFormat.PREVIEW_FORMAT_UNSPECIFIED;
        if (previewFormat != PreviewFormat.PREVIEW_FORMAT_NONE) {
            boolean png = previewFormat == PreviewFormat.PREVIEW_FORMAT_PNG;
            for (int step = 1; step <= steps; step++) {
                for (int i = 0; i < images; i++) {
                    byte[] data = FakeImages.encode(width / 8, height / 8, png ? "png" : "jpg", step / (float) steps);
                    events.add(GenerateEvent.newBuilder()
                            .setPreview(Preview.newBuilder()
                                    .setImageIndex(i)
                                    .setStep(step)
                                    .setTotalSteps(steps)
                                    .setWidth(width / 8)
                                    .setHeight(height / 8)
                                    .setFormat(png ? ImageFormat.IMAGE_FORMAT_PNG : ImageFormat.IMAGE_FORMAT_JPEG)
                                    .setData(ByteString.copyFrom(data)))
                            .build());
                }
            }
        }
        boolean jpeg = request.getOutputFormat() == ImageFormat.IMAGE_FORMAT_JPEG;
        for (int i = 0; i < images; i++) {
            byte[] data = FakeImages.encode(width, height, jpeg ? "jpg" : "png", i / 4f);
            events.add(GenerateEvent.newBuilder()
                    .setImage(Image.newBuilder()
                            .setImageIndex(i)
                            .setSeed(seed + i)
                            .setWidth(width)
                            .setHeight(height)
                            .setFormat(jpeg ? ImageFormat.IMAGE_FORMAT_JPEG : ImageFormat.IMAGE_FORMAT_PNG)
                            .setData(ByteString.copyFrom(data)))
                    .build());
        }
        events.add(GenerateEvent.newBuilder()
                .setDone(Done.newBuilder()
                        .setRequestId(request.getRequestId())
                        .setTimings(Timings.newBuilder()
                                .setQueueMs(1.5)
                                .setEncodeMs(2)
                                .setDenoiseMs(10)
                                .setDecodeMs(3)
                                .setTotalMs(17)
                                .setFirstPreviewMs(6)))
                .build());
        return events;
    }
}
