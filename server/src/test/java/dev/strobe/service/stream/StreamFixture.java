package dev.strobe.service.stream;

import dev.strobe.pipeline.DecodedImage;
import dev.strobe.pipeline.EncodedImage;
import dev.strobe.pipeline.ImageCodec;
import dev.strobe.pipeline.ImageFormat;
import dev.strobe.pipeline.ModelStages;
import dev.strobe.pipeline.PreviewFrame;
import dev.strobe.pipeline.PromptTokens;
import dev.strobe.scheduler.Batcher;
import dev.strobe.scheduler.BatcherConfig;
import dev.strobe.scheduler.SchedulerMetrics;
import dev.strobe.service.GenerateCommand;
import dev.strobe.service.GenerationService;
import dev.strobe.service.Limits;
import dev.strobe.service.ModelCatalog;
import dev.strobe.service.ModelInfo;
import dev.strobe.service.RequestValidator;
import dev.strobe.service.ServedModel;
import dev.strobe.service.WaitEstimator;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stream core over a batcher that never runs (requests are only queued), a fake clock, a manual
 * timer and a codec that encodes nothing: tests call the sink methods themselves, step by step.
 */
final class StreamFixture implements AutoCloseable {
    static final ModelInfo MODEL =
            new ModelInfo("m", "sdxl-lightning", 8, "epsilon", "trailing", 256, 2048, 64, 1024, 1024, 8, "fake");

    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final ManualTimer timer = new ManualTimer();
    final List<String> log = new CopyOnWriteArrayList<>();
    /** Steps whose preview fails to render. */
    final List<Integer> unrenderable = new CopyOnWriteArrayList<>();

    final Batcher batcher;
    final GenerationStreams streams;

    StreamFixture(Executor output, StreamLimits limits) {
        batcher = new Batcher(
                java.util.Map.of("m", unusedStages()),
                BatcherConfig.defaults(),
                Runnable::run,
                SchedulerMetrics.NONE,
                now::get);
        GenerationService service = new GenerationService(
                new ModelCatalog(
                        List.of(new ServedModel(
                                MODEL, p -> new PromptTokens(new long[77], new long[77], 3, false), null)),
                        "m"),
                batcher,
                new RequestValidator(Limits.defaults()),
                () -> 42L,
                now::get,
                WaitEstimator.disabled());
        ImageCodec codec = new ImageCodec() {
            @Override
            public EncodedImage encodeFinal(DecodedImage image, ImageFormat format) {
                return new EncodedImage(format, image.width(), image.height(), new byte[] {9});
            }

            @Override
            public EncodedImage encodePreview(PreviewFrame frame, ImageFormat format, int maxSide) {
                if (unrenderable.contains(frame.step())) {
                    throw new IllegalStateException("cannot render");
                }
                return new EncodedImage(format, 1, 1, new byte[] {(byte) frame.step()});
            }
        };
        RequestLog requestLog = (r, code, t, message) -> log.add(r.frontend() + " " + r.requestId() + " " + code
                + (t != null ? " timed" : "") + (message.isEmpty() ? "" : ": " + message));
        streams = new GenerationStreams(service, codec, output, requestLog, limits, timer);
    }

    StreamFixture() {
        this(Runnable::run, StreamLimits.defaults());
    }

    static GenerateCommand command(int images, long deadlineUnused) {
        return new GenerateCommand(
                "a fox",
                "",
                256,
                256,
                0,
                7L,
                images,
                GenerateCommand.PreviewChoice.JPEG,
                0,
                1,
                GenerateCommand.OutputChoice.PNG,
                "req-1");
    }

    /** A stream admitted with no deadline and the writer attached. */
    GenerationStream started(FakeWriter writer, int images) {
        return started(writer, images, Long.MAX_VALUE, PreviewSelection.ALL);
    }

    GenerationStream started(FakeWriter writer, int images, long deadline, PreviewSelection selection) {
        GenerationStream s = streams.open("test", selection);
        s.admit(command(images, deadline), null, "", now.get(), deadline);
        writer.stream = s;
        s.attach(writer);
        return s;
    }

    static PreviewFrame frame(int image, int step) {
        return new PreviewFrame(image, step, 8, 4, 1, 1, new float[4]);
    }

    static DecodedImage decoded() {
        return new DecodedImage(new float[3 * 256 * 256], 0, 256, 256);
    }

    void advanceMillis(long ms) {
        now.addAndGet(ms * 1_000_000L);
        timer.runDue(now.get());
    }

    @Override
    public void close() {
        batcher.close();
    }

    private static ModelStages unusedStages() {
        return (ModelStages) java.lang.reflect.Proxy.newProxyInstance(
                ModelStages.class.getClassLoader(), new Class<?>[] {ModelStages.class}, (proxy, method, args) -> {
                    throw new UnsupportedOperationException(method.getName() + " must not run in this test");
                });
    }

    /** A timer that runs tasks only when the test advances the fake clock past their time. */
    final class ManualTimer implements StreamTimer {
        private final List<long[]> due = new ArrayList<>();
        private final List<Runnable> tasks = new ArrayList<>();
        private final List<boolean[]> cancelled = new ArrayList<>();

        @Override
        public synchronized Task schedule(Runnable task, long delayNanos) {
            boolean[] flag = {false};
            due.add(new long[] {now.get() + delayNanos});
            tasks.add(task);
            cancelled.add(flag);
            return () -> flag[0] = true;
        }

        /** Checks still waiting (not run, not cancelled). */
        synchronized int pending() {
            int n = 0;
            for (boolean[] c : cancelled) {
                n += c[0] ? 0 : 1;
            }
            return n;
        }

        void runDue(long time) {
            while (true) {
                Runnable next = null;
                synchronized (this) {
                    Iterator<long[]> d = due.iterator();
                    Iterator<Runnable> t = tasks.iterator();
                    Iterator<boolean[]> c = cancelled.iterator();
                    while (d.hasNext()) {
                        long at = d.next()[0];
                        Runnable r = t.next();
                        boolean[] flag = c.next();
                        if (flag[0] || at <= time) {
                            d.remove();
                            t.remove();
                            c.remove();
                            if (!flag[0]) {
                                next = r;
                                break;
                            }
                        }
                    }
                }
                if (next == null) {
                    return;
                }
                next.run();
            }
        }
    }
}
